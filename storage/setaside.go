package storage

import (
	"context"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

// AddSetAside stores an update a channel set aside and fills its ID; a
// zero At is stamped by the clock.
func (tx *Tx) AddSetAside(ctx context.Context, u *sigap.SetAsideUpdate) error {
	at := tx.stampIfZero(u.At)
	id, err := tx.insert(ctx, `INSERT INTO set_aside (channel, update_id, raw, reason, at) VALUES (?, ?, ?, ?, ?)`,
		u.Channel, u.UpdateID, u.Raw, u.Reason, unixNano(at))
	if err != nil {
		return fmt.Errorf("storage: set aside %s update %s: %w", u.Channel, u.UpdateID, err)
	}
	u.ID, u.At = id, at
	return nil
}

// SetAsideUpdates returns the newest limit updates set aside, newest
// first, and how many are kept in all.
func (tx *Tx) SetAsideUpdates(ctx context.Context, limit int) ([]sigap.SetAsideUpdate, int, error) {
	var total int
	if err := tx.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM set_aside`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("storage: set-aside updates: %w", err)
	}
	list, err := rows(ctx, tx, func(u *sigap.SetAsideUpdate) []any {
		return []any{&u.ID, &u.Channel, &u.UpdateID, &u.Raw, &u.Reason, timeColumn{&u.At}}
	}, `SELECT id, channel, update_id, raw, reason, at FROM set_aside ORDER BY id DESC LIMIT ?`, limitOrAll(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("storage: set-aside updates: %w", err)
	}
	return list, total, nil
}
