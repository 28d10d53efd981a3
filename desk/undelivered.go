package desk

import (
	"context"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

// FailureText says to staff, in Indonesian, why a reply was not delivered.
func FailureText(f sigap.Failure) string {
	switch f {
	case sigap.FailureBlocked:
		return "warga memblokir akun Sigap"
	case sigap.FailureRefused:
		return "ditolak oleh platform"
	case sigap.FailureExpired:
		return "tidak dapat dikirim dalam batas waktu pengiriman"
	}
	return "tidak terkirim"
}

// undelivered records the citizen replies the outbox gave up on, in tx:
// each on its ticket's history, which the dashboards hear of, and all in
// one digest to the OPD's staff. Staff notices and replies without a
// ticket are only logged by the outbox.
func (d *Desk) undelivered(ctx context.Context, tx sigap.Tx, msgs []sigap.Outbound) error {
	g, err := newDigest(ctx, tx)
	if err != nil {
		return err
	}
	tickets := map[int64]*sigap.Ticket{}
	for _, m := range msgs {
		if m.Lane != sigap.LaneCitizen || m.TicketID == 0 {
			continue
		}
		t := tickets[m.TicketID]
		if t == nil {
			if t, err = tx.TicketByID(ctx, m.TicketID); err != nil {
				return fmt.Errorf("desk: undelivered reply %d: %w", m.ID, err)
			}
			tickets[t.ID] = t
			d.changed(tx, t)
		}
		if err := d.audit(ctx, tx, sigap.ActorSystem, t.ID, sigap.ActionUndelivered, FailureText(m.Failure)); err != nil {
			return err
		}
		g.add(noticeUndelivered, t.OPD, t.Code, false)
	}
	return g.send(ctx, tx, d)
}

// Resend puts an undelivered reply of the ticket back in the outbox, which
// tries it again at once and for as long as a new reply, for a staff
// member who may act on the ticket.
func (d *Desk) Resend(ctx context.Context, staff *sigap.Staff, code string, outboxID int64) error {
	return d.act(ctx, staff, code, sigap.ActionResend, func(tx sigap.Tx, g *group) (string, error) {
		o, err := tx.Requeue(ctx, g.t.ID, outboxID, d.cfg.Now())
		if err != nil {
			return "", err
		}
		// It keeps its place in the queue, which is in the database only.
		tx.OnCommit(d.hand.requestDrain)
		return fmt.Sprintf("balasan #%d", o.ID), nil
	})
}
