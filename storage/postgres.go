package storage

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/pemkab-kebumen/sigap"
)

// pgPoolSize bounds the connections one instance opens: the web's readers,
// the writers and whatsmeow share them; the lease and the listener have
// their own.
const pgPoolSize = 16

// Serialization failures are retried this many times, after a short,
// growing, random pause, before Update gives up with ECONFLICT.
const (
	pgAttempts  = 12
	pgFirstWait = 2 * time.Millisecond
	pgMaxWait   = 200 * time.Millisecond
)

// postgres is what a DB on PostgreSQL holds besides the pool.
type postgres struct {
	// config opens the lease's and the listener's connections of their
	// own, with the same settings as the pool's.
	config *pgx.ConnConfig
	// schema is the schema Sigap's tables live in (the URL's search_path,
	// else the user's default). It names the notification channel and
	// the advisory locks, which are the database's, not the schema's, so
	// that two Sigaps in two schemas of one database never meet.
	schema string
	// instance tells this process's writes apart in the notifications: it
	// is the connections' sigap.instance setting, which the triggers put
	// in each notification, so that an instance ignores its own.
	instance string
}

// IsPostgres reports whether a --db value is a PostgreSQL connection URL.
func IsPostgres(value string) bool {
	return strings.HasPrefix(value, "postgres://") || strings.HasPrefix(value, "postgresql://")
}

// redactURL is a connection URL fit for a log or an error: no password.
func redactURL(value string) string {
	u, err := url.Parse(value)
	if err != nil {
		return "the PostgreSQL URL given" // unparsable: it may hold a password anywhere
	}
	return u.Redacted()
}

// openPostgres opens the PostgreSQL database a URL names and brings its
// schema up to date.
func openPostgres(ctx context.Context, value string, opts ...Option) (*DB, error) {
	name := redactURL(value)
	config, err := pgx.ParseConfig(value)
	if err != nil {
		// pgx's message repeats the URL with its password masked.
		return nil, sigap.Errorf(sigap.EINVALID, "storage: database %s: %v", name, err)
	}
	instance := make([]byte, 8)
	crand.Read(instance)
	pg := &postgres{config: config, instance: hex.EncodeToString(instance)}
	config.RuntimeParams["sigap.instance"] = pg.instance
	if config.RuntimeParams["application_name"] == "" {
		config.RuntimeParams["application_name"] = "sigap"
	}
	db := &DB{path: name, now: time.Now, pg: pg, leaseTTL: DefaultLeaseTTL}
	for _, o := range opts {
		o(db)
	}
	db.writer = stdlib.OpenDB(*config)
	db.writer.SetMaxOpenConns(pgPoolSize)
	db.writer.SetMaxIdleConns(pgPoolSize)
	db.writer.SetConnMaxIdleTime(5 * time.Minute)
	db.reader, db.shared = db.writer, true
	err = db.writer.QueryRowContext(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&pg.schema)
	if err == nil && pg.schema == "" {
		err = errors.New("no schema to keep Sigap's tables in: the URL's search_path names none that exists")
	}
	if err == nil {
		err = db.migrate(ctx)
	}
	if err != nil {
		db.writer.Close()
		return nil, fmt.Errorf("storage: open %s: %w", name, err)
	}
	return db, nil
}

// pgUpdate runs fn in a serializable transaction, which behaves as if no
// other transaction ran at the same time, as SQLite's single writer does.
// When PostgreSQL finds that it conflicted with a concurrent one, it is
// rolled back and run again from the start, with its OnCommit hooks
// forgotten.
func (db *DB) pgUpdate(ctx context.Context, fn func(sigap.Tx) error) error {
	wait := pgFirstWait
	for attempt := 1; ; attempt++ {
		err := db.pgUpdateOnce(ctx, fn)
		if !isSerializationFailure(err) {
			db.writes.note(err)
			return err
		}
		if attempt == pgAttempts {
			return &sigap.Error{Code: sigap.ECONFLICT,
				Message: fmt.Sprintf("storage: a change conflicted with concurrent ones %d times; try again: %v", pgAttempts, err)}
		}
		pause := time.NewTimer(wait/2 + rand.N(wait))
		select {
		case <-ctx.Done():
			pause.Stop()
			return err
		case <-pause.C:
		}
		wait = min(2*wait, pgMaxWait)
	}
}

func (db *DB) pgUpdateOnce(ctx context.Context, fn func(sigap.Tx) error) error {
	return db.pgTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable}, true, fn)
}

// pgView runs fn in a read-only transaction that sees one snapshot.
func (db *DB) pgView(ctx context.Context, fn func(sigap.Tx) error) error {
	return db.pgTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, false, fn)
}

// pgTx runs fn in a transaction begun with opts, committed when commit
// (else rolled back, having read), and then runs its OnCommit hooks.
func (db *DB) pgTx(ctx context.Context, opts *sql.TxOptions, commit bool, fn func(sigap.Tx) error) error {
	sqlTx, err := db.writer.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	defer sqlTx.Rollback()
	tx := db.newTx(sqlTx)
	if err := fn(tx); err != nil {
		return err
	}
	if commit {
		if err := sqlTx.Commit(); err != nil {
			return fmt.Errorf("storage: commit: %w", err)
		}
	}
	tx.committed()
	return nil
}

// isSerializationFailure reports whether err is PostgreSQL's way of saying
// that a transaction lost a race with a concurrent one and may simply run
// again: a serialization failure or a deadlock.
func isSerializationFailure(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// postgresFailure reports whether err is PostgreSQL failing to write (it
// cannot be reached, is out of disk or memory, shutting down, or is a
// read-only standby), as opposed to refusing what it was asked.
func postgresFailure(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || errors.Is(err, driver.ErrBadConn) || pgconn.Timeout(err) {
		return true
	}
	code := pgCode(err)
	switch {
	case code == "":
		var ne net.Error
		return errors.As(err, &ne)
	case code == "25006": // read_only_sql_transaction
		return true
	}
	switch code[:2] {
	case "08", "53", "57", "58": // connection, resources, operator intervention, system
		return true
	}
	return false
}

// pgCode is the SQLSTATE of a PostgreSQL error in err's chain, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// connect opens a connection of its own to the database, outside the
// pool, for what must hold one for long: the lease and the listener.
func (pg *postgres) connect(ctx context.Context) (*pgx.Conn, error) {
	return pgx.ConnectConfig(ctx, pg.config.Copy())
}

// lockKey is the advisory lock key of what, in this schema.
func (pg *postgres) lockKey(what string) string { return "sigap." + pg.schema + "." + what }

// pgVacuum frees the space of the rows erasure changed or deleted: the
// tables that hold personal data, whatsmeow's included. VACUUM runs
// outside a transaction, on the pool.
func (db *DB) pgVacuum(ctx context.Context) error {
	var tables []string
	rs, err := db.writer.QueryContext(ctx, `SELECT quote_ident(table_name) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
		AND (table_name LIKE 'whatsmeow\_%' OR table_name = ANY ($1))`,
		[]string{"citizens", "messages", "tickets", "ticket_words", "examples", "faq_paraphrases", "faq_negatives",
			"audit", "outbox", "held_messages", "set_aside", "meta_comments", "meta_contacts"})
	if err == nil {
		for rs.Next() {
			var t string
			if err = rs.Scan(&t); err != nil {
				break
			}
			tables = append(tables, t)
		}
		err = errors.Join(err, rs.Err(), rs.Close())
	}
	if err == nil && len(tables) > 0 {
		_, err = db.writer.ExecContext(ctx, "VACUUM "+strings.Join(tables, ", "))
	}
	if err != nil {
		return fmt.Errorf("storage: vacuum: %w", err)
	}
	return nil
}
