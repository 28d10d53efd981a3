package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// AddExample stores a labelled routing example learnt from a staff
// transfer. The same text for the same OPD is stored once, so a question
// that is often transferred does not outweigh the others.
func (tx *Tx) AddExample(ctx context.Context, e sigap.Example, at time.Time) error {
	// No conflict target: PostgreSQL's unique index is on a digest of the
	// text.
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO examples (text, opd, created_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, e.Text, e.OPD, unixNano(tx.stampIfZero(at)))
	if err != nil {
		return fmt.Errorf("storage: add example for %s: %w", e.OPD, err)
	}
	return nil
}

// Examples returns every learnt example, oldest first.
func (tx *Tx) Examples(ctx context.Context) ([]sigap.Example, error) {
	es, err := rows(ctx, tx, func(e *sigap.Example) []any { return []any{&e.Text, &e.OPD} },
		`SELECT text, opd FROM examples ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: examples: %w", err)
	}
	return es, nil
}
