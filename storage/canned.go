package storage

import (
	"context"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

// CannedReplies returns a staff member's ready replies by label.
func (tx *Tx) CannedReplies(ctx context.Context, staffID int64) ([]sigap.CannedReply, error) {
	list, err := rows(ctx, tx, func(r *sigap.CannedReply) []any {
		return []any{&r.ID, &r.StaffID, &r.Label, &r.Text, timeColumn{&r.CreatedAt}}
	}, `SELECT id, staff_id, label, text, created_at FROM canned_replies
		WHERE staff_id = ? ORDER BY label, id`, staffID)
	if err != nil {
		return nil, fmt.Errorf("storage: canned replies of staff %d: %w", staffID, err)
	}
	return list, nil
}

// AddCannedReply stores r and fills its ID; a zero CreatedAt is stamped by
// the clock.
func (tx *Tx) AddCannedReply(ctx context.Context, r *sigap.CannedReply) error {
	created := tx.stampIfZero(r.CreatedAt)
	id, err := tx.insert(ctx, `INSERT INTO canned_replies (staff_id, label, text, created_at)
		VALUES (?, ?, ?, ?)`, r.StaffID, r.Label, r.Text, unixNano(created))
	if err != nil {
		return fmt.Errorf("storage: add canned reply of staff %d: %w", r.StaffID, err)
	}
	r.ID, r.CreatedAt = id, created
	return nil
}

// DeleteCannedReply removes one of a staff member's replies.
func (tx *Tx) DeleteCannedReply(ctx context.Context, staffID, id int64) error {
	return tx.change(ctx, sigap.Errorf(sigap.ENOTFOUND, "Jawaban siap pakai tidak ditemukan."),
		fmt.Sprintf("delete canned reply %d", id),
		`DELETE FROM canned_replies WHERE id = ? AND staff_id = ?`, id, staffID)
}
