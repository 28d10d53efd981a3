package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

const ticketColumns = `t.id, t.code, t.citizen_id, t.opd, t.status, t.subject, t.faq, t.assignee,
	t.first_responder, t.created_at, t.first_response_due, t.resolution_due, t.first_response_at,
	t.resolved_at, t.paused_at, t.paused_work, t.rating, t.updated_at`

// ticketDest lists where scanning ticketColumns puts each one, so queries
// that add columns can append their own destinations.
func ticketDest(t *sigap.Ticket) []any {
	return []any{&t.ID, &t.Code, &t.CitizenID, &t.OPD, &t.Status, &t.Subject, &t.FAQ, &t.Assignee,
		&t.FirstResponder, timeColumn{&t.CreatedAt}, timeColumn{&t.FirstResponseDue},
		timeColumn{&t.ResolutionDue}, timeColumn{&t.FirstResponseAt}, timeColumn{&t.ResolvedAt},
		timeColumn{&t.PausedAt}, &t.PausedWork, &t.Rating, timeColumn{&t.UpdatedAt}}
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
			paused_at, paused_work, rating, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO NOTHING`,
		t.Code, t.CitizenID, t.OPD, t.Status, t.Subject, t.FAQ, t.Assignee, t.FirstResponder,
		unixNano(created), unixNano(t.FirstResponseDue), unixNano(t.ResolutionDue),
		unixNano(t.FirstResponseAt), unixNano(t.ResolvedAt), unixNano(t.PausedAt),
		int64(t.PausedWork), t.Rating, unixNano(updated))
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
			paused_at = ?, paused_work = ?, rating = ?, updated_at = ?
		WHERE id = ?`,
		t.OPD, t.Status, t.Subject, t.FAQ, t.Assignee, t.FirstResponder,
		unixNano(t.FirstResponseDue), unixNano(t.ResolutionDue), unixNano(t.FirstResponseAt),
		unixNano(t.ResolvedAt), unixNano(t.PausedAt), int64(t.PausedWork), t.Rating,
		unixNano(updated), t.ID)
	if err != nil {
		return err
	}
	t.UpdatedAt = updated
	return nil
}

func (tx *Tx) TicketByCode(ctx context.Context, code string) (*sigap.Ticket, error) {
	return tx.ticket(ctx, sigap.Errorf(sigap.ENOTFOUND, "ticket %s not found", code),
		`SELECT `+ticketColumns+` FROM tickets t WHERE t.code = ?`, code)
}

func (tx *Tx) TicketByID(ctx context.Context, id int64) (*sigap.Ticket, error) {
	return tx.ticket(ctx, sigap.Errorf(sigap.ENOTFOUND, "ticket %d not found", id),
		`SELECT `+ticketColumns+` FROM tickets t WHERE t.id = ?`, id)
}

// OpenTicket returns the citizen's most recent ticket that is not
// resolved.
func (tx *Tx) OpenTicket(ctx context.Context, citizenID int64) (*sigap.Ticket, error) {
	return tx.ticket(ctx, sigap.Errorf(sigap.ENOTFOUND, "citizen %d has no open ticket", citizenID),
		`SELECT `+ticketColumns+` FROM tickets t
		WHERE t.citizen_id = ? AND t.status <> 'resolved'
		ORDER BY t.created_at DESC, t.id DESC LIMIT 1`, citizenID)
}

func (tx *Tx) ticket(ctx context.Context, notFound *sigap.Error, query string, args ...any) (*sigap.Ticket, error) {
	var t sigap.Ticket
	err := tx.tx.QueryRowContext(ctx, query, args...).Scan(ticketDest(&t)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	} else if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", notFound.Message, err)
	}
	return &t, nil
}

// CitizenTickets returns the citizen's newest limit tickets (all when
// limit <= 0), newest first.
func (tx *Tx) CitizenTickets(ctx context.Context, citizenID int64, limit int) ([]sigap.Ticket, error) {
	ts, err := rows(ctx, tx, ticketDest, `SELECT `+ticketColumns+` FROM tickets t
		WHERE t.citizen_id = ? ORDER BY t.created_at DESC, t.id DESC LIMIT ?`, citizenID, limitOrAll(limit))
	if err != nil {
		return nil, fmt.Errorf("storage: tickets of citizen %d: %w", citizenID, err)
	}
	return ts, nil
}

// ListTickets returns tickets with their citizen and the text of their
// last message from the citizen or staff (the bot's acknowledgements and
// internal notes tell a queue nothing). Open tickets come first, most
// urgent first: by the next due time (first response while unanswered,
// resolution after), with pending tickets after them because their
// resolution clock is stopped. Resolved tickets follow, the most recently
// resolved first.
func (tx *Tx) ListTickets(ctx context.Context, f sigap.TicketFilter) ([]sigap.TicketSummary, error) {
	var where []string
	var args []any
	switch f.Status {
	case "open":
		where = append(where, "t.status IN ('open', 'pending')")
	case "resolved":
		where = append(where, "t.status = 'resolved'")
	case "all", "":
	default:
		return nil, sigap.Errorf(sigap.EINVALID, "ticket status filter %q: want open, resolved or all", f.Status)
	}
	if len(f.OPDs) > 0 {
		where = append(where, "t.opd IN (?"+strings.Repeat(", ?", len(f.OPDs)-1)+")")
		for _, o := range f.OPDs {
			args = append(args, o)
		}
	}
	query := `SELECT ` + ticketColumns + `, ` + prefixed("c.", citizenColumns) + `,
			COALESCE((SELECT m.text FROM messages m WHERE m.ticket_id = t.id
				AND m.author IN ('citizen', 'staff')
				ORDER BY m.at DESC, m.id DESC LIMIT 1), '')
		FROM tickets t JOIN citizens c ON c.id = t.citizen_id`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	// NULLS FIRST and LAST say what SQLite does by itself and PostgreSQL
	// the other way round.
	query += `
		ORDER BY CASE t.status WHEN 'open' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END,
			CASE WHEN t.status <> 'resolved' THEN
				CASE WHEN t.first_response_at IS NULL THEN t.first_response_due ELSE t.resolution_due END
			END NULLS FIRST,
			t.resolved_at DESC NULLS LAST, t.id`
	query += " LIMIT ?"
	args = append(args, limitOrAll(f.Limit))

	list, err := rows(ctx, tx, summaryDest, query, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: list tickets: %w", err)
	}
	return list, nil
}

// summaryDest lists where scanning a ticket, its citizen and its last
// message puts each column.
func summaryDest(s *sigap.TicketSummary) []any {
	dest := append(ticketDest(&s.Ticket), citizenDest(&s.Citizen)...)
	return append(dest, &s.LastMessage)
}

// prefixed qualifies each column of a comma-separated list with a table
// alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
