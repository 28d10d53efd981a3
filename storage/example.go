package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// AddExample stores a labelled routing example learnt from a staff
// transfer. The same text for the same OPD is stored once, so a question
// that is often transferred does not outweigh the others; it then names
// the latest ticket it was learnt from, whose citizen is anonymised last.
func (tx *Tx) AddExample(ctx context.Context, e sigap.Example, at time.Time) error {
	// PostgreSQL's unique index is on a digest of the text, which a B-tree
	// entry may be too small to hold.
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO examples (text, opd, created_at, ticket_id) VALUES (?, ?, ?, ?)
		ON CONFLICT `+tx.either("(text, opd)", "(md5(text), opd)")+` DO UPDATE SET ticket_id = excluded.ticket_id`,
		e.Text, e.OPD, unixNano(tx.stampIfZero(at)), nullID(e.TicketID))
	if err != nil {
		return fmt.Errorf("storage: add example for %s: %w", e.OPD, err)
	}
	return nil
}

// Examples returns every learnt example, oldest first.
func (tx *Tx) Examples(ctx context.Context) ([]sigap.Example, error) {
	es, err := rows(ctx, tx, func(e *sigap.Example) []any { return []any{&e.Text, &e.OPD, idColumn{&e.TicketID}} },
		`SELECT text, opd, ticket_id FROM examples ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: examples: %w", err)
	}
	return es, nil
}
