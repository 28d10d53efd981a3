// Package desk owns the ticket lifecycle: opening, appending, staff replies,
// notes, transfers, claims, resolution and reopening, each audited and
// committed together with the messages it sends through the outbox.
package desk

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/sla"
)

// MaxStaffText is the longest reply or note staff may send.
const MaxStaffText = 4000

// Config is what a Desk needs.
type Config struct {
	Store    sigap.Store
	KB       *sigap.LiveKB
	Calendar *sla.Calendar
	Now      sigap.Clock
	Texts    sigap.CitizenTexts
	// Learn receives every committed transfer as a labelled example (the
	// router).
	Learn func(sigap.Example)
	// Codes returns a candidate ticket code suffix; nil means random.
	Codes func() string
}

// Desk performs ticket operations. What a change causes once committed —
// the outbox woken, the dashboards told — it registers with the
// transaction's OnCommit, so that a rolled-back change causes nothing.
type Desk struct {
	cfg      Config
	hand     *handoff // committed messages on their way to the outbox
	watchers *watchers
}

// New returns a Desk. Optional hooks left nil do nothing.
func New(cfg Config) *Desk {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Codes == nil {
		cfg.Codes = randomCode
	}
	if cfg.Learn == nil {
		cfg.Learn = func(sigap.Example) {}
	}
	return &Desk{cfg: cfg, hand: newHandoff(), watchers: newWatchers()}
}

// Enqueued receives a value after a transaction committed messages to the
// outbox; one value may stand for several commits. An Outbox given this
// Desk takes the messages themselves.
func (d *Desk) Enqueued() <-chan struct{} { return d.hand.ready }

// changed tells the watchers about t once tx has committed.
func (d *Desk) changed(tx sigap.Tx, t *sigap.Ticket) {
	committed := *t
	tx.OnCommit(func() { d.watchers.publish(committed) })
}

// KB returns the knowledge base in force.
func (d *Desk) KB() *sigap.KB { return d.cfg.KB.Get() }

// Calendar returns the working calendar.
func (d *Desk) Calendar() *sla.Calendar { return d.cfg.Calendar }

// OPDName returns the OPD's name, or its code when the KB no longer has it.
func (d *Desk) OPDName(code string) string {
	if o, ok := d.KB().OPD(code); ok {
		return o.Name
	}
	return code
}

// Due sets the ticket's due times from its creation, under the policy of
// the OPD that holds it, with the time spent waiting for the citizen added
// to the resolution target.
func (d *Desk) Due(t *sigap.Ticket) {
	p := d.KB().Policy(t.OPD)
	p.Resolution += t.PausedWork
	t.FirstResponseDue, t.ResolutionDue = sla.Due(d.cfg.Calendar, t.CreatedAt, p)
}

// Say commits a message to a citizen: it joins the thread and the outbox.
func (d *Desk) Say(ctx context.Context, tx sigap.Tx, c *sigap.Citizen, ticketID int64, author sigap.Author, staff, text string) error {
	return d.Ask(ctx, tx, c, ticketID, author, staff, text, nil)
}

// Ask is Say with quick replies offered under the message, on channels
// that show them as buttons.
func (d *Desk) Ask(ctx context.Context, tx sigap.Tx, c *sigap.Citizen, ticketID int64, author sigap.Author, staff, text string, replies []string) error {
	now := d.cfg.Now()
	m := &sigap.Message{CitizenID: c.ID, TicketID: ticketID, Channel: c.Address.Channel,
		Author: author, Staff: staff, Kind: sigap.KindText, Text: text, At: now}
	if _, err := tx.AddMessage(ctx, m); err != nil {
		return fmt.Errorf("desk: record reply: %w", err)
	}
	return d.enqueue(ctx, tx, &sigap.Outbound{To: c.Address, TicketID: ticketID, Text: text, Replies: replies, Created: now})
}

// enqueue commits o to the outbox with tx, and hands it to the outbox
// worker once tx has committed.
func (d *Desk) enqueue(ctx context.Context, tx sigap.Tx, o *sigap.Outbound) error {
	if err := tx.Enqueue(ctx, o); err != nil {
		return fmt.Errorf("desk: enqueue to %s: %w", o.To, err)
	}
	committed := *o
	tx.OnCommit(func() { d.hand.put(committed) })
	return nil
}

// audit records a state change.
func (d *Desk) audit(ctx context.Context, tx sigap.Tx, actor sigap.Actor, ticketID int64, action sigap.AuditAction, detail string) error {
	e := &sigap.AuditEntry{At: d.cfg.Now(), Actor: actor, TicketID: ticketID, Action: action, Detail: detail}
	if err := tx.AddAudit(ctx, e); err != nil {
		return fmt.Errorf("desk: audit %s: %w", action, err)
	}
	return nil
}

// cleanStaffText validates a reply or note.
func cleanStaffText(text string) (string, error) {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	switch {
	case text == "":
		return "", sigap.Errorf(sigap.EINVALID, "Teks tidak boleh kosong.")
	case utf8.RuneCountInString(text) > MaxStaffText:
		return "", sigap.Errorf(sigap.EINVALID, "Teks terlalu panjang (maksimal %d karakter).", MaxStaffText)
	}
	return text, nil
}
