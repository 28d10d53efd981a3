package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// reportTicketsQuery walks the creation-time index, as it did before the
// queue's indexes, which lead with merged_into, tempted the planner into a
// sort.
const reportTicketsQuery = `SELECT t.code, t.opd, c.channel, t.created_at, t.first_response_due,
		t.first_response_at, t.first_responder, t.resolved_at, t.paused_work, t.assignee, t.rating
	FROM tickets t INDEXED BY tickets_created_at JOIN citizens c ON c.id = t.citizen_id
	WHERE t.created_at >= ? AND t.created_at < ? AND t.merged_into IS NULL ORDER BY t.created_at`

// ReportTickets calls fn for each ticket created in [from, to), in order of
// creation, reading one row at a time; fn's error stops it and is returned
// as is. Tickets merged into another are left out, so duplicates count
// once.
func (tx *Tx) ReportTickets(ctx context.Context, from, to time.Time, fn func(sigap.ReportTicket) error) error {
	rows, err := tx.tx.QueryContext(ctx, reportTicketsQuery, bound(from), bound(to))
	if err != nil {
		return fmt.Errorf("storage: report tickets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r sigap.ReportTicket
		if err := rows.Scan(&r.Code, &r.OPD, &r.Channel, timeColumn{&r.CreatedAt}, timeColumn{&r.FirstResponseDue},
			timeColumn{&r.FirstResponseAt}, &r.FirstResponder, timeColumn{&r.ResolvedAt},
			&r.PausedWork, &r.Assignee, &r.Rating); err != nil {
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
