// Package replay runs recorded events through Sigap — the conversation,
// triage, tickets, SLA stamping and the outbox, the same code as serve —
// on a simulated clock set to each event's time, with no network. It is
// how the regency tests its configuration on past traffic and how the
// reports are checked.
package replay

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Event is one line of a replay file: a citizen's message, or a staff
// action on that citizen's most recent open ticket.
type Event struct {
	At   time.Time `json:"at"`
	Type string    `json:"type"` // message, reply, note, claim, transfer, resolve
	From string    `json:"from"` // the citizen: "<tg|wa|web|fb|ig>:<id>"
	// ID is a message's platform id; without one, the line's hash stands in,
	// so replaying a file again dedupes its messages.
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Text  string `json:"text,omitempty"`
	Staff string `json:"staff,omitempty"` // the staff member acting
	OPD   string `json:"opd,omitempty"`   // a transfer's target
	// Reason goes with transfers; Wait with replies that ask the citizen
	// back (the ticket then waits for them).
	Reason string `json:"reason,omitempty"`
	Wait   bool   `json:"wait,omitempty"`
}

// ParseEvent decodes one line and checks the fields every event needs.
func ParseEvent(line string) (Event, sigap.Address, error) {
	var ev Event
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return ev, sigap.Address{}, fmt.Errorf("invalid event: %w", err)
	}
	if ev.At.IsZero() {
		return ev, sigap.Address{}, errors.New(`invalid event: "at" is missing`)
	}
	from, err := sigap.ParseAddress(ev.From)
	if err != nil {
		// Not wrapped: the line report shows a sigap.Error's own message,
		// which would drop the field's name.
		return ev, sigap.Address{}, fmt.Errorf(`invalid event: "from" %q: want <tg|wa|web|fb|ig>:<id>`, ev.From)
	}
	switch ev.Type {
	case "message":
	case "reply", "note", "claim", "transfer", "resolve":
		if ev.Staff == "" {
			return ev, sigap.Address{}, fmt.Errorf(`%s event: "staff" is missing`, ev.Type)
		}
	default:
		return ev, sigap.Address{}, fmt.Errorf("unknown event type %q (want message, reply, note, claim, transfer or resolve)", ev.Type)
	}
	return ev, from, nil
}
