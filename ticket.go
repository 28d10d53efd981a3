package sigap

import "time"

// TicketStatus is where a ticket is in its lifecycle.
type TicketStatus string

const (
	StatusOpen     TicketStatus = "open"
	StatusPending  TicketStatus = "pending" // waiting for the citizen; resolution clock paused
	StatusResolved TicketStatus = "resolved"
)

// Citizen is a person who writes to Sigap on one channel.
type Citizen struct {
	ID        int64
	Address   Address
	Name      string
	Phone     string
	CreatedAt time.Time
	// Awaiting is what the conversation expects next from the citizen.
	Awaiting Awaiting
}

// Awaiting is the conversation's pending question to a citizen.
type Awaiting struct {
	Kind string // "", AwaitFAQFeedback or AwaitRating
	// Ref is the FAQ id (feedback) or the ticket code (rating).
	Ref string
	// Text is the question the FAQ answered, kept to open a ticket with it.
	Text string
	// AnswerID is the FAQAnswer the feedback is about.
	AnswerID int64
}

const (
	AwaitFAQFeedback = "faq_feedback"
	AwaitRating      = "rating"
)

// Ticket is a citizen's question in an OPD's queue.
type Ticket struct {
	ID        int64
	Code      string // public code, e.g. "KBM-7K3QX"
	CitizenID int64
	OPD       string
	Status    TicketStatus
	Subject   string // the first question, shortened
	FAQ       string // the FAQ offered before the citizen asked for an officer
	Assignee  string // staff username who claimed it
	// FirstResponder is the staff username of the first reply.
	FirstResponder string
	CreatedAt      time.Time
	// Due times in wall-clock time, computed in working time on the calendar.
	FirstResponseDue time.Time
	ResolutionDue    time.Time
	FirstResponseAt  time.Time // zero until the first staff reply
	ResolvedAt       time.Time // zero while not resolved
	// PausedAt is when the ticket went pending; PausedWork is the working
	// time spent pending so far, which the resolution clock does not count.
	PausedAt   time.Time
	PausedWork time.Duration
	Rating     int // 1..5, 0 when not rated
	UpdatedAt  time.Time
	// MergedInto is the ID of the ticket this one was merged into (0: not
	// merged). A merged ticket leaves the lists and the figures; staff
	// work the ticket it was merged into, whose replies reach its citizen
	// too.
	MergedInto int64
}

// Open reports whether staff still have to act on the ticket.
func (t *Ticket) Open() bool { return t.Status != StatusResolved }

// AuditEntry records one state change.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Actor    Actor
	TicketID int64 // 0 for a change outside any ticket
	Action   AuditAction
	Detail   string
}

// FAQAnswer records an FAQ answered by the bot, for deflection reports.
type FAQAnswer struct {
	ID        int64
	CitizenID int64
	FAQ       string
	OPD       string
	At        time.Time
	Helpful   int // 0 unknown, 1 yes, 2 wanted an officer
}
