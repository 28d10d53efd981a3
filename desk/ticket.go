package desk

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
)

// subjectLength is how much of the first question a queue shows.
const subjectLength = 140

// Open creates a ticket for the citizen in the OPD's queue inside tx; the
// dashboards hear of it once tx commits.
func (d *Desk) Open(ctx context.Context, tx sigap.Tx, c *sigap.Citizen, opd, question, faq string) (*sigap.Ticket, error) {
	kb := d.KB()
	if _, ok := kb.OPD(opd); !ok {
		return nil, sigap.Errorf(sigap.EINVALID, "unknown OPD %q", opd)
	}
	now := d.cfg.Now()
	t := &sigap.Ticket{
		CitizenID: c.ID, OPD: opd, Status: sigap.StatusOpen,
		Subject: shorten(question, subjectLength), FAQ: faq,
		CreatedAt: now, UpdatedAt: now,
	}
	d.Due(t)
	// A clash of random codes is rare; a few tries make it vanishingly so.
	var err error
	for range 8 {
		t.Code = kb.Prefix + "-" + d.cfg.Codes()
		if err = tx.CreateTicket(ctx, t); sigap.ErrorCode(err) != sigap.ECONFLICT {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("desk: open ticket: %w", err)
	}
	if err := d.audit(ctx, tx, sigap.CitizenActor(c.Address), t.ID, sigap.ActionOpen, opd); err != nil {
		return nil, err
	}
	if err := d.announce(ctx, tx, t, c, question); err != nil {
		return nil, err
	}
	d.changed(tx, t)
	return t, nil
}

// CitizenWrote updates an open ticket the citizen just wrote to: a ticket
// waiting for the citizen resumes, and its resolution clock runs again. A
// message to a ticket merged into another speaks to that one: staff work
// it. The dashboards hear of the new message once tx commits.
func (d *Desk) CitizenWrote(ctx context.Context, tx sigap.Tx, c *sigap.Citizen, t *sigap.Ticket) error {
	if t.MergedInto != 0 {
		kept, err := tx.TicketByID(ctx, t.MergedInto)
		if err != nil {
			return fmt.Errorf("desk: ticket %s was merged into: %w", t.Code, err)
		}
		t = kept
	}
	if t.Status == sigap.StatusPending {
		d.unpause(t)
		t.Status = sigap.StatusOpen
		if err := tx.UpdateTicket(ctx, t); err != nil {
			return fmt.Errorf("desk: resume ticket %s: %w", t.Code, err)
		}
		// The merged tickets' citizens are not needed here, only their
		// tickets, which follow the one kept.
		merged, err := tx.MergedTickets(ctx, t.ID)
		if err != nil {
			return err
		}
		for i := range merged {
			if err := mirrorOne(ctx, tx, &merged[i], t); err != nil {
				return err
			}
		}
		if err := d.audit(ctx, tx, sigap.CitizenActor(c.Address), t.ID, sigap.ActionResume, ""); err != nil {
			return err
		}
	}
	d.changed(tx, t)
	return nil
}

// Rate stores the citizen's 1–5 rating of a resolved ticket.
func (d *Desk) Rate(ctx context.Context, tx sigap.Tx, c *sigap.Citizen, code string, rating int) (*sigap.Ticket, error) {
	if rating < 1 || rating > 5 {
		return nil, sigap.Errorf(sigap.EINVALID, "rating %d: want 1 to 5", rating)
	}
	t, err := tx.TicketByCode(ctx, code)
	if err != nil {
		return nil, fmt.Errorf("desk: rate: %w", err)
	}
	if t.CitizenID != c.ID {
		return nil, sigap.Errorf(sigap.ENOTFOUND, "ticket %s not found", code)
	}
	t.Rating = rating
	t.UpdatedAt = d.cfg.Now()
	if err := tx.UpdateTicket(ctx, t); err != nil {
		return nil, fmt.Errorf("desk: rate %s: %w", code, err)
	}
	return t, d.audit(ctx, tx, sigap.CitizenActor(c.Address), t.ID, sigap.ActionRate, fmt.Sprint(rating))
}

// unpause adds the working time spent waiting for the citizen to the
// ticket's pause total and moves its resolution due time accordingly.
func (d *Desk) unpause(t *sigap.Ticket) {
	if t.PausedAt.IsZero() {
		return
	}
	t.PausedWork += d.cfg.Calendar.Between(t.PausedAt, d.cfg.Now())
	t.PausedAt = time.Time{}
	d.Due(t)
}

// shorten cuts s to at most n runes at a word boundary, on one line.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > n/2 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}
