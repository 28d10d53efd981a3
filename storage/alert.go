package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// MarkAlert records that an SLA alert of a kind was raised for a ticket;
// first is false when it was raised before.
func (tx *Tx) MarkAlert(ctx context.Context, ticketID int64, kind string, at time.Time) (first bool, err error) {
	n, err := tx.count(ctx, fmt.Sprintf("mark %s alert of ticket %d", kind, ticketID),
		`INSERT INTO sla_alerts (ticket_id, kind, at) VALUES (?, ?, ?)
		ON CONFLICT (ticket_id, kind) DO NOTHING`, ticketID, kind, unixNano(tx.stampIfZero(at)))
	return n == 1, err
}

// TicketsNeedingAlert returns open tickets with no first response whose
// first-response due time minus lead is at or before now and that have no
// alert of kind yet, the earliest due first.
func (tx *Tx) TicketsNeedingAlert(ctx context.Context, kind string, now time.Time, lead time.Duration) ([]sigap.Ticket, error) {
	// The conditions repeat those of the partial index tickets_unanswered_due
	// so that SQLite uses it.
	ts, err := rows(ctx, tx, ticketDest, `SELECT `+ticketColumns+` FROM tickets t
		WHERE t.first_response_at IS NULL AND t.status <> 'resolved'
			AND t.first_response_due <= ?
			AND NOT EXISTS (SELECT 1 FROM sla_alerts a WHERE a.ticket_id = t.id AND a.kind = ?)
		ORDER BY t.first_response_due, t.id`, bound(now.Add(lead)), kind)
	if err != nil {
		return nil, fmt.Errorf("storage: tickets needing %s alert: %w", kind, err)
	}
	return ts, nil
}
