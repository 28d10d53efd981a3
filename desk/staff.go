package desk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// TicketView is a ticket with everything a staff member sees on its page.
type TicketView struct {
	Ticket   sigap.Ticket
	Citizen  sigap.Citizen
	Messages []sigap.Message
	Audit    []sigap.AuditEntry
	OPDName  string
	// Undelivered are the replies to the citizen the outbox gave up on.
	Undelivered []sigap.Outbound
}

// Tickets lists the tickets the staff member may see.
func (d *Desk) Tickets(ctx context.Context, staff *sigap.Staff, f sigap.TicketFilter) ([]sigap.TicketSummary, error) {
	if staff.Disabled {
		return nil, sigap.Errorf(sigap.EFORBIDDEN, "Akun dinonaktifkan.")
	}
	if staff.Role == sigap.RoleAgent {
		// An agent's filter can only narrow to their own OPD.
		for _, o := range f.OPDs {
			if o != staff.OPD {
				return nil, nil
			}
		}
		f.OPDs = []string{staff.OPD}
	}
	out, err := sigap.Read(ctx, d.cfg.Store, func(tx sigap.Tx) ([]sigap.TicketSummary, error) { return tx.ListTickets(ctx, f) })
	if err != nil {
		return nil, fmt.Errorf("desk: list tickets: %w", err)
	}
	return out, nil
}

// Ticket returns a ticket's page for a staff member who may see it.
func (d *Desk) Ticket(ctx context.Context, staff *sigap.Staff, code string) (*TicketView, error) {
	v := &TicketView{}
	err := d.cfg.Store.View(ctx, func(tx sigap.Tx) error {
		t, err := visibleTicket(ctx, tx, staff, code)
		if err != nil {
			return err
		}
		c, err := tx.CitizenByID(ctx, t.CitizenID)
		if err != nil {
			return err
		}
		if v.Messages, err = tx.TicketMessages(ctx, t.ID); err != nil {
			return err
		}
		if v.Audit, err = tx.TicketAudit(ctx, t.ID); err != nil {
			return err
		}
		if v.Undelivered, err = tx.Undelivered(ctx, t.ID); err != nil {
			return err
		}
		v.Ticket, v.Citizen = *t, *c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("desk: ticket %s: %w", code, err)
	}
	v.OPDName = d.OPDName(v.Ticket.OPD)
	return v, nil
}

// Reply sends a staff reply to the citizen on their channel. With
// waitCitizen the ticket waits for the citizen's answer and its resolution
// clock pauses.
func (d *Desk) Reply(ctx context.Context, staff *sigap.Staff, code, text string, waitCitizen bool) error {
	text, err := cleanStaffText(text)
	if err != nil {
		return err
	}
	return d.act(ctx, staff, code, sigap.ActionReply, func(tx sigap.Tx, t *sigap.Ticket, c *sigap.Citizen) (string, error) {
		if t.Status == sigap.StatusResolved {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah selesai; buka kembali dulu untuk membalas.", t.Code)
		}
		now := d.cfg.Now()
		if t.FirstResponseAt.IsZero() {
			t.FirstResponseAt, t.FirstResponder = now, staff.Username
		}
		if t.Assignee == "" {
			t.Assignee = staff.Username // who answers an unclaimed ticket takes it
		}
		switch {
		case waitCitizen && t.Status != sigap.StatusPending:
			t.Status, t.PausedAt = sigap.StatusPending, now
		case !waitCitizen && t.Status == sigap.StatusPending:
			d.unpause(t)
			t.Status = sigap.StatusOpen
		}
		msg := d.cfg.Texts.StaffReply(d.OPDName(t.OPD), text)
		return "", d.Say(ctx, tx, c, t.ID, sigap.AuthorStaff, staff.Username, msg)
	})
}

// Note adds an internal note that the citizen never sees.
func (d *Desk) Note(ctx context.Context, staff *sigap.Staff, code, text string) error {
	text, err := cleanStaffText(text)
	if err != nil {
		return err
	}
	return d.act(ctx, staff, code, sigap.ActionNote, func(tx sigap.Tx, t *sigap.Ticket, c *sigap.Citizen) (string, error) {
		m := &sigap.Message{CitizenID: c.ID, TicketID: t.ID, Channel: c.Address.Channel,
			Author: sigap.AuthorNote, Staff: staff.Username, Kind: sigap.KindText, Text: text, At: d.cfg.Now()}
		_, err := tx.AddMessage(ctx, m)
		return "", err
	})
}

// Transfer moves a ticket to another OPD's queue. Its due times follow the
// new OPD's targets from the ticket's creation, and the router learns from
// the move.
func (d *Desk) Transfer(ctx context.Context, staff *sigap.Staff, code, opd, reason string) error {
	opd = strings.ToUpper(strings.TrimSpace(opd))
	reason = strings.TrimSpace(reason)
	if _, ok := d.KB().OPD(opd); !ok {
		return sigap.Errorf(sigap.EINVALID, "OPD %q tidak dikenal.", opd)
	}
	return d.act(ctx, staff, code, sigap.ActionTransfer, func(tx sigap.Tx, t *sigap.Ticket, c *sigap.Citizen) (string, error) {
		if t.OPD == opd {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah berada di %s.", t.Code, opd)
		}
		from := t.OPD
		t.OPD, t.Assignee = opd, ""
		d.Due(t)
		text, err := d.citizenText(ctx, tx, t)
		if err != nil {
			return "", err
		}
		if text != "" {
			learnt := sigap.Example{Text: text, OPD: opd, TicketID: t.ID}
			if err := tx.AddExample(ctx, learnt, d.cfg.Now()); err != nil {
				return "", err
			}
			tx.OnCommit(func() { d.cfg.Learn(learnt) })
		}
		msg := d.cfg.Texts.Transferred(t.Code, d.OPDName(opd), t.FirstResponseDue)
		if err := d.Say(ctx, tx, c, t.ID, sigap.AuthorBot, "", msg); err != nil {
			return "", err
		}
		detail := from + " → " + opd
		if reason != "" {
			detail += ": " + reason
		}
		return detail, nil
	})
}

// Claim makes the staff member the ticket's assignee.
func (d *Desk) Claim(ctx context.Context, staff *sigap.Staff, code string) error {
	return d.act(ctx, staff, code, sigap.ActionClaim, func(tx sigap.Tx, t *sigap.Ticket, c *sigap.Citizen) (string, error) {
		if t.Status == sigap.StatusResolved {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah selesai.", t.Code)
		}
		t.Assignee = staff.Username
		return "", nil
	})
}

// Resolve closes a ticket, tells the citizen and asks for a 1–5 rating.
func (d *Desk) Resolve(ctx context.Context, staff *sigap.Staff, code string) error {
	return d.act(ctx, staff, code, sigap.ActionResolve, func(tx sigap.Tx, t *sigap.Ticket, c *sigap.Citizen) (string, error) {
		if t.Status == sigap.StatusResolved {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s sudah selesai.", t.Code)
		}
		d.unpause(t)
		t.Status, t.ResolvedAt = sigap.StatusResolved, d.cfg.Now()
		if err := tx.SetAwaiting(ctx, c.ID, sigap.Awaiting{Kind: sigap.AwaitRating, Ref: t.Code}); err != nil {
			return "", err
		}
		return "", d.Say(ctx, tx, c, t.ID, sigap.AuthorBot, "", d.cfg.Texts.Resolved(t.Code, d.OPDName(t.OPD)))
	})
}

// Reopen puts a resolved ticket back in its queue.
func (d *Desk) Reopen(ctx context.Context, staff *sigap.Staff, code string) error {
	return d.act(ctx, staff, code, sigap.ActionReopen, func(tx sigap.Tx, t *sigap.Ticket, c *sigap.Citizen) (string, error) {
		if t.Status != sigap.StatusResolved {
			return "", sigap.Errorf(sigap.EINVALID, "Tiket %s belum selesai.", t.Code)
		}
		t.Status, t.ResolvedAt = sigap.StatusOpen, time.Time{}
		return "", nil
	})
}

// act runs one staff action on a ticket the staff member may see, in one
// transaction with its audit entry; the dashboards hear of it once
// committed.
func (d *Desk) act(ctx context.Context, staff *sigap.Staff, code string, action sigap.AuditAction,
	fn func(tx sigap.Tx, t *sigap.Ticket, c *sigap.Citizen) (detail string, err error)) error {
	err := d.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		t, err := visibleTicket(ctx, tx, staff, code)
		if err != nil {
			return err
		}
		c, err := tx.CitizenByID(ctx, t.CitizenID)
		if err != nil {
			return err
		}
		detail, err := fn(tx, t, c)
		if err != nil {
			return err
		}
		t.UpdatedAt = d.cfg.Now()
		if err := tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
		d.changed(tx, t)
		return d.audit(ctx, tx, sigap.StaffActor(staff.Username), t.ID, action, detail)
	})
	if err != nil {
		return fmt.Errorf("desk: %s %s: %w", action, code, err)
	}
	return nil
}

// visibleTicket loads a ticket the staff member may act on. A ticket of
// another OPD is reported as missing, so its existence does not leak.
func visibleTicket(ctx context.Context, tx sigap.Tx, staff *sigap.Staff, code string) (*sigap.Ticket, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	t, err := tx.TicketByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if !staff.CanSee(t.OPD) {
		return nil, sigap.Errorf(sigap.ENOTFOUND, "Tiket %s tidak ditemukan.", code)
	}
	return t, nil
}

// citizenText is what the citizen wrote on a ticket, the example a transfer
// teaches the router.
func (d *Desk) citizenText(ctx context.Context, tx sigap.Tx, t *sigap.Ticket) (string, error) {
	msgs, err := tx.TicketMessages(ctx, t.ID)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, m := range msgs {
		if m.Author == sigap.AuthorCitizen && m.Text != "" && m.Kind != sigap.KindDelete {
			parts = append(parts, m.Text)
		}
	}
	return strings.Join(parts, "\n"), nil
}
