package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

const messageColumns = `id, citizen_id, ticket_id, channel, platform_id, author, staff, kind,
	text, media_ref, lat, lon, ref_id, at`

// messageDest lists where scanning messageColumns puts each one.
func messageDest(m *sigap.Message) []any {
	return []any{&m.ID, &m.CitizenID, idColumn{&m.TicketID}, &m.Channel, &m.PlatformID, &m.Author,
		&m.Staff, &m.Kind, &m.Text, &m.MediaRef, &m.Lat, &m.Lon, &m.RefID, timeColumn{&m.At}}
}

// AddMessage stores m and fills its ID, unless it is an inbound message
// already stored in the same chat under the same (Channel, CitizenID,
// PlatformID): then duplicate is true and m is left as it was. A zero At
// is stamped by the clock.
func (tx *Tx) AddMessage(ctx context.Context, m *sigap.Message) (duplicate bool, err error) {
	at := tx.stampIfZero(m.At)
	id, err := tx.insert(ctx, `
		INSERT INTO messages (citizen_id, ticket_id, channel, platform_id, author, staff, kind,
			text, media_ref, lat, lon, ref_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`,
		m.CitizenID, nullID(m.TicketID), m.Channel, m.PlatformID, m.Author, m.Staff, m.Kind,
		m.Text, m.MediaRef, m.Lat, m.Lon, m.RefID, unixNano(at))
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	} else if err != nil {
		return false, fmt.Errorf("storage: add message of citizen %d: %w", m.CitizenID, err)
	}
	m.ID, m.At = id, at
	return false, nil
}

const ticketMessagesQuery = `SELECT ` + messageColumns + ` FROM messages
	WHERE ticket_id = ? ORDER BY at, id`

// TicketMessages returns a ticket's thread, notes included, oldest first.
func (tx *Tx) TicketMessages(ctx context.Context, ticketID int64) ([]sigap.Message, error) {
	msgs, err := rows(ctx, tx, messageDest, ticketMessagesQuery, ticketID)
	if err != nil {
		return nil, fmt.Errorf("storage: messages of ticket %d: %w", ticketID, err)
	}
	return msgs, nil
}

// AttachMessages puts the messages of a citizen's chat that belong to no
// ticket and were written at or after since, the bot's answers included,
// into the ticket's thread, so staff see what led to the ticket.
func (tx *Tx) AttachMessages(ctx context.Context, citizenID, ticketID int64, since time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE messages SET ticket_id = ?
		WHERE citizen_id = ? AND ticket_id IS NULL AND at >= ?`, ticketID, citizenID, bound(since))
	if err != nil {
		return fmt.Errorf("storage: attach messages of citizen %d to ticket %d: %w", citizenID, ticketID, err)
	}
	return nil
}

// FileMessage puts one message that belongs to no ticket into a ticket's
// thread.
func (tx *Tx) FileMessage(ctx context.Context, messageID, ticketID int64) error {
	return tx.change(ctx, sigap.Errorf(sigap.ENOTFOUND, "loose message %d not found", messageID),
		fmt.Sprintf("file message %d under ticket %d", messageID, ticketID),
		`UPDATE messages SET ticket_id = ? WHERE id = ? AND ticket_id IS NULL`, ticketID, messageID)
}

// MessageByID returns one stored message.
func (tx *Tx) MessageByID(ctx context.Context, id int64) (*sigap.Message, error) {
	return one(ctx, tx, messageDest, sigap.Errorf(sigap.ENOTFOUND, "message %d not found", id), fmt.Sprintf("message %d", id),
		`SELECT `+messageColumns+` FROM messages WHERE id = ?`, id)
}

// CitizenMessages returns the newest limit messages of a citizen (all of
// them when limit <= 0), oldest first, notes excluded.
func (tx *Tx) CitizenMessages(ctx context.Context, citizenID int64, limit int) ([]sigap.Message, error) {
	msgs, err := rows(ctx, tx, messageDest, `SELECT * FROM (
			SELECT `+messageColumns+` FROM messages
			WHERE citizen_id = ? AND author <> ?
			ORDER BY at DESC, id DESC LIMIT `+limitText(limit)+`
		) newest ORDER BY at, id`, citizenID, sigap.AuthorNote)
	if err != nil {
		return nil, fmt.Errorf("storage: messages of citizen %d: %w", citizenID, err)
	}
	return msgs, nil
}
