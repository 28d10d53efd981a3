package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/pemkab-kebumen/sigap"
)

// batchUpdates is how many updates a batch commits at once: enough to
// spare most of the per-commit cost, few enough to keep the WAL small.
const batchUpdates = 512

// batch is the transaction a Batch's updates share.
type batch struct {
	db      *DB
	tx      writeTx
	updates int
}

// Batch runs fn with every Update and View it makes grouped into shared
// transactions, committed every batchUpdates updates and when fn returns.
// Each Update still runs in a savepoint of its own, so one that fails
// rolls back alone, as it would outside a batch, and its OnCommit hooks run
// when its savepoint is released; updates that succeeded are committed even
// when fn then fails. A crash loses at most the updates of
// the batch not yet committed, which a replay simply applies again.
//
// Batch is for one goroutine loading many events (sigap replay): nothing
// else may use db until it returns, and Views see the batch's own writes.
func (db *DB) Batch(ctx context.Context, fn func() error) (err error) {
	if db.batch.Load() != nil {
		// Beginning would wait forever for the one writer connection.
		return errors.New("storage: a batch is already running")
	}
	b := &batch{db: db}
	if err := b.begin(ctx); err != nil {
		return err
	}
	db.batch.Store(b)
	defer db.batch.Store(nil)
	fnErr := fn()
	if err := b.commit(ctx); err != nil {
		return errors.Join(fnErr, fmt.Errorf("storage: commit batch: %w", err))
	}
	db.wal.grew()
	return fnErr
}

// begin starts the batch's transaction, which outlives the update whose
// context begins it: database/sql would roll it back when that context
// ends. On SQLite it is a connTx.
func (b *batch) begin(ctx context.Context) error {
	var tx writeTx
	var err error
	if b.db.pg != nil {
		tx, err = b.db.writer.BeginTx(context.WithoutCancel(ctx), nil)
	} else {
		tx, err = b.db.beginConn(ctx)
	}
	if err != nil {
		return fmt.Errorf("storage: begin batch: %w", err)
	}
	b.tx, b.updates = tx, 0
	return nil
}

// update runs fn in a savepoint of the batch's transaction.
// Its savepoint statements, like its own, ignore ctx's cancellation (see
// conn.shared): a RELEASE cut short would leave the update's writes in
// the batch while its caller is told it failed.
func (b *batch) update(ctx context.Context, fn func(sigap.Tx) error) error {
	ctx = context.WithoutCancel(ctx)
	if _, err := b.tx.ExecContext(ctx, "SAVEPOINT batch_update"); err != nil {
		return fmt.Errorf("storage: savepoint: %w", err)
	}
	tx := b.db.newSharedTx(b.tx)
	if err := fn(tx); err != nil {
		if e := rollbackTo(ctx, b.tx, "batch_update"); e != nil {
			return errors.Join(err, e)
		}
		return err
	}
	if _, err := b.tx.ExecContext(ctx, "RELEASE batch_update"); err != nil {
		return fmt.Errorf("storage: release savepoint: %w", err)
	}
	// The batch's own readers see the update from here on; a crash before
	// the batch commits loses it with the rest, which a replay applies
	// again.
	tx.committed()
	if b.updates++; b.updates < batchUpdates {
		return nil
	}
	if err := b.commit(ctx); err != nil {
		return fmt.Errorf("storage: commit batch: %w", err)
	}
	b.db.wal.grew()
	return b.begin(ctx)
}

// commit brings the search documents up to date and commits the batch's
// transaction.
func (b *batch) commit(ctx context.Context) error {
	if err := b.db.refreshSearch(ctx, b.tx); err != nil {
		b.tx.Rollback()
		return err
	}
	return b.tx.Commit()
}

// rollbackTo undoes and ends a savepoint, leaving the rest of the
// transaction as it was.
func rollbackTo(ctx context.Context, tx sqlTx, name string) error {
	_, rbErr := tx.ExecContext(ctx, "ROLLBACK TO "+name)
	_, relErr := tx.ExecContext(ctx, "RELEASE "+name)
	if err := errors.Join(rbErr, relErr); err != nil {
		return fmt.Errorf("storage: roll back savepoint: %w", err)
	}
	return nil
}
