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

// Tx is what a transaction can do. Lookups of a missing row return an
// *Error with code ENOTFOUND.
type Tx interface {
	// UpsertCitizen finds the citizen by address or creates it, filling ID
	// and CreatedAt; a non-empty Name or Phone replaces the stored one.
	UpsertCitizen(ctx context.Context, c *Citizen) error
	CitizenByAddress(ctx context.Context, a Address) (*Citizen, error)
	CitizenByID(ctx context.Context, id int64) (*Citizen, error)
	SetAwaiting(ctx context.Context, citizenID int64, a Awaiting) error

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
	// CitizenMessages returns the newest limit messages of a citizen,
	// oldest first, notes excluded (what the citizen's chat shows).
	CitizenMessages(ctx context.Context, citizenID int64, limit int) ([]Message, error)

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

	AddAudit(ctx context.Context, e *AuditEntry) error
	TicketAudit(ctx context.Context, ticketID int64) ([]AuditEntry, error)

	AddFAQAnswer(ctx context.Context, a *FAQAnswer) error
	SetFAQHelpful(ctx context.Context, id int64, helpful int) error

	// AddExample stores a labelled example learnt from a staff transfer.
	AddExample(ctx context.Context, e Example, at time.Time) error
	Examples(ctx context.Context) ([]Example, error)

	CreateStaff(ctx context.Context, s *Staff) error // ECONFLICT on a used username
	// UpdateStaff stores s; a new password, role or OPD, or disabling the
	// account, ends its sessions.
	UpdateStaff(ctx context.Context, s *Staff) error
	StaffByUsername(ctx context.Context, username string) (*Staff, error)
	StaffByID(ctx context.Context, id int64) (*Staff, error)
	ListStaff(ctx context.Context) ([]Staff, error)
	CreateSession(ctx context.Context, s *Session) error
	SessionByToken(ctx context.Context, tokenHash string) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error

	// GetSetting returns a stored setting (ENOTFOUND when unset);
	// PutSetting stores one.
	GetSetting(ctx context.Context, key string) (string, error)
	PutSetting(ctx context.Context, key, value string) error

	// MarkAlert records that an SLA alert of a kind ("warn", "breach") was
	// raised for a ticket; first is false when it was raised before.
	MarkAlert(ctx context.Context, ticketID int64, kind string, at time.Time) (first bool, err error)
	// TicketsNeedingAlert returns open tickets with no first response
	// whose first-response due time minus lead is at or before now and
	// that have no alert of kind yet.
	TicketsNeedingAlert(ctx context.Context, kind string, now time.Time, lead time.Duration) ([]Ticket, error)

	// Anonymize erases the personal data of citizens whose tickets were
	// all resolved, and who wrote nothing, before the given time; tickets
	// stay for reports. It returns how many citizens it anonymised and the
	// media references of their messages (files for the caller to delete).
	Anonymize(ctx context.Context, before time.Time) (citizens int, media []string, err error)

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
