package desk

import (
	"context"
	"fmt"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// announceLength is how much of a question a new-ticket message quotes.
const announceLength = 900

// announce tells the staff of the ticket's OPD who asked for it (on their
// profile page) of a ticket new to their queue, on Telegram. Replying to
// that message in Telegram answers the citizen; see the bot.
func (d *Desk) announce(ctx context.Context, tx sigap.Tx, t *sigap.Ticket, c *sigap.Citizen, question string) error {
	staff, err := tx.ListStaff(ctx)
	if err != nil {
		return err
	}
	var text string
	for i := range staff {
		s := &staff[i]
		if !s.TelegramTickets || s.OPD != t.OPD { // tellStaff skips the disabled and unlinked
			continue
		}
		if text == "" {
			text = newTicketText(t, citizenLabel(c), d.OPDName(t.OPD), shorten(question, announceLength))
		}
		if err := d.tellStaff(ctx, tx, s, t.ID, text); err != nil {
			return err
		}
	}
	return nil
}

// tellStaff sends a staff member a message on Telegram, through the
// outbox, when their account is linked.
func (d *Desk) tellStaff(ctx context.Context, tx sigap.Tx, s *sigap.Staff, ticketID int64, text string) error {
	if s.Disabled || s.TelegramChatID == "" {
		return nil
	}
	to := sigap.Address{Channel: sigap.Telegram, ID: s.TelegramChatID}
	return d.enqueue(ctx, tx, &sigap.Outbound{To: to, TicketID: ticketID, Lane: sigap.LaneStaff, Text: text, Created: d.cfg.Now()})
}

// howToAnswer ends every message about one ticket that staff may answer
// from Telegram.
const howToAnswer = "Balas (reply) pesan ini untuk menjawab warga, atau balas dengan /selesai untuk menyelesaikan tiket."

func newTicketText(t *sigap.Ticket, citizen, opdName, question string) string {
	return fmt.Sprintf("🆕 Tiket baru %s · %s\nDari: %s\n\n%s\n\n%s", t.Code, opdName, citizen, question, howToAnswer)
}

func assignedText(t *sigap.Ticket, by, opdName string) string {
	return fmt.Sprintf("📌 %s memberikan tiket %s (%s) kepada Anda.\n\n%s\n\n%s", by, t.Code, opdName, t.Subject, howToAnswer)
}

// citizenLabel names a citizen for staff: the name they gave, and the
// channel.
func citizenLabel(c *sigap.Citizen) string {
	if n := strings.TrimSpace(c.Name); n != "" {
		return n + " (" + c.Address.Channel.Name() + ")"
	}
	return "Warga (" + c.Address.Channel.Name() + ")"
}
