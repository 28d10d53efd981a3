package storage

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

const outboundColumns = `id, to_channel, to_id, ticket_id, text, replies, media_ref, media_kind, lane,
	attempts, parts_sent, created_at, queued_at, last_error, failed_at, failure`

// outboundDest lists where scanning outboundColumns puts each one.
func outboundDest(o *sigap.Outbound) []any {
	return []any{&o.ID, &o.To.Channel, &o.To.ID, idColumn{&o.TicketID}, &o.Text, repliesColumn{&o.Replies},
		&o.MediaRef, &o.MediaKind, &o.Lane, &o.Attempts, &o.PartsSent, timeColumn{&o.Created}, timeColumn{&o.Queued},
		&o.LastError, timeColumn{&o.FailedAt}, &o.Failure}
}

// unsent is the condition of a message still waiting; the partial indexes
// on the outbox repeat it, so that SQLite uses them.
const unsent = `sent_at IS NULL AND failed_at IS NULL`

// Enqueue commits an outbound message, due at once, and fills its ID and,
// when zero, Created from the clock and Queued from Created.
func (tx *Tx) Enqueue(ctx context.Context, o *sigap.Outbound) error {
	created := tx.stampIfZero(o.Created)
	queued := o.Queued
	if queued.IsZero() {
		queued = created
	}
	id, err := tx.insert(ctx, `
		INSERT INTO outbox (to_channel, to_id, ticket_id, text, replies, media_ref, media_kind, lane, attempts,
			next_at, created_at, queued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.To.Channel, o.To.ID, nullID(o.TicketID), o.Text, repliesColumn{&o.Replies}, o.MediaRef, o.MediaKind,
		o.Lane, o.Attempts, unixNano(created), unixNano(created), unixNano(queued))
	if err != nil {
		return fmt.Errorf("storage: enqueue to %s: %w", o.To, err)
	}
	o.ID, o.Created, o.Queued = id, created, queued.UTC()
	return nil
}

// DueOutbound returns up to limit messages to send at now, citizen replies
// first and each lane in the order enqueued, so that a citizen gets replies
// in the order they were written: a message behind an earlier one to the
// same chat that is waiting for a retry waits too. Messages on the
// channels in skip are left out.
func (tx *Tx) DueOutbound(ctx context.Context, now time.Time, limit int, skip []sigap.Channel) ([]sigap.Outbound, error) {
	args := []any{bound(now)}
	skipped := ""
	for _, ch := range skip {
		args = append(args, ch)
		skipped += fmt.Sprintf(" AND to_channel <> ?%d", len(args))
	}
	due, err := rows(ctx, tx, outboundDest, `
		SELECT `+outboundColumns+` FROM outbox o
		WHERE `+unsent+` AND next_at <= ?1`+skipped+`
		  AND NOT EXISTS (SELECT 1 FROM outbox e
			WHERE e.to_channel = o.to_channel AND e.to_id = o.to_id AND e.id < o.id
			  AND e.sent_at IS NULL AND e.failed_at IS NULL AND e.next_at > ?1)
		ORDER BY lane, id LIMIT `+limitText(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("storage: due outbound: %w", err)
	}
	return due, nil
}

// WaitingChats returns the chats whose first message waits for an attempt
// after now, with when it is due.
func (tx *Tx) WaitingChats(ctx context.Context, now time.Time) (map[sigap.Address]time.Time, error) {
	type chat struct {
		to  sigap.Address
		due time.Time
	}
	list, err := rows(ctx, tx, func(c *chat) []any { return []any{&c.to.Channel, &c.to.ID, timeColumn{&c.due}} }, `
		SELECT to_channel, to_id, MIN(next_at) FROM outbox
		WHERE `+unsent+` AND next_at > ? GROUP BY to_channel, to_id`, bound(now))
	if err != nil {
		return nil, fmt.Errorf("storage: waiting chats: %w", err)
	}
	out := make(map[sigap.Address]time.Time, len(list))
	for _, c := range list {
		out[c.to] = c.due
	}
	return out, nil
}

func (tx *Tx) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return tx.change(ctx, outboundNotFound(id), fmt.Sprintf("mark outbound %d sent", id),
		`UPDATE outbox SET sent_at = ? WHERE id = ?`, unixNano(at), id)
}

// MarkPartsSent records that the first n parts of a message went out.
func (tx *Tx) MarkPartsSent(ctx context.Context, id int64, n int) error {
	return tx.change(ctx, outboundNotFound(id), fmt.Sprintf("mark parts of outbound %d sent", id),
		`UPDATE outbox SET parts_sent = ? WHERE id = ?`, n, id)
}

// MarkRetry counts a failed attempt and schedules the next one.
func (tx *Tx) MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return tx.change(ctx, outboundNotFound(id), fmt.Sprintf("mark outbound %d for retry", id),
		`UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?`,
		unixNano(next), reason, id)
}

// MarkFailed counts the last failed attempt and gives up on the message for
// good.
func (tx *Tx) MarkFailed(ctx context.Context, id int64, at time.Time, f sigap.Failure, reason string) error {
	return tx.change(ctx, outboundNotFound(id), fmt.Sprintf("mark outbound %d failed", id),
		`UPDATE outbox SET attempts = attempts + 1, failed_at = ?, failure = ?, last_error = ? WHERE id = ?`,
		unixNano(tx.stampIfZero(at)), f, reason, id)
}

// ExpireOutbound gives up on every message still waiting that joined the
// queue before queuedBefore, and returns them.
func (tx *Tx) ExpireOutbound(ctx context.Context, queuedBefore, at time.Time) ([]sigap.Outbound, error) {
	expired, err := rows(ctx, tx, outboundDest, `
		UPDATE outbox SET failed_at = ?, failure = ? WHERE `+unsent+` AND queued_at < ?
		RETURNING `+outboundColumns,
		unixNano(tx.stampIfZero(at)), sigap.FailureExpired, bound(queuedBefore))
	if err != nil {
		return nil, fmt.Errorf("storage: expire outbound: %w", err)
	}
	return expired, nil
}

// Undelivered returns the citizen replies of a ticket that the outbox gave
// up on, oldest first.
func (tx *Tx) Undelivered(ctx context.Context, ticketID int64) ([]sigap.Outbound, error) {
	list, err := rows(ctx, tx, outboundDest, `SELECT `+outboundColumns+` FROM outbox
		WHERE ticket_id = ? AND failed_at IS NOT NULL AND lane = ? ORDER BY id`, ticketID, sigap.LaneCitizen)
	if err != nil {
		return nil, fmt.Errorf("storage: undelivered replies of ticket %d: %w", ticketID, err)
	}
	return list, nil
}

// Requeue puts an undelivered citizen reply of the ticket back in the
// queue, due at once, with its tries counted anew; the parts of it that
// went out stay sent.
func (tx *Tx) Requeue(ctx context.Context, ticketID, id int64, at time.Time) (*sigap.Outbound, error) {
	at = tx.stampIfZero(at)
	list, err := rows(ctx, tx, outboundDest, `
		UPDATE outbox SET failed_at = NULL, failure = '', attempts = 0, next_at = ?1, queued_at = ?1
		WHERE id = ?2 AND ticket_id = ?3 AND failed_at IS NOT NULL AND lane = ?4
		RETURNING `+outboundColumns, unixNano(at), id, ticketID, sigap.LaneCitizen)
	if err != nil {
		return nil, fmt.Errorf("storage: requeue outbound %d: %w", id, err)
	}
	if len(list) == 0 {
		return nil, sigap.Errorf(sigap.ENOTFOUND, "Balasan %d yang tidak terkirim tidak ditemukan pada tiket ini.", id)
	}
	return &list[0], nil
}

// PruneSent deletes up to limit messages sent before before. The newest
// message stays whatever its age: SQLite gives the next id after the
// highest one left, and an id must never be given out twice (WhatsApp's
// message ids of a reply's parts are made from it).
func (tx *Tx) PruneSent(ctx context.Context, before time.Time, limit int) (int, error) {
	return tx.count(ctx, "prune sent outbound", `DELETE FROM outbox WHERE id IN (
		SELECT id FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?
			AND id < (SELECT MAX(id) FROM outbox) LIMIT ?)`, bound(before), limit)
}

func outboundNotFound(id int64) *sigap.Error {
	return sigap.Errorf(sigap.ENOTFOUND, "outbound message %d not found", id)
}

// OutboxBacklog counts messages not yet sent nor failed.
func (tx *Tx) OutboxBacklog(ctx context.Context) (int, error) {
	var n int
	err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE `+unsent).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: outbox backlog: %w", err)
	}
	return n, nil
}

// UndeliveredCounts counts, per OPD holding the ticket, the citizen replies
// on tickets created in [from, to) that the outbox had given up on by at
// and that were not sent since.
func (tx *Tx) UndeliveredCounts(ctx context.Context, from, to, at time.Time) (map[string]int, error) {
	counts, err := tally[string](ctx, tx, `
		SELECT t.opd, COUNT(*) FROM outbox o JOIN tickets t ON t.id = o.ticket_id
		WHERE o.failed_at IS NOT NULL AND o.failed_at <= ? AND o.sent_at IS NULL AND o.lane = ?
		  AND t.created_at >= ? AND t.created_at < ?
		GROUP BY t.opd`, bound(at), sigap.LaneCitizen, bound(from), bound(to))
	if err != nil {
		return nil, fmt.Errorf("storage: undelivered counts: %w", err)
	}
	return counts, nil
}

// repliesColumn stores quick replies as a JSON list, and none as empty
// text.
type repliesColumn struct{ r *[]string }

func (c repliesColumn) Value() (driver.Value, error) {
	if len(*c.r) == 0 {
		return "", nil
	}
	b, err := json.Marshal(*c.r)
	return string(b), err
}

func (c repliesColumn) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("replies column holds %T, want text", v)
	}
	*c.r = nil
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), c.r)
}
