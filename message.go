package sigap

import (
	"context"
	"time"
)

// MessageKind says what an inbound or stored message holds.
type MessageKind string

const (
	KindText     MessageKind = "text"
	KindPhoto    MessageKind = "photo"
	KindLocation MessageKind = "location"
	KindContact  MessageKind = "contact"
	KindDocument MessageKind = "document"
	KindAudio    MessageKind = "audio"
	KindVideo    MessageKind = "video"
	KindSticker  MessageKind = "sticker"
	KindEdit     MessageKind = "edit"   // the citizen edited RefID; Text is the new text
	KindDelete   MessageKind = "delete" // the citizen deleted RefID
	// KindCommand is a chat command ("status", "baru", "cek KODE"): the
	// bot answers it, so it never waits in a queue for staff.
	KindCommand MessageKind = "command"
)

// Inbound is a citizen's message as a channel adapter delivers it.
type Inbound struct {
	From  Address
	Name  string // display name, when the platform gives one
	Phone string // E.164 digits without "+", when known
	// PlatformID is unique within the chat and stable across
	// redeliveries; the store dedupes on (channel, chat, PlatformID).
	PlatformID string
	Kind       MessageKind
	Text       string // text, or the caption of a photo
	MediaRef   string // platform file id or local path of a stored file
	Lat, Lon   float64
	RefID      string // for edits and deletions: the PlatformID they change
	// Quoted is the text of the message this one replies to, when the
	// platform gives it (Telegram): how a staff member's answer to a
	// new-ticket message finds its ticket.
	Quoted string
	At     time.Time
	// FromOwnAccount marks a message that a person sent by hand from the
	// organisation's own account into the citizen's chat, such as a reply
	// typed on the regency's WhatsApp phone, instead of one the citizen
	// sent. From is still the citizen's address. Adapters never hand on
	// Sigap's own sends this way.
	FromOwnAccount bool
	// Public marks a comment under a post, which everyone reads, instead
	// of a message to the regency: it is answered only when it asks or
	// reports something, in one private message, and never with a
	// welcome, a command's answer or a feedback question.
	Public bool
	// OPDHint is the OPD whose own account the message reached, such as
	// the Instagram account of Dinkes: a strong hint for triage.
	OPDHint string
}

// Author says who wrote a stored message.
type Author string

const (
	AuthorCitizen Author = "citizen"
	AuthorBot     Author = "bot"
	AuthorStaff   Author = "staff"
	AuthorNote    Author = "note" // internal staff note, never sent
	AuthorSystem  Author = "system"
)

// Message is one entry of a citizen's thread.
type Message struct {
	ID         int64
	CitizenID  int64
	TicketID   int64 // 0 when not part of a ticket
	Channel    Channel
	PlatformID string // inbound only
	Author     Author
	Staff      string // username, for staff replies and notes
	Kind       MessageKind
	Text       string
	MediaRef   string
	Lat, Lon   float64
	RefID      string
	At         time.Time
}

// Outbound is a message waiting in, or leaving, the outbox.
type Outbound struct {
	ID       int64
	To       Address
	TicketID int64
	Text     string
	// Replies are quick answers offered as buttons under the message, on
	// channels that have them (Telegram); pressing one sends its text, so
	// a channel without buttons loses nothing but the convenience.
	Replies []string
	// MediaRef is a file to send with Text as its caption (a path under
	// the media folder), of MediaKind KindPhoto or KindDocument.
	MediaRef  string
	MediaKind MessageKind
	// Lane says whom the message is for; the outbox sends every waiting
	// citizen reply before any staff notice.
	Lane Lane
	// Attempts counts the failed tries to send it. A channel that was not
	// connected, or held the message back for its own pacing, made no try.
	Attempts int
	// PartsSent is how many parts of a message its channel splits went out
	// in earlier tries; the channel sends only the rest.
	PartsSent int
	// PartSent, set by the outbox while it sends the message, records
	// durably that the first n parts went out. A channel that sends a
	// message as several parts calls it after each part but the last,
	// before the next, and gives up the send with its error, so that a
	// retry after a crash sends only the parts that did not go out.
	PartSent func(ctx context.Context, n int) error `json:"-"`
	// Created is when it was committed to the outbox.
	Created time.Time
	// Queued is when it last joined the queue: Created, or when staff
	// asked for it to be sent again. The outbox gives up on a message a
	// set time after Queued, however many tries that took.
	Queued time.Time
	// LastError says why the last try failed.
	LastError string
	// FailedAt is when the outbox gave up on it, and Failure why, for
	// staff: zero and empty while it waits or once it was sent.
	FailedAt time.Time
	Failure  Failure
}

// Lane is whom an outbound message is for.
type Lane int

const (
	// LaneCitizen holds replies to citizens, which never wait behind
	// notices to staff.
	LaneCitizen Lane = 0
	// LaneStaff holds SLA alerts and other notices to staff and
	// supervisors.
	LaneStaff Lane = 1
)

// Failure says why an outbound message was not delivered.
type Failure string

const (
	// FailureBlocked: the citizen blocked Sigap's account on the platform.
	FailureBlocked Failure = "blocked"
	// FailureRefused: the platform refused the message for good, for
	// another reason (a deleted account, a chat that does not exist).
	FailureRefused Failure = "refused"
	// FailureExpired: the message could not be sent for as long as the
	// outbox keeps trying (the channel was down, or kept failing).
	FailureExpired Failure = "expired"
)
