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
	rows, err := tx.tx.QueryContext(ctx, `SELECT opd, created_at, first_response_due, first_response_at,
			first_responder, resolved_at, paused_work
		FROM tickets WHERE created_at >= ? AND created_at < ? ORDER BY created_at`,
		bound(from), bound(to))
	if err != nil {
		return fmt.Errorf("storage: report tickets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r sigap.ReportTicket
		if err := rows.Scan(&r.OPD, timeColumn{&r.CreatedAt}, timeColumn{&r.FirstResponseDue},
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
