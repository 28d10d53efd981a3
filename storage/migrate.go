package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// The migrations of each engine: the same numbers and names in both
// folders, each in its engine's dialect (a test holds them to it).
var (
	//go:embed migrations/*.sql
	sqliteMigrations embed.FS
	//go:embed migrations/postgres/*.sql
	postgresMigrations embed.FS
)

// migration is one numbered schema change, "migrations/0002_outbox.sql"
// being version 2.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations of an engine's folder in
// order. Their numbers must run 1, 2, 3… so that a missing or doubled file
// is caught by every test.
func migrations(files embed.FS, dir string) ([]migration, error) {
	names, err := fs.Glob(files, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, dir+"/")
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number, as in 0001_init.sql", name)
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: version, name: base, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// engineMigrations are the migrations of the database's engine.
func (db *DB) engineMigrations() ([]migration, error) {
	if db.pg != nil {
		return migrations(postgresMigrations, "migrations/postgres")
	}
	return migrations(sqliteMigrations, "migrations")
}

// migrate applies the migrations the database has not seen yet, all in one
// transaction, so a failed upgrade leaves the database as it was. On
// PostgreSQL instances starting together take turns: the first upgrades,
// the others then find nothing left to do.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := db.engineMigrations()
	if err != nil {
		return err
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	versions := `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`
	if db.pg != nil {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, db.pg.lockKey("migrate")); err != nil {
			return err
		}
		versions = `CREATE TABLE IF NOT EXISTS schema_version (
			version    INTEGER PRIMARY KEY,
			applied_at BIGINT  NOT NULL
		)`
	}
	if _, err := tx.ExecContext(ctx, versions); err != nil {
		return err
	}
	var current int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&current); err != nil {
		return err
	}
	if current > len(ms) {
		return fmt.Errorf("schema version %d is newer than this program knows (%d): upgrade sigap", current, len(ms))
	}
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := (conn{tx: tx, pg: db.pg != nil}).ExecContext(ctx, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
			m.version, unixNano(db.now())); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	// A migration that changed tickets or messages noted their search
	// documents, as any write does.
	if err := db.refreshSearch(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
