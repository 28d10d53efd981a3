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
	db, err := storage.Open(context.Background(), DB(t), opts...)
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

// Postgres returns the URL of a fresh PostgreSQL schema, whatever the
// engine under test, for a test about PostgreSQL itself. Without
// SIGAP_TEST_POSTGRES the test skips, and fails under CI.
func Postgres(t testing.TB) string {
	t.Helper()
	return pgtest.URL(t)
}

// OnPostgres reports whether the engine under test is PostgreSQL.
func OnPostgres() bool { return pgtest.Enabled() }
