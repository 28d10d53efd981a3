package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

const ticketColumns = `t.id, t.code, t.citizen_id, t.opd, t.status, t.subject, t.faq, t.assignee,
	t.first_responder, t.created_at, t.first_response_due, t.resolution_due, t.first_response_at,
	t.resolved_at, t.paused_at, t.paused_work, t.rating, t.updated_at, t.merged_into`

// ticketDest lists where scanning ticketColumns puts each one, so queries
// that add columns can append their own destinations.
func ticketDest(t *sigap.Ticket) []any {
	return []any{&t.ID, &t.Code, &t.CitizenID, &t.OPD, &t.Status, &t.Subject, &t.FAQ, &t.Assignee,
		&t.FirstResponder, timeColumn{&t.CreatedAt}, timeColumn{&t.FirstResponseDue},
		timeColumn{&t.ResolutionDue}, timeColumn{&t.FirstResponseAt}, timeColumn{&t.ResolvedAt},
		timeColumn{&t.PausedAt}, &t.PausedWork, &t.Rating, timeColumn{&t.UpdatedAt}, idColumn{&t.MergedInto}}
}

// CreateTicket stores t and fills its ID; a Code already used gives
// ECONFLICT. A zero CreatedAt is stamped by the clock, a zero UpdatedAt
// set to CreatedAt.
func (tx *Tx) CreateTicket(ctx context.Context, t *sigap.Ticket) error {
	created := tx.stampIfZero(t.CreatedAt)
	updated := created
	if !t.UpdatedAt.IsZero() {
		updated = t.UpdatedAt.UTC()
	}
	// A used code inserts nothing rather than failing: a failed statement
	// would end a PostgreSQL transaction, and the caller goes on with
	// another code.
	id, err := tx.insert(ctx, `
		INSERT INTO tickets (code, citizen_id, opd, status, subject, faq, assignee, first_responder,
			created_at, first_response_due, resolution_due, first_response_at, resolved_at,
			paused_at, paused_work, rating, updated_at, merged_into)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO NOTHING`,
		t.Code, t.CitizenID, t.OPD, t.Status, t.Subject, t.FAQ, t.Assignee, t.FirstResponder,
		unixNano(created), unixNano(t.FirstResponseDue), unixNano(t.ResolutionDue),
		unixNano(t.FirstResponseAt), unixNano(t.ResolvedAt), unixNano(t.PausedAt),
		int64(t.PausedWork), t.Rating, unixNano(updated), nullID(t.MergedInto))
	if errors.Is(err, sql.ErrNoRows) {
		return sigap.Errorf(sigap.ECONFLICT, "ticket code %s is already used", t.Code)
	} else if err != nil {
		return fmt.Errorf("storage: create ticket %s: %w", t.Code, err)
	}
	t.ID, t.CreatedAt, t.UpdatedAt = id, created, updated
	return nil
}

// UpdateTicket stores every field of t but its ID, Code, CitizenID and
// CreatedAt. The caller sets UpdatedAt by its own clock; a zero one is
// stamped by the store's.
func (tx *Tx) UpdateTicket(ctx context.Context, t *sigap.Ticket) error {
	updated := tx.stampIfZero(t.UpdatedAt)
	err := tx.change(ctx, sigap.Errorf(sigap.ENOTFOUND, "ticket %s not found", t.Code),
		"update ticket "+t.Code, `UPDATE tickets SET
			opd = ?, status = ?, subject = ?, faq = ?, assignee = ?, first_responder = ?,
			first_response_due = ?, resolution_due = ?, first_response_at = ?, resolved_at = ?,
			paused_at = ?, paused_work = ?, rating = ?, updated_at = ?, merged_into = ?
		WHERE id = ?`,
		t.OPD, t.Status, t.Subject, t.FAQ, t.Assignee, t.FirstResponder,
		unixNano(t.FirstResponseDue), unixNano(t.ResolutionDue), unixNano(t.FirstResponseAt),
		unixNano(t.ResolvedAt), unixNano(t.PausedAt), int64(t.PausedWork), t.Rating,
		unixNano(updated), nullID(t.MergedInto), t.ID)
	if err != nil {
		return err
	}
	t.UpdatedAt = updated
	return nil
}

func (tx *Tx) TicketByCode(ctx context.Context, code string) (*sigap.Ticket, error) {
	return one(ctx, tx, ticketDest, sigap.Errorf(sigap.ENOTFOUND, "ticket %s not found", code), "ticket "+code,
		`SELECT `+ticketColumns+` FROM tickets t WHERE t.code = ?`, code)
}

func (tx *Tx) TicketByID(ctx context.Context, id int64) (*sigap.Ticket, error) {
	return one(ctx, tx, ticketDest, sigap.Errorf(sigap.ENOTFOUND, "ticket %d not found", id), fmt.Sprintf("ticket %d", id),
		`SELECT `+ticketColumns+` FROM tickets t WHERE t.id = ?`, id)
}

// OpenTicket returns the citizen's most recent ticket that is not
// resolved. (CAST: see idParam.)
func (tx *Tx) OpenTicket(ctx context.Context, citizenID int64) (*sigap.Ticket, error) {
	return one(ctx, tx, ticketDest, sigap.Errorf(sigap.ENOTFOUND, "citizen %d has no open ticket", citizenID),
		fmt.Sprintf("open ticket of citizen %d", citizenID), `SELECT `+ticketColumns+` FROM tickets t
		WHERE t.citizen_id = `+idParam+` AND t.status <> 'resolved'
		ORDER BY t.created_at DESC, t.id DESC LIMIT 1`, citizenID)
}

const citizenTicketsQuery = `SELECT ` + ticketColumns + ` FROM tickets t
	WHERE t.citizen_id = ` + idParam + ` ORDER BY t.created_at DESC, t.id DESC LIMIT `

// CitizenTickets returns the citizen's newest limit tickets (all when
// limit <= 0), newest first.
func (tx *Tx) CitizenTickets(ctx context.Context, citizenID int64, limit int) ([]sigap.Ticket, error) {
	ts, err := rows(ctx, tx, ticketDest, citizenTicketsQuery+limitText(limit), citizenID)
	if err != nil {
		return nil, fmt.Errorf("storage: tickets of citizen %d: %w", citizenID, err)
	}
	return ts, nil
}

const mergedTicketsQuery = `SELECT ` + ticketColumns + ` FROM tickets t
	WHERE t.merged_into = ` + idParam + ` ORDER BY t.id`

// MergedTickets returns the tickets merged into the ticket id, oldest
// first.
func (tx *Tx) MergedTickets(ctx context.Context, id int64) ([]sigap.Ticket, error) {
	ts, err := rows(ctx, tx, ticketDest, mergedTicketsQuery, id)
	if err != nil {
		return nil, fmt.Errorf("storage: tickets merged into %d: %w", id, err)
	}
	return ts, nil
}
