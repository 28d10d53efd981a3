package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

// GetSetting returns the value stored under key, such as the knowledge
// base an admin edited.
func (tx *Tx) GetSetting(ctx context.Context, key string) (string, error) {
	var value string
	err := tx.tx.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", sigap.Errorf(sigap.ENOTFOUND, "setting %s not found", key)
	} else if err != nil {
		return "", fmt.Errorf("storage: setting %s: %w", key, err)
	}
	return value, nil
}

// PutSetting stores value under key, replacing what was there; the clock
// stamps when.
func (tx *Tx) PutSetting(ctx context.Context, key, value string) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, tx.now().UnixNano())
	if err != nil {
		return fmt.Errorf("storage: put setting %s: %w", key, err)
	}
	return nil
}
