package sigap

import (
	"strconv"
	"strings"
	"time"
)

// TicketFilter selects tickets for a queue or a list, one page at a time.
type TicketFilter struct {
	Status string // "open" (open and pending), "resolved", or "all"
	OPD    string // "": every OPD
	// Query holds words that must each match the ticket's code, its
	// citizen's name or the text of one of its messages: as a prefix, in
	// any letter case, with or without accents.
	Query    string
	Assignee string  // "": anyone's; AssigneeNone: nobody's; else a username
	Channel  Channel // "": every channel
	// CreatedFrom and CreatedTo bound the creation time, [from, to); a
	// zero one leaves its side open.
	CreatedFrom, CreatedTo time.Time
	// SLA keeps the tickets in that SLA state; FirstResponseLate those
	// whose first response came, or is still due, after its target. Both
	// are judged by Clock.
	SLA               SLAState
	FirstResponseLate bool
	Clock             SLAClock
	// ID, when set, keeps that ticket only: whether a ticket that changed
	// is in a list, and its row there.
	ID int64
	// Limit is the page size (0: no limit). After is the last ticket of
	// the previous page; nil asks for the first.
	Limit int
	After *Cursor
}

// AssigneeNone in TicketFilter.Assignee asks for tickets nobody took; no
// username can be it.
const AssigneeNone = "-"

// SLAState is a ticket's standing against its targets, as the queue shows
// it.
type SLAState string

const (
	SLAOK   SLAState = "ok"   // unanswered, within its first-response target
	SLASoon SLAState = "soon" // unanswered, less than a quarter of the target left
	SLALate SLAState = "late" // a target missed: answered late, overdue, or past its resolution target
	SLADone SLAState = "done" // answered in time, or resolved without a reply
)

// Valid reports whether s is a known state.
func (s SLAState) Valid() bool { return s == SLAOK || s == SLASoon || s == SLALate || s == SLADone }

// SLAClock is what judging SLA states needs that a store cannot compute:
// the moment, and, since targets are in working time, the first-response
// due time under which an unanswered ticket of each OPD is due soon at
// that moment.
type SLAClock struct {
	Now time.Time
	// SoonBefore holds the due-soon bound per OPD; OPDs not in it take
	// SoonBeforeDefault.
	SoonBefore        map[string]time.Time
	SoonBeforeDefault time.Time
}

// TicketSummary is a ticket as a queue lists it.
type TicketSummary struct {
	Ticket
	Citizen Citizen
	// The last message from the citizen or staff: its text, who wrote it
	// and when.
	LastMessage string
	LastAuthor  Author
	LastAt      time.Time
	// Merged counts the tickets merged into this one.
	Merged int
}

// NextDue is the deadline a ticket works towards: its first response
// while unanswered, its resolution after.
func (t *Ticket) NextDue() time.Time {
	if t.FirstResponseAt.IsZero() {
		return t.FirstResponseDue
	}
	return t.ResolutionDue
}

// Cursor is a ticket's place in the queue's order: open tickets by the
// due time they work towards, then pending ones the same way, then
// resolved ones, the most recently resolved first; ties by ID. A page
// continues after the cursor of the last ticket of the previous one.
type Cursor struct {
	Status TicketStatus
	Key    time.Time // NextDue while not resolved, ResolvedAt after
	ID     int64
}

// CursorOf is the ticket's place in the queue's order.
func CursorOf(t *Ticket) Cursor {
	c := Cursor{Status: t.Status, ID: t.ID, Key: t.NextDue()}
	if t.Status == StatusResolved {
		c.Key = t.ResolvedAt
	}
	return c
}

// String writes the cursor for a URL: "open.<key>.<id>", the key in
// nanoseconds since the epoch.
func (c Cursor) String() string {
	key := int64(0)
	if !c.Key.IsZero() {
		key = c.Key.UnixNano()
	}
	return string(c.Status) + "." + strconv.FormatInt(key, 10) + "." + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads what String wrote.
func ParseCursor(s string) (*Cursor, error) {
	bad := Errorf(EINVALID, "Penanda halaman %q tidak sah; mulai lagi dari halaman pertama.", s)
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, bad
	}
	c := &Cursor{Status: TicketStatus(parts[0])}
	key, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	switch c.Status {
	case StatusOpen, StatusPending, StatusResolved:
	default:
		return nil, bad
	}
	if err1 != nil || err2 != nil || id <= 0 {
		return nil, bad
	}
	if key != 0 {
		c.Key = time.Unix(0, key).UTC()
	}
	c.ID = id
	return c, nil
}
