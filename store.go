package sigap

import (
	"context"
	"time"
)

// Store is the durable state of Sigap. Every change runs in one transaction,
// so an inbound message, the ticket it opens and the replies it causes are
// committed together or not at all.
type Store interface {
	// Update runs fn in a write transaction; fn's error rolls it back.
	// An engine whose transactions run side by side (PostgreSQL) may roll
	// fn back and run it again when it conflicted with another: fn
	// changes nothing outside the transaction but through OnCommit.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
}

// Read runs fn in a read-only transaction of s and returns what fn read:
// the one way to read a value, instead of a closure that sets a variable
// outside it.
func Read[T any](ctx context.Context, s Store, fn func(Tx) (T, error)) (T, error) {
	var v T
	err := s.View(ctx, func(tx Tx) error {
		var err error
		v, err = fn(tx)
		return err
	})
	return v, err
}

// Tx is what a transaction can do: the small stores below, one per kind of
// record, so a package can say which it needs. Lookups of a missing row
// return an *Error with code ENOTFOUND.
type Tx interface {
	CitizenStore
	MessageStore
	TicketStore
	OutboxStore
	SetAsideStore
	AuditStore
	FAQAnswerStore
	ExampleStore
	LearningStore
	StaffStore
	SessionStore
	SettingStore
	CannedReplyStore
	AlertStore
	HeldStore
	RetentionStore
	ReportSource
	MetaStore

	// OnCommit registers fn to run once the transaction has committed, in
	// the order registered; it never runs when the transaction rolls back.
	// Work that must not happen for a change that might still be undone
	// goes here: waking the outbox, telling the dashboards, counting.
	// In a read-only transaction fn runs when it ends without error.
	OnCommit(fn func())
}

// CitizenStore keeps citizens and what the conversation awaits from them.
type CitizenStore interface {
	// UpsertCitizen finds the citizen by address or creates it, filling ID
	// and CreatedAt; a non-empty Name or Phone replaces the stored one.
	// first is true when no message of the citizen is stored yet.
	UpsertCitizen(ctx context.Context, c *Citizen) (first bool, err error)
	CitizenByAddress(ctx context.Context, a Address) (*Citizen, error)
	CitizenByID(ctx context.Context, id int64) (*Citizen, error)
	SetAwaiting(ctx context.Context, citizenID int64, a Awaiting) error
}

// MessageStore keeps the citizens' threads.
type MessageStore interface {
	// AddMessage stores m and fills its ID. An inbound message whose
	// (Channel, PlatformID) is already stored in the same chat (citizen)
	// is not stored again: duplicate is true and m is left as it was.
	AddMessage(ctx context.Context, m *Message) (duplicate bool, err error)
	// TicketMessages returns a ticket's thread, oldest first.
	TicketMessages(ctx context.Context, ticketID int64) ([]Message, error)
	// AttachMessages puts the citizen's messages that belong to no ticket
	// and were written at or after since into the ticket's thread (the
	// question an FAQ answered, a photo sent before the question).
	AttachMessages(ctx context.Context, citizenID, ticketID int64, since time.Time) error
	// FileMessage puts one message, which belongs to no ticket yet, into
	// a ticket's thread.
	FileMessage(ctx context.Context, messageID, ticketID int64) error
	// MessageByID returns one stored message.
	MessageByID(ctx context.Context, id int64) (*Message, error)
	// CitizenMessages returns the newest limit messages of a citizen,
	// oldest first, notes excluded (what the citizen's chat shows).
	CitizenMessages(ctx context.Context, citizenID int64, limit int) ([]Message, error)
}

// TicketStore keeps tickets.
type TicketStore interface {
	// CreateTicket stores t and fills its ID; a Code already used gives
	// ECONFLICT.
	CreateTicket(ctx context.Context, t *Ticket) error
	UpdateTicket(ctx context.Context, t *Ticket) error
	TicketByCode(ctx context.Context, code string) (*Ticket, error)
	TicketByID(ctx context.Context, id int64) (*Ticket, error)
	// OpenTicket returns the citizen's most recent ticket that is not
	// resolved.
	OpenTicket(ctx context.Context, citizenID int64) (*Ticket, error)
	// CitizenTickets returns the citizen's newest tickets first.
	CitizenTickets(ctx context.Context, citizenID int64, limit int) ([]Ticket, error)
	// ListTickets returns a page of the tickets f selects, in the queue's
	// order (see Cursor), with their citizen and last message. Tickets
	// merged into another are left out.
	ListTickets(ctx context.Context, f TicketFilter) ([]TicketSummary, error)
	// CountTickets counts what ListTickets would list without Limit and
	// After.
	CountTickets(ctx context.Context, f TicketFilter) (int, error)
	// MergedTickets returns the tickets merged into the ticket id, oldest
	// first.
	MergedTickets(ctx context.Context, id int64) ([]Ticket, error)
}

// OutboxStore keeps the messages waiting to be sent.
type OutboxStore interface {
	// Enqueue commits an outbound message, due at once, filling ID and,
	// when zero, Created and Queued.
	Enqueue(ctx context.Context, o *Outbound) error
	// DueOutbound returns up to limit messages to send at now: not sent,
	// not given up, their next attempt at or before now, on none of the
	// channels in skip, and behind no message to the same chat that
	// waits for a later attempt. Citizen replies come first, then staff
	// notices, each in the order enqueued.
	DueOutbound(ctx context.Context, now time.Time, limit int, skip []Channel) ([]Outbound, error)
	// WaitingChats returns the chats whose first message waits for an
	// attempt after now, with when that attempt is due.
	WaitingChats(ctx context.Context, now time.Time) (map[Address]time.Time, error)
	MarkSent(ctx context.Context, id int64, at time.Time) error
	// MarkPartsSent records that the first n parts of a message went out.
	MarkPartsSent(ctx context.Context, id int64, n int) error
	// MarkRetry counts a failed attempt and schedules the next one.
	MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error
	// MarkFailed counts the last failed attempt and gives up on the
	// message for good.
	MarkFailed(ctx context.Context, id int64, at time.Time, f Failure, reason string) error
	// ExpireOutbound gives up (FailureExpired) on every message still
	// waiting that joined the queue before queuedBefore, and returns them.
	ExpireOutbound(ctx context.Context, queuedBefore, at time.Time) ([]Outbound, error)
	// Undelivered returns the citizen replies of a ticket that the outbox
	// gave up on, oldest first.
	Undelivered(ctx context.Context, ticketID int64) ([]Outbound, error)
	// Requeue puts an undelivered citizen reply of the ticket back in the
	// queue, due at once and queued anew at at; ENOTFOUND when the ticket
	// has no such undelivered reply.
	Requeue(ctx context.Context, ticketID, id int64, at time.Time) (*Outbound, error)
	// PruneSent deletes up to limit messages sent before before; the
	// threads in MessageStore keep what they said. It returns how many it
	// deleted.
	PruneSent(ctx context.Context, before time.Time, limit int) (int, error)
	// OutboxBacklog counts messages not yet sent nor failed.
	OutboxBacklog(ctx context.Context) (int, error)
}

// SetAsideStore keeps what channels set aside (see SetAsideUpdate).
type SetAsideStore interface {
	// AddSetAside stores u and fills its ID; a zero At is stamped by the
	// clock.
	AddSetAside(ctx context.Context, u *SetAsideUpdate) error
	// SetAsideUpdates returns the newest limit updates set aside, newest
	// first, and how many are kept in all.
	SetAsideUpdates(ctx context.Context, limit int) ([]SetAsideUpdate, int, error)
}

// AuditStore keeps the audit log.
type AuditStore interface {
	AddAudit(ctx context.Context, e *AuditEntry) error
	TicketAudit(ctx context.Context, ticketID int64) ([]AuditEntry, error)
}

// FAQAnswerStore keeps the answers the FAQ gave, for deflection reports.
type FAQAnswerStore interface {
	AddFAQAnswer(ctx context.Context, a *FAQAnswer) error
	SetFAQHelpful(ctx context.Context, id int64, helpful int) error
}

// ExampleStore keeps what the router learnt from staff transfers.
type ExampleStore interface {
	// AddExample stores a labelled example learnt from a staff transfer.
	AddExample(ctx context.Context, e Example, at time.Time) error
	Examples(ctx context.Context) ([]Example, error)
}

// StaffStore keeps staff accounts.
type StaffStore interface {
	CreateStaff(ctx context.Context, s *Staff) error // ECONFLICT on a used username
	// UpdateStaff stores s; a new password, role or OPD, or disabling the
	// account, ends its sessions.
	UpdateStaff(ctx context.Context, s *Staff) error
	StaffByUsername(ctx context.Context, username string) (*Staff, error)
	StaffByID(ctx context.Context, id int64) (*Staff, error)
	ListStaff(ctx context.Context) ([]Staff, error)
}

// CannedReplyStore keeps staff members' own ready replies.
type CannedReplyStore interface {
	// CannedReplies returns a staff member's replies by label.
	CannedReplies(ctx context.Context, staffID int64) ([]CannedReply, error)
	// AddCannedReply stores r, filling ID and, when zero, CreatedAt.
	AddCannedReply(ctx context.Context, r *CannedReply) error
	// DeleteCannedReply removes a staff member's reply; another's is
	// ENOTFOUND.
	DeleteCannedReply(ctx context.Context, staffID, id int64) error
}

// SessionStore keeps signed-in staff members' sessions.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	SessionByToken(ctx context.Context, tokenHash string) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteExpiredSessions deletes the sessions expired at or before now,
	// returning how many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}

// SettingStore keeps small named values changed at run time: the KB an
// admin edited, when WhatsApp last connected, replay's markers.
type SettingStore interface {
	// Setting returns the setting stored under key (ENOTFOUND when unset).
	Setting(ctx context.Context, key string) (*Setting, error)
	// PutSetting stores s, replacing what was under its key; a zero At is
	// stamped by the clock.
	PutSetting(ctx context.Context, s *Setting) error
}

// Setting is one stored setting.
type Setting struct {
	Key   string
	Value string
	At    time.Time // when it was put
}

// AlertStore remembers which SLA alerts were raised.
type AlertStore interface {
	// MarkAlert records that an SLA alert of a kind ("warn", "breach") was
	// raised for a ticket; first is false when it was raised before.
	MarkAlert(ctx context.Context, ticketID int64, kind string, at time.Time) (first bool, err error)
	// TicketsNeedingAlert returns open tickets with no first response
	// whose first-response due time minus lead is at or before now and
	// that have no alert of kind yet.
	TicketsNeedingAlert(ctx context.Context, kind string, now time.Time, lead time.Duration) ([]Ticket, error)
}

// HeldStore keeps the web chat messages that came beyond the flood limits:
// kept, not triaged, until an admin releases them into the conversation
// or deletes them.
type HeldStore interface {
	// HoldMessage stores m and fills its ID; a message already held under
	// the same (From, PlatformID) is not stored again and gives duplicate.
	HoldMessage(ctx context.Context, m *HeldMessage) (duplicate bool, err error)
	// HeldMessages returns up to limit held messages, oldest first: of
	// one chat, or of every chat when from is the zero Address.
	HeldMessages(ctx context.Context, from Address, limit int) ([]HeldMessage, error)
	HeldMessageByID(ctx context.Context, id int64) (*HeldMessage, error)
	// CountHeld counts the held messages.
	CountHeld(ctx context.Context) (int, error)
	// DeleteHeld deletes the held messages whose ID is at most upTo and,
	// when id is not 0, only that one; it returns how many.
	DeleteHeld(ctx context.Context, id, upTo int64) (int, error)
}

// HeldMessage is a web chat message held back by the flood limits.
type HeldMessage struct {
	ID         int64
	From       Address
	Name       string
	PlatformID string
	Text       string
	// Reason says which limit held it, for the admins who decide.
	Reason string
	At     time.Time
}

// RetentionStore erases personal data past its retention period.
type RetentionStore interface {
	// Anonymize erases the personal data of citizens whose tickets were
	// all resolved, and who wrote nothing, before the given time; tickets
	// stay for reports. It returns how many citizens it anonymised and the
	// media references of their messages (files for the caller to delete).
	Anonymize(ctx context.Context, before time.Time) (citizens int, media []string, err error)
}

// ReportSource is what an SLA report reads.
type ReportSource interface {
	// ReportTickets calls fn for each ticket created in [from, to), in no
	// particular order, without holding them all in memory. Tickets merged
	// into another are left out: duplicates count once.
	ReportTickets(ctx context.Context, from, to time.Time, fn func(ReportTicket) error) error
	// FAQAnswerCounts counts FAQ answers given in [from, to) per FAQ id,
	// leaving out those the citizen then took to an officer ("2"): those
	// count as the tickets they opened.
	FAQAnswerCounts(ctx context.Context, from, to time.Time) (map[string]int, error)
	// FAQAnswersByChannel counts FAQ answers given in [from, to) per
	// channel of the citizen asked, leaving out those taken to an
	// officer, as FAQAnswerCounts does.
	FAQAnswersByChannel(ctx context.Context, from, to time.Time) (map[Channel]int, error)
	// UndeliveredCounts counts, per OPD holding the ticket, the citizen
	// replies on tickets created in [from, to) that the outbox had given
	// up on by at and that were not sent since.
	UndeliveredCounts(ctx context.Context, from, to, at time.Time) (map[string]int, error)
}

// MetaStore keeps what the Instagram and Facebook channels must remember
// to answer within Meta's rules: which account each conversation reached
// and when the citizen last wrote there (the reply windows run from then),
// and each comment's one private reply.
type MetaStore interface {
	// PutMetaContact stores c for its address. LastIn never moves back (a
	// late redelivery does not shorten the window); an empty Post or DMID
	// keeps the stored one.
	PutMetaContact(ctx context.Context, c *MetaContact) error
	// MetaContact returns what is stored for an address (ENOTFOUND when
	// nothing).
	MetaContact(ctx context.Context, a Address) (*MetaContact, error)
	// AddMetaComment stores a comment; one stored before is left as it was.
	AddMetaComment(ctx context.Context, c *MetaComment) error
	// MetaCommentByOutbound returns the comment whose private reply was
	// taken for the outbox message id (ENOTFOUND when none).
	MetaCommentByOutbound(ctx context.Context, outboxID int64) (*MetaComment, error)
	// UnrepliedMetaComment returns the thread's newest comment written at
	// or after since whose private reply is not taken (ENOTFOUND when
	// none).
	UnrepliedMetaComment(ctx context.Context, thread Address, since time.Time) (*MetaComment, error)
	// UpdateMetaComment stores the progress of a comment's replies.
	UpdateMetaComment(ctx context.Context, c *MetaComment) error
}

// MetaContact is what the Meta channels know of one address: a direct
// message conversation or a thread of comments.
type MetaContact struct {
	Address Address
	Account string    // the Page or Instagram account id the citizen wrote to
	LastIn  time.Time // when the citizen last wrote there
	// For a thread of comments: the post, and the commenter's id for
	// direct messages, which Meta tells in its answer to a private reply.
	Post string
	DMID string
}

// MetaComment is one comment of a thread, with its replies' progress.
type MetaComment struct {
	ID     string // Meta's comment id
	Thread Address
	At     time.Time // when it was written
	// Outbound is the outbox message its one private reply was taken
	// for; 0 while the reply is free.
	Outbound  int64
	PrivateAt time.Time // the private reply went out, or Meta refused it for good
	PublicAt  time.Time // the public note under the comment went out, or was given up
}

// ReportTicket is what a report needs of one ticket.
type ReportTicket struct {
	Code             string
	OPD              string
	Channel          Channel // where the citizen wrote
	CreatedAt        time.Time
	FirstResponseDue time.Time
	FirstResponseAt  time.Time // zero when unanswered
	FirstResponder   string    // staff username of the first reply
	ResolvedAt       time.Time // zero when not resolved
	PausedWork       time.Duration
	Assignee         string // staff username who held the ticket
	Rating           int    // the citizen's 1–5, 0 when not rated
}
