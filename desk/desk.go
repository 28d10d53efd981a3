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
	// Learn receives every transfer as a labelled example (the router).
	Learn func(sigap.Example)
	// OnChange is called after a ticket change is committed.
	OnChange func(sigap.Ticket)
	// Codes returns a candidate ticket code suffix; nil means random.
	Codes func() string
	// Kick wakes the outbox worker after new messages were committed.
	Kick func()
}

// Desk performs ticket operations.
type Desk struct {
	cfg Config
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
	if cfg.OnChange == nil {
		cfg.OnChange = func(sigap.Ticket) {}
	}
	if cfg.Kick == nil {
		cfg.Kick = func() {}
	}
	return &Desk{cfg: cfg}
}

// KB returns the knowledge base in force.
func (d *Desk) KB() *sigap.KB { return d.cfg.KB.Get() }

// Calendar returns the working calendar.
func (d *Desk) Calendar() *sla.Calendar { return d.cfg.Calendar }

// Committed tells the hooks about tickets changed by a committed
// transaction and wakes the outbox.
func (d *Desk) Committed(tickets ...sigap.Ticket) {
	for _, t := range tickets {
		d.cfg.OnChange(t)
	}
	d.cfg.Kick()
}

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
	now := d.cfg.Now()
	m := &sigap.Message{CitizenID: c.ID, TicketID: ticketID, Channel: c.Address.Channel,
		Author: author, Staff: staff, Kind: sigap.KindText, Text: text, At: now}
	if _, err := tx.AddMessage(ctx, m); err != nil {
		return fmt.Errorf("desk: record reply: %w", err)
	}
	if err := tx.Enqueue(ctx, &sigap.Outbound{To: c.Address, TicketID: ticketID, Text: text, Created: now}); err != nil {
		return fmt.Errorf("desk: enqueue reply: %w", err)
	}
	return nil
}

// audit records a state change.
func (d *Desk) audit(ctx context.Context, tx sigap.Tx, actor string, ticketID int64, action, detail string) error {
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
