package storage

import (
	"context"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

const citizenColumns = `id, channel, platform_id, name, phone, created_at,
	awaiting_kind, awaiting_ref, awaiting_text, awaiting_answer_id`

// citizenDest lists where scanning citizenColumns puts each one.
func citizenDest(c *sigap.Citizen) []any {
	return []any{&c.ID, &c.Address.Channel, &c.Address.ID, &c.Name, &c.Phone, timeColumn{&c.CreatedAt},
		&c.Awaiting.Kind, &c.Awaiting.Ref, &c.Awaiting.Text, &c.Awaiting.AnswerID}
}

// UpsertCitizen finds the citizen by address or creates it, and fills c
// with what is stored, the awaited answer included. A non-empty Name or
// Phone replaces the stored one; a zero CreatedAt is stamped by the clock.
// first is true when no message of the citizen is stored yet: the
// conversation's first contact, told in the same statement so that an
// inbound message needs no lookup before its upsert.
func (tx *Tx) UpsertCitizen(ctx context.Context, c *sigap.Citizen) (first bool, err error) {
	row := tx.tx.QueryRowContext(ctx, `
		INSERT INTO citizens (channel, platform_id, name, phone, created_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (channel, platform_id) DO UPDATE SET
			name  = CASE WHEN excluded.name  <> '' THEN excluded.name  ELSE citizens.name  END,
			phone = CASE WHEN excluded.phone <> '' THEN excluded.phone ELSE citizens.phone END
		RETURNING `+citizenColumns+`,
			NOT EXISTS (SELECT 1 FROM messages m WHERE m.citizen_id = citizens.id)`,
		c.Address.Channel, c.Address.ID, c.Name, c.Phone, unixNano(tx.stampIfZero(c.CreatedAt)))
	if err := row.Scan(append(citizenDest(c), &first)...); err != nil {
		return false, fmt.Errorf("storage: upsert citizen %s: %w", c.Address, err)
	}
	return first, nil
}

func (tx *Tx) CitizenByAddress(ctx context.Context, a sigap.Address) (*sigap.Citizen, error) {
	return one(ctx, tx, citizenDest, sigap.Errorf(sigap.ENOTFOUND, "citizen %s not found", a), "citizen "+a.String(),
		`SELECT `+citizenColumns+` FROM citizens WHERE channel = ? AND platform_id = ?`, a.Channel, a.ID)
}

func (tx *Tx) CitizenByID(ctx context.Context, id int64) (*sigap.Citizen, error) {
	return one(ctx, tx, citizenDest, sigap.Errorf(sigap.ENOTFOUND, "citizen %d not found", id), fmt.Sprintf("citizen %d", id),
		`SELECT `+citizenColumns+` FROM citizens WHERE id = ?`, id)
}

// SetAwaiting replaces what the conversation expects next from a citizen;
// the zero Awaiting clears it.
func (tx *Tx) SetAwaiting(ctx context.Context, citizenID int64, a sigap.Awaiting) error {
	return tx.change(ctx, sigap.Errorf(sigap.ENOTFOUND, "citizen %d not found", citizenID),
		fmt.Sprintf("set awaiting of citizen %d", citizenID), `UPDATE citizens SET
		awaiting_kind = ?, awaiting_ref = ?, awaiting_text = ?, awaiting_answer_id = ?
		WHERE id = ?`, a.Kind, a.Ref, a.Text, a.AnswerID, citizenID)
}
