// Package storage keeps Sigap's state: it implements sigap.Store and
// sigap.Tx on one SQLite file (github.com/mattn/go-sqlite3), the default,
// or on a PostgreSQL database (github.com/jackc/pgx/v5) that several
// instances share. The queries are written once for both; the schema is in
// embedded, numbered migrations, one folder per engine.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/pemkab-kebumen/sigap"
)

// DB is an open Sigap database. Writes go through one connection, so
// transactions never fight over the write lock: concurrent updates are
// grouped into shared transactions by the committer (group commit), each
// in a savepoint of its own. Reads use a pool that, in WAL mode, runs
// alongside the writer.
type DB struct {
	// path is the SQLite file, ":memory:", or the PostgreSQL URL without
	// its password: how messages name the database.
	path   string
	driver string // the registered database/sql driver: sqlite3Driver but in tests
	writer *sql.DB
	reader *sql.DB
	// shared is true when reader and writer are the same handle: the
	// single connection of ":memory:", which must be made read-only for
	// each View by hand, or PostgreSQL's pool.
	shared bool
	now    sigap.Clock
	log    *slog.Logger
	// batch, while Batch runs, is the transaction every Update and View
	// shares.
	batch atomic.Pointer[batch]
	// group commits every Update made outside a Batch.
	group *committer
	// wal copies the WAL into the database file beside the writer; nil
	// for ":memory:".
	wal *walCopier
	// litestream leaves checkpoints to Litestream (WithLitestream).
	litestream bool
	writes     writeHealth
	// pg is set when the database is PostgreSQL's.
	pg *postgres
	// leaseTTL is how long a lease on PostgreSQL lasts unless renewed.
	leaseTTL time.Duration
	// wrapSync, in tests, wraps the fsync of the group commit's WAL.
	wrapSync func(sync func() error) func() error
}

// Option changes how Open sets up a DB.
type Option func(*DB)

// WithClock sets the clock that stamps times a caller left zero (when a
// citizen, message, ticket or outbound message was created, when a ticket
// was updated) and times no method is given (when an outbound message
// failed, when a setting was put). Replay must pass its simulated clock:
// an outbound message enqueued at a real "now" would never fall due on
// simulated time. The default is time.Now.
func WithClock(now sigap.Clock) Option {
	return func(db *DB) { db.now = now }
}

// WithLogger sets where the database reports upkeep that took long or
// failed without failing a caller (the one-time VACUUM that turns on
// incremental vacuum, the incremental vacuum itself). The default is
// slog.Default().
func WithLogger(log *slog.Logger) Option {
	return func(db *DB) { db.log = log }
}

// withDriver opens the database through another registered driver: a
// test's wrapper of sqlite3Driver that counts statements.
func withDriver(name string) Option {
	return func(db *DB) { db.driver = name }
}

// withWALSync wraps the fsync that makes a group's commit durable: a
// test's way to hold it or to make it fail.
func withWALSync(wrap func(sync func() error) func() error) Option {
	return func(db *DB) { db.wrapSync = wrap }
}

// sqlite3Driver is go-sqlite3 with the settings no connection parameter
// gives (see setUpConn).
const sqlite3Driver = "sigap_sqlite3"

func init() {
	sql.Register(sqlite3Driver, &sqlite3.SQLiteDriver{ConnectHook: setUpConn})
}

// setUpConn keeps temporary tables and the statement journal of each
// savepoint in memory: on a file they cost a write per changed page, the
// most of all writes of a grouped update. It turns off the automatic
// checkpoint, which would copy the WAL back inside a commit: walCopier
// does it beside the writer. (Only the writer's connection commits, but
// the setting is harmless on the others.)
func setUpConn(c *sqlite3.SQLiteConn) error {
	_, err := c.Exec("PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0", nil)
	return err
}

// The writer's settings, and why:
//   - synchronous=FULL: a commit is on disk, not only in the OS's cache, when
//     it returns, so what Sigap acknowledged to a platform survives a power
//     cut; group commit pays the fsync once for many updates.
//   - _txlock=immediate: the write lock is taken at BEGIN rather than at the
//     first write, so two writers never deadlock upgrading their read locks.
//   - _auto_vacuum=incremental: pages freed by deletions (pruned outbox
//     messages, anonymised threads) can be given back to the file system a
//     few at a time (see vacuum.go); on an existing file it takes a VACUUM
//     once, which Open runs.
//   - _stmt_cache_size: each statement is prepared once per connection and
//     reused; 128 holds every statement of the write path.
//   - _cache_size: 32 MiB of page cache (SQLite's default is 2 MiB) keeps the
//     indexes an inbound message touches in memory on a large database.
//   - _secure_delete: what a change removes is overwritten with zeros, so
//     erased personal data does not linger in the file's free space.
const writerParams = "_journal_mode=WAL&_foreign_keys=1&_busy_timeout=5000&_synchronous=FULL" +
	"&_txlock=immediate&_auto_vacuum=incremental&_stmt_cache_size=128&_cache_size=-32768&_secure_delete=1"

// Readers have 16 MiB of page cache each: a page of a list reads a few
// thousand rows of tickets and their citizens.
const readerParams = "_query_only=1&_busy_timeout=5000&_txlock=deferred&_stmt_cache_size=64&_cache_size=-16384"

// Open opens or creates the database a --db value names and brings its
// schema up to date: the path of a SQLite file, ":memory:" for a private
// in-memory database (tests), or a postgres:// URL naming a PostgreSQL
// database that exists. It is the one way into a database: the engine is
// chosen here by the value's form.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" {
		return nil, sigap.Errorf(sigap.EINVALID, "storage: no database path given")
	}
	if IsPostgres(path) {
		return openPostgres(ctx, path, opts...)
	}
	if scheme, ok := urlScheme(path); ok {
		return nil, sigap.Errorf(sigap.EINVALID, "storage: database %q: %s:// is not supported; give the path of a SQLite file or a postgres:// URL", redactURL(path), scheme)
	}
	db := &DB{path: path, driver: sqlite3Driver, now: time.Now, log: slog.Default()}
	for _, o := range opts {
		o(db)
	}
	if err := db.openHandles(); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	// The writer connects first: it switches the file to WAL mode before
	// any reader opens it.
	if err := db.writer.PingContext(ctx); err != nil {
		db.closeHandles()
		return nil, openError(path, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.closeHandles()
		return nil, openError(path, err)
	}
	if err := db.enableIncrementalVacuum(ctx); err != nil {
		db.closeHandles()
		return nil, openError(path, err)
	}
	db.group = startCommitter(db)
	return db, nil
}

// openHandles opens the writer and the readers.
func (db *DB) openHandles() error {
	var err error
	if db.path == ":memory:" {
		// Every connection to ":memory:" is a database of its own, so one
		// connection serves both reads and writes.
		if db.writer, err = sql.Open(db.driver, "file::memory:?"+writerParams); err != nil {
			return err
		}
		db.writer.SetMaxOpenConns(1)
		db.writer.SetConnMaxLifetime(0)
		db.writer.SetConnMaxIdleTime(0)
		db.reader, db.shared = db.writer, true
		return nil
	}
	// Clean turns a leading "//" into "/": in a URI it would start a host
	// name.
	uri := "file:" + escapePath(filepath.Clean(db.path))
	if db.writer, err = sql.Open(db.driver, uri+"?"+writerParams); err != nil {
		return err
	}
	db.writer.SetMaxOpenConns(1)
	if db.reader, err = sql.Open(db.driver, uri+"?"+readerParams); err != nil {
		db.writer.Close()
		return err
	}
	db.reader.SetMaxOpenConns(max(4, runtime.NumCPU()))
	if db.litestream {
		return nil // Litestream copies the WAL back itself, once replicated
	}
	if db.wal, err = startWALCopier(db, uri); err != nil {
		db.writer.Close()
		db.reader.Close()
		return err
	}
	return nil
}

func (db *DB) closeHandles() error {
	err := errors.Join(db.wal.close(), db.writer.Close())
	if !db.shared {
		err = errors.Join(err, db.reader.Close())
	}
	return err
}

// urlScheme returns the scheme of a --db value that is a URL
// ("postgres://…") rather than a file name.
func urlScheme(path string) (string, bool) {
	scheme, _, ok := strings.Cut(path, "://")
	return scheme, ok && !strings.ContainsAny(scheme, `/\.`)
}

// openError says plainly when the file is not a database at all, the
// mistake an operator is most likely to make with --db.
func openError(path string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrNotADB {
		return fmt.Errorf("storage: open %s: not a SQLite database: %w", path, err)
	}
	return fmt.Errorf("storage: open %s: %w", path, err)
}

// escapePath turns a file name into the path part of an SQLite URI.
func escapePath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// Close waits for the updates already submitted to commit, refuses new
// ones, and closes the database, first letting SQLite refresh the
// statistics its query planner uses, as its documentation advises.
func (db *DB) Close() error {
	if db.group != nil {
		db.group.stop()
	}
	var err error
	if db.pg == nil {
		_, err = db.writer.Exec("PRAGMA optimize")
	}
	if err = errors.Join(err, db.closeHandles()); err != nil {
		return fmt.Errorf("storage: close %s: %w", db.path, err)
	}
	return nil
}

// SharedSQL returns the writer handle and the name of its SQL dialect, for
// a library that keeps its own tables in Sigap's database (whatsmeow's
// sqlstore, which takes "sqlite3" or "postgres"). On SQLite the handle
// allows one connection at a time: a caller must not use it inside Update.
func (db *DB) SharedSQL() (handle *sql.DB, dialect string) {
	if db.pg != nil {
		return db.writer, "postgres"
	}
	return db.writer, "sqlite3"
}

// Shared reports whether several sigap serve may use the database at once
// (PostgreSQL), one of them holding the lease; on SQLite one process
// serves it.
func (db *DB) Shared() bool { return db.pg != nil }

// Name is how messages name the database: the SQLite file, or the
// PostgreSQL URL without its password.
func (db *DB) Name() string { return db.path }

// newTx is a Tx of one of the database's transactions.
func (db *DB) newTx(sqlTx sqlTx) *Tx {
	return &Tx{tx: conn{tx: sqlTx, pg: db.pg != nil}, now: db.now}
}

// newSharedTx is a Tx of a transaction that holds other updates too.
func (db *DB) newSharedTx(sqlTx sqlTx) *Tx {
	tx := db.newTx(sqlTx)
	tx.tx.shared = true
	return tx
}

// Update runs fn in a write transaction and commits it unless fn returns an
// error, which is returned as is; it returns once the commit is durable.
// Updates made at the same time share one transaction, each in a savepoint
// of its own (see committer), so one that fails rolls back alone. fn runs
// on the committer's goroutine, without ctx's cancellation (a caller that
// stops waiting must not undo the others' work); an update whose ctx has
// ended before it starts is not run. fn must not call Update, which would
// wait for itself, nor View on ":memory:", which has one connection.
// On PostgreSQL each Update is a transaction of its own, and fn may run
// more than once (see pgUpdate), so it changes nothing outside the
// transaction but through OnCommit.
func (db *DB) Update(ctx context.Context, fn func(sigap.Tx) error) error {
	if b := db.batch.Load(); b != nil {
		return b.update(ctx, fn)
	}
	if db.pg != nil {
		return db.pgUpdate(ctx, fn)
	}
	return db.group.update(ctx, fn)
}

// View runs fn in a read-only transaction, which sees one consistent
// snapshot of the database. fn's error is returned as is.
func (db *DB) View(ctx context.Context, fn func(sigap.Tx) error) error {
	if b := db.batch.Load(); b != nil {
		tx := db.newSharedTx(b.tx)
		if err := fn(tx); err != nil {
			return err
		}
		tx.committed()
		return nil
	}
	if db.pg != nil {
		return db.pgView(ctx, fn)
	}
	sqlTx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	defer sqlTx.Rollback()
	if db.shared {
		// The connection is also the writer's: forbid writes for this
		// transaction only. query_only is not transactional, hence the reset.
		if _, err := sqlTx.ExecContext(ctx, "PRAGMA query_only = ON"); err != nil {
			return fmt.Errorf("storage: begin: %w", err)
		}
		defer sqlTx.ExecContext(context.WithoutCancel(ctx), "PRAGMA query_only = OFF")
	}
	tx := db.newTx(sqlTx)
	if err := fn(tx); err != nil {
		return err
	}
	tx.committed()
	return nil
}

var _ sigap.Store = (*DB)(nil)
