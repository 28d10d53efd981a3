package sigap

import "time"

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
	At         time.Time
	// FromOwnAccount marks a message that a person sent by hand from the
	// organisation's own account into the citizen's chat, such as a reply
	// typed on the regency's WhatsApp phone, instead of one the citizen
	// sent. From is still the citizen's address. Adapters never hand on
	// Sigap's own sends this way.
	FromOwnAccount bool
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
	Replies  []string
	Attempts int
	// Created is when it was committed to the outbox.
	Created time.Time
}
