package replay

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

// Runner applies events to a Sigap assembled on a simulated clock.
type Runner struct {
	Receiver sigap.Receiver // the conversation (bot)
	Desk     *desk.Desk
	Outbox   *desk.Outbox // drained after each event
	Store    sigap.Store
	// SetClock moves the simulated clock to an event's time.
	SetClock func(time.Time)
}

// Run applies every line of in. A line that is malformed or cannot apply
// is reported on errw with its line number and skipped; Run returns how
// many were skipped.
func (r *Runner) Run(ctx context.Context, in io.Reader, errw io.Writer) (skipped int, err error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	line := 0
	// Each event runs to its end once started, so a stop between events
	// leaves no event half applied; a context that cannot be cancelled
	// also spares database/sql a watcher goroutine per transaction.
	evctx := context.WithoutCancel(ctx)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return skipped, err
		}
		line++
		raw := strings.TrimSpace(sc.Text())
		if raw == "" {
			continue
		}
		if err := r.Apply(evctx, raw); err != nil {
			fmt.Fprintf(errw, "line %d: %s\n", line, userMessage(err))
			skipped++
		}
	}
	if err := sc.Err(); err != nil {
		return skipped, fmt.Errorf("line %d: %w", line+1, err)
	}
	return skipped, nil
}

// Apply applies one line and delivers what it caused.
func (r *Runner) Apply(ctx context.Context, raw string) error {
	ev, from, err := ParseEvent(raw)
	if err != nil {
		return err
	}
	r.SetClock(ev.At)
	sum := sha256.Sum256([]byte(raw))
	id := "replay-" + hex.EncodeToString(sum[:12])
	if ev.Type == "message" {
		if ev.ID != "" {
			id = ev.ID
		}
		in := sigap.Inbound{From: from, Name: ev.Name, PlatformID: id, Kind: sigap.KindText, Text: ev.Text}
		if err := r.Receiver.Receive(ctx, in); err != nil {
			return err
		}
	} else if err := r.staffEvent(ctx, from, ev, id); err != nil {
		return err
	}
	_, err = r.Outbox.Drain(ctx)
	return err
}

// staffEvent applies a staff action to the citizen's most recent open
// ticket, as the staff member named in the event, once: unlike a message,
// a staff action has no platform id to dedupe on, and replaying a file
// again would apply it to whatever ticket is open by then. A marker per
// applied event, keyed by the line's hash, makes a second replay change
// nothing.
func (r *Runner) staffEvent(ctx context.Context, from sigap.Address, ev Event, id string) error {
	applied := "replay.applied." + id
	var t *sigap.Ticket
	err := r.Store.View(ctx, func(tx sigap.Tx) error {
		if _, err := tx.Setting(ctx, applied); sigap.ErrorCode(err) != sigap.ENOTFOUND {
			return err // nil: applied before
		}
		c, err := tx.CitizenByAddress(ctx, from)
		if err != nil {
			return err
		}
		t, err = tx.OpenTicket(ctx, c.ID)
		return err
	})
	switch {
	case sigap.ErrorCode(err) == sigap.ENOTFOUND:
		return fmt.Errorf("%s event: %s has no open ticket", ev.Type, from)
	case err != nil:
		return err
	case t == nil:
		return nil
	}
	if err := r.staffAction(ctx, t, ev); err != nil {
		return err
	}
	return r.Store.Update(ctx, func(tx sigap.Tx) error {
		return tx.PutSetting(ctx, &sigap.Setting{Key: applied, At: ev.At})
	})
}

func (r *Runner) staffAction(ctx context.Context, t *sigap.Ticket, ev Event) error {
	staff := &sigap.Staff{Username: ev.Staff, Name: ev.Staff, Role: sigap.RoleSupervisor}
	d := r.Desk
	switch ev.Type {
	case "reply":
		return d.Reply(ctx, staff, t.Code, desk.Answer{Text: ev.Text, WaitCitizen: ev.Wait})
	case "note":
		return d.Note(ctx, staff, t.Code, ev.Text)
	case "claim":
		return d.Claim(ctx, staff, t.Code)
	case "resolve":
		return d.Resolve(ctx, staff, t.Code)
	case "transfer":
		if strings.EqualFold(strings.TrimSpace(ev.OPD), t.OPD) {
			return nil // already there: nothing changes
		}
		return d.Transfer(ctx, staff, t.Code, ev.OPD, ev.Reason)
	default: // ParseEvent lets through only the types above
		return fmt.Errorf("unknown event type %q", ev.Type)
	}
}

// userMessage is an error as the author of the replay file should read it:
// an application error's own message, any other error in full.
func userMessage(err error) string {
	var e *sigap.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
