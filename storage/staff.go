package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

const staffColumns = `id, username, name, role, opd, password_hash, disabled,
	telegram_chat_id, link_code, link_code_expires_at, telegram_tickets, created_at`

func staffDest(s *sigap.Staff) []any {
	return []any{&s.ID, &s.Username, &s.Name, &s.Role, &s.OPD, &s.PasswordHash, &s.Disabled,
		&s.TelegramChatID, &s.LinkCode, timeColumn{&s.LinkCodeExpires}, &s.TelegramTickets, timeColumn{&s.CreatedAt}}
}

// CreateStaff stores s and fills its ID; a username already used, in any
// letter case, gives ECONFLICT. A zero CreatedAt is stamped by the clock.
func (tx *Tx) CreateStaff(ctx context.Context, s *sigap.Staff) error {
	created := tx.stampIfZero(s.CreatedAt)
	id, err := tx.insert(ctx, `INSERT INTO staff (username, name, role, opd, password_hash,
			disabled, telegram_chat_id, link_code, link_code_expires_at, telegram_tickets, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`,
		s.Username, s.Name, s.Role, s.OPD, s.PasswordHash, s.Disabled, s.TelegramChatID, s.LinkCode,
		unixNano(s.LinkCodeExpires), s.TelegramTickets, unixNano(created))
	if errors.Is(err, sql.ErrNoRows) {
		return sigap.Errorf(sigap.ECONFLICT, "username %s is already used", s.Username)
	} else if err != nil {
		return fmt.Errorf("storage: create staff %s: %w", s.Username, err)
	}
	s.ID, s.CreatedAt = id, created
	return nil
}

// UpdateStaff stores every field of s but its ID and CreatedAt; renaming
// to a username already used gives ECONFLICT.
func (tx *Tx) UpdateStaff(ctx context.Context, s *sigap.Staff) error {
	// A new password, a disabled account or another role ends the
	// account's sessions: whoever held them must sign in again, as what
	// they are now.
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE staff_id = ?1
		AND EXISTS (SELECT 1 FROM staff WHERE id = ?1
			AND (password_hash <> ?2 OR role <> ?3 OR opd <> ?4 OR ?5))`,
		s.ID, s.PasswordHash, s.Role, s.OPD, s.Disabled); err != nil {
		return fmt.Errorf("storage: end sessions of %s: %w", s.Username, err)
	}
	err := tx.change(ctx, sigap.Errorf(sigap.ENOTFOUND, "staff %s not found", s.Username),
		"update staff "+s.Username, `UPDATE staff SET username = ?, name = ?, role = ?, opd = ?,
			password_hash = ?, disabled = ?, telegram_chat_id = ?, link_code = ?, link_code_expires_at = ?,
			telegram_tickets = ?
		WHERE id = ?`,
		s.Username, s.Name, s.Role, s.OPD, s.PasswordHash, s.Disabled, s.TelegramChatID, s.LinkCode,
		unixNano(s.LinkCodeExpires), s.TelegramTickets, s.ID)
	if isUnique(err) {
		return sigap.Errorf(sigap.ECONFLICT, "username %s is already used", s.Username)
	}
	return err
}

// StaffByUsername finds a staff member by username, in any letter case.
func (tx *Tx) StaffByUsername(ctx context.Context, username string) (*sigap.Staff, error) {
	// lower() folds as SQLite's NOCASE does for the ASCII of usernames;
	// PostgreSQL has an index on it.
	return one(ctx, tx, staffDest, sigap.Errorf(sigap.ENOTFOUND, "staff %s not found", username), "staff "+username,
		`SELECT `+staffColumns+` FROM staff WHERE lower(username) = lower(?)`, username)
}

func (tx *Tx) StaffByID(ctx context.Context, id int64) (*sigap.Staff, error) {
	return one(ctx, tx, staffDest, sigap.Errorf(sigap.ENOTFOUND, "staff %d not found", id), fmt.Sprintf("staff %d", id),
		`SELECT `+staffColumns+` FROM staff WHERE id = ?`, id)
}

// ListStaff returns every staff member, disabled ones included, by
// username.
func (tx *Tx) ListStaff(ctx context.Context) ([]sigap.Staff, error) {
	list, err := rows(ctx, tx, staffDest, `SELECT `+staffColumns+` FROM staff ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("storage: list staff: %w", err)
	}
	return list, nil
}
