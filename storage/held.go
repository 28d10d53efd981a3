package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

const heldColumns = `id, channel, chat_id, name, platform_id, text, reason, at`

func heldDest(m *sigap.HeldMessage) []any {
	return []any{&m.ID, &m.From.Channel, &m.From.ID, &m.Name, &m.PlatformID, &m.Text, &m.Reason, timeColumn{&m.At}}
}

// HoldMessage stores a message held back by the flood limits, once per
// chat and platform id. A zero At is stamped by the clock.
func (tx *Tx) HoldMessage(ctx context.Context, m *sigap.HeldMessage) (duplicate bool, err error) {
	at := tx.stampIfZero(m.At)
	id, err := tx.insert(ctx, `INSERT INTO held_messages (channel, chat_id, name, platform_id, text, reason, at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		m.From.Channel, m.From.ID, m.Name, m.PlatformID, m.Text, m.Reason, unixNano(at))
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	} else if err != nil {
		return false, fmt.Errorf("storage: hold message of %s: %w", m.From, err)
	}
	m.ID, m.At = id, at
	return false, nil
}

// HeldMessages returns up to limit held messages (all when limit <= 0),
// oldest first, of one chat or, for the zero Address, of all.
func (tx *Tx) HeldMessages(ctx context.Context, from sigap.Address, limit int) ([]sigap.HeldMessage, error) {
	query, args := `SELECT `+heldColumns+` FROM held_messages`, []any{}
	if from != (sigap.Address{}) {
		query += ` WHERE channel = ? AND chat_id = ?`
		args = append(args, from.Channel, from.ID)
	}
	list, err := rows(ctx, tx, heldDest, query+` ORDER BY id LIMIT ?`, append(args, limitOrAll(limit))...)
	if err != nil {
		return nil, fmt.Errorf("storage: held messages: %w", err)
	}
	return list, nil
}

func (tx *Tx) HeldMessageByID(ctx context.Context, id int64) (*sigap.HeldMessage, error) {
	return one(ctx, tx, heldDest, sigap.Errorf(sigap.ENOTFOUND, "Pesan tertahan %d tidak ditemukan.", id),
		fmt.Sprintf("held message %d", id), `SELECT `+heldColumns+` FROM held_messages WHERE id = ?`, id)
}

func (tx *Tx) CountHeld(ctx context.Context) (int, error) {
	var n int
	if err := tx.tx.QueryRowContext(ctx, `SELECT count(*) FROM held_messages`).Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: count held messages: %w", err)
	}
	return n, nil
}

// DeleteHeld deletes the held message id (0: every one) whose ID is at
// most upTo, so that a "delete all" spares what arrived after the admin
// looked.
func (tx *Tx) DeleteHeld(ctx context.Context, id, upTo int64) (int, error) {
	return tx.count(ctx, "delete held messages", `DELETE FROM held_messages WHERE id <= ? AND (? = 0 OR id = ?)`, upTo, id, id)
}
