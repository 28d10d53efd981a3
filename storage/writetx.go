package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
)

// sqlTx is what a Tx's statements run on: a database/sql transaction, or
// a connTx.
type sqlTx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// writeTx is a write transaction that holds other callers' updates (a
// group's or a batch's).
type writeTx interface {
	sqlTx
	Commit() error
	Rollback() error
}

// connTx is a write transaction on SQLite's writer connection, begun and
// ended with SQL of its own instead of a database/sql Tx. A Tx watches its
// context for every query it runs, on a goroutine of its own that the
// query's end wakes again (database/sql's Rows.awaitDone), even when that
// context can never be cancelled, as a group's and a batch's cannot: those
// hand-offs cost a group more than most of its statements. Its statements
// ignore cancellation, as a shared transaction's must (see conn.shared).
type connTx struct {
	c *sql.Conn
	// relaxed is set when the transaction commits with
	// synchronous=NORMAL, its fsync left to a walSyncer: the connection
	// goes back with synchronous=FULL.
	relaxed bool
}

// beginConn takes the writer's connection and begins a write transaction
// on it, taking the write lock at once, as _txlock=immediate does for a
// database/sql Tx.
func (db *DB) beginConn(ctx context.Context) (*connTx, error) { return db.beginWrite(ctx, false) }

// beginWrite is beginConn; a relaxed transaction commits without waiting
// for the disk (synchronous=NORMAL): the group commit's, whose callers a
// walSyncer tells of the outcome once the WAL is flushed.
func (db *DB) beginWrite(ctx context.Context, relaxed bool) (*connTx, error) {
	ctx = context.WithoutCancel(ctx)
	c, err := db.writer.Conn(ctx)
	if err != nil {
		return nil, err
	}
	t := &connTx{c: c}
	if relaxed {
		if _, err := c.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
			return nil, errors.Join(err, t.release())
		}
		t.relaxed = true
	}
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return nil, errors.Join(err, t.release())
	}
	return t, nil
}

func (t *connTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.c.ExecContext(context.WithoutCancel(ctx), query, args...)
}

func (t *connTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.c.QueryContext(context.WithoutCancel(ctx), query, args...)
}

func (t *connTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.c.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}

// Commit commits and gives the connection back. A COMMIT that failed may
// leave the transaction open, which a ROLLBACK ends, as go-sqlite3's own
// Commit does: the connection goes back with no transaction either way.
func (t *connTx) Commit() error {
	ctx := context.Background()
	_, err := t.c.ExecContext(ctx, "COMMIT")
	if err != nil {
		t.c.ExecContext(ctx, "ROLLBACK")
	}
	return errors.Join(err, t.release())
}

// Rollback rolls back and gives the connection back.
func (t *connTx) Rollback() error {
	_, err := t.c.ExecContext(context.Background(), "ROLLBACK")
	return errors.Join(err, t.release())
}

// release gives the connection back, with synchronous=FULL again if the
// transaction relaxed it. A connection that cannot be set back is
// dropped, so no other write on it skips the fsync.
func (t *connTx) release() error {
	if t.relaxed {
		if _, err := t.c.ExecContext(context.Background(), "PRAGMA synchronous = FULL"); err != nil {
			t.c.Raw(func(any) error { return driver.ErrBadConn })
			return errors.Join(fmt.Errorf("storage: set synchronous=FULL again: %w", err), t.c.Close())
		}
	}
	return t.c.Close()
}
