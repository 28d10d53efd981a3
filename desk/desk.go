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

// ChangedElsewhere tells the watchers of a ticket change another instance
// of a shared database committed, as the desk does of its own; from is
// the OPD that held the ticket before.
func (d *Desk) ChangedElsewhere(t sigap.Ticket, from string) {
	d.watchers.publish(Change{Ticket: t, FromOPD: from})
}

// MissedElsewhere tells the watchers that other instances' changes may
// have gone unheard, so that open dashboards reload instead of waiting for
// their periodic refresh.
func (d *Desk) MissedElsewhere() { d.watchers.publish(Change{Missed: true}) }

// EnqueuedElsewhere makes a running outbox read the database, for
// messages another instance of a shared database committed.
func (d *Desk) EnqueuedElsewhere() { d.hand.requestDrain() }

// changed tells the watchers about t once tx has committed.
func (d *Desk) changed(tx sigap.Tx, t *sigap.Ticket) { d.moved(tx, t, t.OPD) }

// moved tells the watchers about t, which the OPD from held before, once
// tx has committed.
func (d *Desk) moved(tx sigap.Tx, t *sigap.Ticket, from string) {
	c := Change{Ticket: *t, FromOPD: from}
	tx.OnCommit(func() { d.watchers.publish(c) })
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
	return d.post(ctx, tx, c, ticketID, &sigap.Message{Author: author, Staff: staff, Text: text}, replies, nil)
}

// Media is a file sent with a staff reply: a photo or a document stored
// under the media folder.
type Media struct {
	Ref  string            // its path
	Kind sigap.MessageKind // sigap.KindPhoto or sigap.KindDocument
}

// post commits m (its author, staff and text) to the citizen's thread and
// the outbox, with quick replies and, when media is not nil, a file.
func (d *Desk) post(ctx context.Context, tx sigap.Tx, c *sigap.Citizen, ticketID int64, m *sigap.Message, replies []string, media *Media) error {
	now := d.cfg.Now()
	m.CitizenID, m.TicketID, m.Channel, m.Kind, m.At = c.ID, ticketID, c.Address.Channel, sigap.KindText, now
	o := &sigap.Outbound{To: c.Address, TicketID: ticketID, Text: m.Text, Replies: replies, Created: now}
	if media != nil {
		m.Kind, m.MediaRef = media.Kind, media.Ref
		o.MediaKind, o.MediaRef = media.Kind, media.Ref
	}
	if _, err := tx.AddMessage(ctx, m); err != nil {
		return fmt.Errorf("desk: record reply: %w", err)
	}
	return d.enqueue(ctx, tx, o)
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

// cleanStaffText validates a reply or note; only a reply with a file may
// have no text.
func cleanStaffText(text string, withFile bool) (string, error) {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	switch {
	case text == "" && !withFile:
		return "", sigap.Errorf(sigap.EINVALID, "Teks tidak boleh kosong.")
	case utf8.RuneCountInString(text) > MaxStaffText:
		return "", sigap.Errorf(sigap.EINVALID, "Teks terlalu panjang (maksimal %d karakter).", MaxStaffText)
	}
	return text, nil
}
