package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/pemkab-kebumen/sigap"
)

// fillUp caps the database at the pages it has, as a full disk would: a
// write that needs one more page fails with SQLITE_FULL.
func fillUp(t *testing.T, db *DB) {
	t.Helper()
	var pages int
	if err := db.writer.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
}

// ageWrites moves every write outcome d into the past, as if the
// database had been idle for d since.
func ageWrites(db *DB, d time.Duration) {
	w := &db.writes
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range []*time.Time{&w.ok, &w.failed, &w.probed} {
		if !t.IsZero() {
			*t = t.Add(-d)
		}
	}
}

func TestCheckWritesSeesAFullDatabase(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTest(t)
	c := addCitizen(t, db, "tg:1001")
	if h := db.CheckWrites(ctx); h.Err != nil || h.LastOK.IsZero() {
		t.Fatalf("a fresh database: %+v, want writes working", h)
	}
	// The caller's own mistake says nothing about the database.
	err := db.Update(ctx, func(tx sigap.Tx) error { return sigap.Errorf(sigap.EINVALID, "no") })
	if h := db.CheckWrites(ctx); err == nil || h.Err != nil {
		t.Errorf("after a refused change (%v): %+v, want writes working", err, h)
	}

	fillUp(t, db)
	err = addLongMessage(ctx, db, c.ID)
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrFull {
		t.Fatalf("a write to the full database: %v, want SQLITE_FULL", err)
	}
	h := db.CheckWrites(ctx)
	if h.Err == nil || !errors.Is(h.Err, se) {
		t.Fatalf("after a failed write: %+v, want the failure", h)
	}
	// A probe's small update still fits, but does not hide the failure.
	ageWrites(db, probeAfter)
	if h := db.CheckWrites(ctx); h.Err == nil {
		t.Errorf("after a probe: %+v, want the service's failure still reported", h)
	}

	if _, err := db.writer.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := addLongMessage(ctx, db, c.ID); err != nil {
		t.Fatal(err)
	}
	if h := db.CheckWrites(ctx); h.Err != nil {
		t.Errorf("once a write succeeded again: %+v, want writes working", h)
	}
}

// TestCheckWritesProbesAnIdleDatabase: with no write for a while, the
// probe itself finds a database that refuses writes.
func TestCheckWritesProbesAnIdleDatabase(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTest(t)
	if _, err := db.writer.Exec("PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	ageWrites(db, probeAfter)
	h := db.CheckWrites(ctx)
	if h.Err == nil || !strings.Contains(h.Err.Error(), "readonly") {
		t.Errorf("an idle database that refuses writes: %+v, want the probe's failure", h)
	}
	if _, err := db.writer.Exec("PRAGMA query_only = OFF"); err != nil {
		t.Fatal(err)
	}
	ageWrites(db, probeAfter)
	if h := db.CheckWrites(ctx); h.Err != nil {
		t.Errorf("once it takes writes again: %+v", h)
	}
}
