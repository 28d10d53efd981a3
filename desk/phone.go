package desk

import (
	"context"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

// PhoneResponder stands for the first responder of a ticket first answered
// on the regency's own phone, where no staff account is known. Usernames
// never have parentheses, so it is told apart from every one.
const PhoneResponder = "(ponsel)"

// PhoneReply records what a person typed by hand on the regency's own
// account into a citizen's chat (WhatsApp on the regency's phone) as a
// staff reply: in the citizen's thread, on their open ticket (or the one
// it was merged into), where it counts as the first response, audited as from the phone. Nothing is
// sent: the citizen has it already. A message redelivered is recorded
// once; one in a chat of someone who never wrote to Sigap is not recorded.
func (d *Desk) PhoneReply(ctx context.Context, in sigap.Inbound) error {
	err := d.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		c, err := tx.CitizenByAddress(ctx, in.From)
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		t, err := tx.OpenTicket(ctx, c.ID)
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			t, err = nil, nil
		} else if err != nil {
			return err
		}
		if t != nil && t.MergedInto != 0 {
			// Staff work the ticket it was merged into: the reply and its
			// first response belong there, as a citizen's follow-up does.
			if t, err = tx.TicketByID(ctx, t.MergedInto); err != nil {
				return err
			}
		}
		m := &sigap.Message{CitizenID: c.ID, Channel: in.From.Channel, PlatformID: in.PlatformID,
			Author: sigap.AuthorStaff, Staff: PhoneResponder, Kind: in.Kind, Text: in.Text, MediaRef: in.MediaRef,
			Lat: in.Lat, Lon: in.Lon, RefID: in.RefID, At: in.At}
		if t != nil {
			m.TicketID = t.ID
		}
		if dup, err := tx.AddMessage(ctx, m); err != nil || dup || t == nil {
			return err
		}
		if t.FirstResponseAt.IsZero() {
			t.FirstResponseAt, t.FirstResponder = in.At, PhoneResponder
		}
		t.UpdatedAt = d.cfg.Now()
		if err := tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
		d.changed(tx, t)
		return d.audit(ctx, tx, sigap.ActorPhone, t.ID, sigap.ActionReply, "")
	})
	if err != nil {
		return fmt.Errorf("desk: reply from the phone to %s: %w", in.From, err)
	}
	return nil
}
