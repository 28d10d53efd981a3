package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

// Setting returns the setting stored under key, such as the knowledge base
// an admin edited.
func (tx *Tx) Setting(ctx context.Context, key string) (*sigap.Setting, error) {
	s := &sigap.Setting{Key: key}
	err := tx.tx.QueryRowContext(ctx, `SELECT value, updated_at FROM kv WHERE key = ?`, key).
		Scan(&s.Value, timeColumn{&s.At})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sigap.Errorf(sigap.ENOTFOUND, "setting %s not found", key)
	} else if err != nil {
		return nil, fmt.Errorf("storage: setting %s: %w", key, err)
	}
	return s, nil
}

// PutSetting stores s under its key, replacing what was there, and fills
// a zero At from the clock.
func (tx *Tx) PutSetting(ctx context.Context, s *sigap.Setting) error {
	at := tx.stampIfZero(s.At)
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		s.Key, s.Value, unixNano(at))
	if err != nil {
		return fmt.Errorf("storage: put setting %s: %w", s.Key, err)
	}
	s.At = at
	return nil
}
