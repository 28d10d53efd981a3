package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Enqueue commits an outbound message, due at once, and fills its ID and,
// when zero, Created from the clock.
func (tx *Tx) Enqueue(ctx context.Context, o *sigap.Outbound) error {
	created := tx.stampIfZero(o.Created)
	res, err := tx.tx.ExecContext(ctx, `
		INSERT INTO outbox (to_channel, to_id, ticket_id, text, media_ref, media_kind, attempts, next_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.To.Channel, o.To.ID, nullID(o.TicketID), o.Text, o.MediaRef, o.MediaKind, o.Attempts,
		unixNano(created), unixNano(created))
	if err != nil {
		return fmt.Errorf("storage: enqueue to %s: %w", o.To, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("storage: enqueue to %s: %w", o.To, err)
	}
	o.ID, o.Created = id, created
	return nil
}

// DueOutbound returns up to limit unsent messages whose next attempt is at
// or before now, in the order they were enqueued, so that a citizen gets
// replies in the order they were written: a message behind an earlier one
// to the same chat that is waiting for a retry waits too.
func (tx *Tx) DueOutbound(ctx context.Context, now time.Time, limit int) ([]sigap.Outbound, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	due, err := rows(ctx, tx, func(o *sigap.Outbound) []any {
		return []any{&o.ID, &o.To.Channel, &o.To.ID, idColumn{&o.TicketID}, &o.Text, &o.MediaRef, &o.MediaKind,
			&o.Attempts, timeColumn{&o.Created}}
	}, `
		SELECT id, to_channel, to_id, ticket_id, text, media_ref, media_kind, attempts, created_at FROM outbox o
		WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= ?1
		  AND NOT EXISTS (SELECT 1 FROM outbox e
			WHERE e.to_channel = o.to_channel AND e.to_id = o.to_id AND e.id < o.id
			  AND e.sent_at IS NULL AND e.failed_at IS NULL AND e.next_at > ?1)
		ORDER BY id LIMIT ?2`, bound(now), limit)
	if err != nil {
		return nil, fmt.Errorf("storage: due outbound: %w", err)
	}
	return due, nil
}

func (tx *Tx) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return tx.change(ctx, outboundNotFound(id), fmt.Sprintf("mark outbound %d sent", id),
		`UPDATE outbox SET sent_at = ? WHERE id = ?`, unixNano(at), id)
}

// MarkRetry counts a failed attempt and schedules the next one.
func (tx *Tx) MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return tx.change(ctx, outboundNotFound(id), fmt.Sprintf("mark outbound %d for retry", id),
		`UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?`,
		unixNano(next), reason, id)
}

// MarkFailed counts the last failed attempt and gives up on the message for
// good; the clock stamps when.
func (tx *Tx) MarkFailed(ctx context.Context, id int64, reason string) error {
	return tx.change(ctx, outboundNotFound(id), fmt.Sprintf("mark outbound %d failed", id),
		`UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE id = ?`,
		unixNano(tx.stampIfZero(time.Time{})), reason, id)
}

func outboundNotFound(id int64) *sigap.Error {
	return sigap.Errorf(sigap.ENOTFOUND, "outbound message %d not found", id)
}

// OutboxBacklog counts messages not yet sent nor failed.
func (tx *Tx) OutboxBacklog(ctx context.Context) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: outbox backlog: %w", err)
	}
	return n, nil
}
