package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// CreateSession stores a signed-in staff member's session. A zero
// CreatedAt is stamped by the clock.
func (tx *Tx) CreateSession(ctx context.Context, s *sigap.Session) error {
	created := tx.stampIfZero(s.CreatedAt)
	n, err := tx.count(ctx, fmt.Sprintf("create session of staff %d", s.StaffID),
		`INSERT INTO sessions (token_hash, staff_id, csrf, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		s.TokenHash, s.StaffID, s.CSRF, unixNano(created), unixNano(s.ExpiresAt))
	if err != nil {
		return err
	} else if n == 0 {
		return sigap.Errorf(sigap.ECONFLICT, "session token is already used")
	}
	s.CreatedAt = created
	return nil
}

// SessionByToken returns the session with the given token hash, expired or
// not: the caller decides by its own clock.
func (tx *Tx) SessionByToken(ctx context.Context, tokenHash string) (*sigap.Session, error) {
	return one(ctx, tx, func(s *sigap.Session) []any {
		return []any{&s.TokenHash, &s.StaffID, &s.CSRF, timeColumn{&s.CreatedAt}, timeColumn{&s.ExpiresAt}}
	}, sigap.Errorf(sigap.ENOTFOUND, "session not found"), "session",
		`SELECT token_hash, staff_id, csrf, created_at, expires_at FROM sessions WHERE token_hash = ?`, tokenHash)
}

// DeleteExpiredSessions deletes the sessions that expired at or before
// now and returns how many.
func (tx *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	return tx.count(ctx, "delete expired sessions", `DELETE FROM sessions WHERE expires_at <= ?`, bound(now))
}

// DeleteSession ends a session; ending one that does not exist is not an
// error, so signing out twice is harmless.
func (tx *Tx) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("storage: delete session: %w", err)
	}
	return nil
}
