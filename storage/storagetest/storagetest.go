// Package storagetest opens a real database for the tests of the packages
// that use storage, so that each does not write its own helper.
package storagetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pemkab-kebumen/sigap/storage"
)

// Open returns a fresh database in a file of the test's temporary folder,
// closed when the test ends.
func Open(t testing.TB, opts ...storage.Option) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "sigap.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
