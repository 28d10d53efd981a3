package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// ReportTickets calls fn for each ticket created in [from, to), in order of
// creation, reading one row at a time; fn's error stops it and is returned
// as is.
func (tx *Tx) ReportTickets(ctx context.Context, from, to time.Time, fn func(sigap.ReportTicket) error) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT t.opd, c.channel, t.created_at, t.first_response_due,
			t.first_response_at, t.first_responder, t.resolved_at, t.paused_work
		FROM tickets t JOIN citizens c ON c.id = t.citizen_id
		WHERE t.created_at >= ? AND t.created_at < ? ORDER BY t.created_at`,
		bound(from), bound(to))
	if err != nil {
		return fmt.Errorf("storage: report tickets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r sigap.ReportTicket
		if err := rows.Scan(&r.OPD, &r.Channel, timeColumn{&r.CreatedAt}, timeColumn{&r.FirstResponseDue},
			timeColumn{&r.FirstResponseAt}, &r.FirstResponder, timeColumn{&r.ResolvedAt},
			&r.PausedWork); err != nil {
			return fmt.Errorf("storage: report tickets: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: report tickets: %w", err)
	}
	return nil
}
