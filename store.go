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
	AuditStore
	FAQAnswerStore
	ExampleStore
	StaffStore
	SessionStore
	SettingStore
	AlertStore
	RetentionStore
	ReportSource

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
	// (Channel, PlatformID) is already stored is not stored again:
	// duplicate is true and m is left as it was.
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
	// ListTickets returns tickets with their citizen and last message.
	ListTickets(ctx context.Context, f TicketFilter) ([]TicketSummary, error)
}

// OutboxStore keeps the messages waiting to be sent.
type OutboxStore interface {
	// Enqueue commits an outbound message, filling ID and Created.
	Enqueue(ctx context.Context, o *Outbound) error
	// DueOutbound returns up to limit unsent messages whose next attempt is
	// at or before now, oldest first.
	DueOutbound(ctx context.Context, now time.Time, limit int) ([]Outbound, error)
	MarkSent(ctx context.Context, id int64, at time.Time) error
	// MarkRetry counts a failed attempt and schedules the next one.
	MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error
	// MarkFailed gives up on a message for good.
	MarkFailed(ctx context.Context, id int64, reason string) error
	// OutboxBacklog counts messages not yet sent nor failed.
	OutboxBacklog(ctx context.Context) (int, error)
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

// SessionStore keeps signed-in staff members' sessions.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	SessionByToken(ctx context.Context, tokenHash string) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
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
	// particular order, without holding them all in memory.
	ReportTickets(ctx context.Context, from, to time.Time, fn func(ReportTicket) error) error
	// FAQAnswerCounts counts FAQ answers given in [from, to) per FAQ id.
	FAQAnswerCounts(ctx context.Context, from, to time.Time) (map[string]int, error)
}

// TicketFilter selects tickets for a queue or a list.
type TicketFilter struct {
	Status string   // "open" (open and pending), "resolved", or "all"
	OPDs   []string // empty: every OPD
	Limit  int      // 0: no limit
}

// TicketSummary is a ticket as a queue lists it.
type TicketSummary struct {
	Ticket
	Citizen     Citizen
	LastMessage string
}

// ReportTicket is what a report needs of one ticket.
type ReportTicket struct {
	OPD              string
	CreatedAt        time.Time
	FirstResponseDue time.Time
	FirstResponseAt  time.Time // zero when unanswered
	FirstResponder   string    // staff username of the first reply
	ResolvedAt       time.Time // zero when not resolved
	PausedWork       time.Duration
}
