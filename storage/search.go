package storage

import (
	"context"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

// refreshSearchQuery deletes the notes of the tickets whose search
// document changed; the trigger on that deletion rebuilds each document,
// all in this one statement (migrations/0020_ticket_words_at_commit.sql).
// The parameter keeps the statement in the writer's cache: go-sqlite3
// prepares a statement without parameters anew each time, and with it
// the trigger's program.
const refreshSearchQuery = `DELETE FROM ticket_words_stale WHERE ticket_id > ?`

// refreshSearch brings the search documents of the tickets changed in tx
// up to date. Each write transaction on SQLite runs it just before its
// commit, so that what is committed is always searchable; it costs one
// statement on an empty table when no ticket's words changed.
func (db *DB) refreshSearch(ctx context.Context, tx sqlTx) error {
	if db.pg != nil {
		return nil // PostgreSQL's documents change with their rows
	}
	if _, err := tx.ExecContext(context.WithoutCancel(ctx), refreshSearchQuery, 0); err != nil {
		return fmt.Errorf("storage: search index: %w", err)
	}
	return nil
}

// refreshSearch brings the search documents up to date inside a write
// transaction, before a search or an optimisation of the index reads them;
// a read-only transaction sees only what committed, which is up to date.
func (tx *Tx) refreshSearch(ctx context.Context) error {
	if tx.tx.pg || !tx.tx.shared {
		return nil
	}
	if _, err := tx.tx.ExecContext(ctx, refreshSearchQuery, 0); err != nil {
		return fmt.Errorf("storage: search index: %w", err)
	}
	return nil
}

// searches reports whether f finds tickets by their words.
func searches(f sigap.TicketFilter) bool {
	return len(searchWords(f.Query)) > 0
}
