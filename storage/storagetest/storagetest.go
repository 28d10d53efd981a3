// Package storagetest opens a real database for the tests of the packages
// that use storage, so that each does not write its own helper. The engine
// is SQLite unless SIGAP_TEST_ENGINE=postgres, which runs the same tests
// on the PostgreSQL server SIGAP_TEST_POSTGRES names, each in a schema of
// its own.
package storagetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/internal/pgtest"
)

// Open returns a fresh database of the engine under test, closed when the
// test ends.
func Open(t testing.TB, opts ...storage.Option) *storage.DB {
	t.Helper()
	return open(t, DB(t), opts...)
}

// open opens the database value names, closed when the test ends.
func open(t testing.TB, value string, opts ...storage.Option) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), value, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// DB returns the --db value of a fresh database of the engine under test:
// a file in the test's temporary folder, or a PostgreSQL schema of its own
// (dropped when the test ends).
func DB(t testing.TB) string {
	t.Helper()
	if pgtest.Enabled() {
		return pgtest.URL(t)
	}
	return filepath.Join(t.TempDir(), "sigap.db")
}

// OpenAlone is Open with a database of its own on PostgreSQL too, not a
// schema: for a test that keeps whatsmeow's session tables, whose upgrades
// look a table up by its name in every schema of a database.
func OpenAlone(t testing.TB, opts ...storage.Option) *storage.DB {
	t.Helper()
	value := filepath.Join(t.TempDir(), "sigap.db")
	if pgtest.Enabled() {
		value = pgtest.Database(t)
	}
	return open(t, value, opts...)
}

// Postgres returns the URL of a fresh PostgreSQL schema, whatever the
// engine under test, for a test about PostgreSQL itself. Without
// SIGAP_TEST_POSTGRES the test skips, and fails under CI.
func Postgres(t testing.TB) string {
	t.Helper()
	return pgtest.URL(t)
}

// PostgresAlone is Postgres with a database of its own, not a schema, for
// a test that keeps whatsmeow's tables.
func PostgresAlone(t testing.TB) string {
	t.Helper()
	return pgtest.Database(t)
}

// AuditLog reads a database's whole audit log, most of which is on no
// ticket, as "actor action detail" lines, oldest first.
func AuditLog(t testing.TB, db *storage.DB) []string {
	t.Helper()
	handle, _ := db.SharedSQL()
	rows, err := handle.Query(`SELECT actor || ' ' || action || CASE detail WHEN '' THEN '' ELSE ' ' || detail END FROM audit ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
