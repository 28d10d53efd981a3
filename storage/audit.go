package storage

import (
	"context"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

// AddAudit records e and fills its ID; a zero At is stamped by the clock.
// A TicketID of 0 records an action on no ticket.
func (tx *Tx) AddAudit(ctx context.Context, e *sigap.AuditEntry) error {
	at := tx.stampIfZero(e.At)
	id, err := tx.insert(ctx,
		`INSERT INTO audit (at, actor, ticket_id, action, detail) VALUES (?, ?, ?, ?, ?)`,
		unixNano(at), e.Actor, nullID(e.TicketID), e.Action, e.Detail)
	if err != nil {
		return fmt.Errorf("storage: add audit %s by %s: %w", e.Action, e.Actor, err)
	}
	e.ID, e.At = id, at
	return nil
}

// TicketAudit returns a ticket's audit log, oldest first.
func (tx *Tx) TicketAudit(ctx context.Context, ticketID int64) ([]sigap.AuditEntry, error) {
	log, err := rows(ctx, tx, func(e *sigap.AuditEntry) []any {
		return []any{&e.ID, timeColumn{&e.At}, &e.Actor, idColumn{&e.TicketID}, &e.Action, &e.Detail}
	}, `SELECT id, at, actor, ticket_id, action, detail FROM audit WHERE ticket_id = ? ORDER BY id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("storage: audit of ticket %d: %w", ticketID, err)
	}
	return log, nil
}
