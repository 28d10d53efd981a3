package storage

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func pragmaInt(t *testing.T, h *sql.DB, name string) int {
	t.Helper()
	var v int
	if err := h.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOpenTurnsOnIncrementalVacuum opens a database made before Sigap
// turned auto_vacuum on: Open rewrites it once, and its data stays.
func TestOpenTurnsOnIncrementalVacuum(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(`CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept')`); err != nil {
		t.Fatal(err)
	}
	if pragmaInt(t, old, "auto_vacuum") != 0 {
		t.Fatal("the old database already has auto_vacuum")
	}
	old.Close()

	db, err := Open(ctx, path, WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := pragmaInt(t, db.writer, "auto_vacuum"); got != autoVacuumIncremental {
		t.Errorf("auto_vacuum after Open = %d, want %d (incremental)", got, autoVacuumIncremental)
	}
	var text string
	if err := db.reader.QueryRow("SELECT text FROM notes").Scan(&text); err != nil || text != "kept" {
		t.Errorf("the old data after the VACUUM: %q, %v", text, err)
	}
}

// TestVacuumStepGivesBackFreePages deletes most of a database and checks
// that a step shrinks the file, keeping a few free pages for reuse, and
// that a step with little free does nothing.
func TestVacuumStepGivesBackFreePages(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTest(t)
	c := addCitizen(t, db, "tg:1001")
	text := strings.Repeat("jalan rusak ", 300) // about one page per message
	update(t, db, func(tx sigap.Tx) error {
		for range 1500 {
			m := &sigap.Message{CitizenID: c.ID, Channel: sigap.Telegram, Author: sigap.AuthorBot, Text: text}
			if _, err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if _, err := db.writer.Exec("DELETE FROM messages"); err != nil {
		t.Fatal(err)
	}
	pages, free := pragmaInt(t, db.writer, "page_count"), pragmaInt(t, db.writer, "freelist_count")
	if free < keepFree+vacuumPages {
		t.Fatalf("%d free pages after the delete, want more than a step gives back", free)
	}

	db.vacuumStep(ctx)
	// A pointer-map page may go with the free ones.
	if got := pragmaInt(t, db.writer, "page_count"); got > pages-vacuumPages || got < pages-vacuumPages-2 {
		t.Errorf("after a step the file has %d pages, want %d fewer than %d", got, vacuumPages, pages)
	}
	db.vacuumStep(ctx)
	if got := pragmaInt(t, db.writer, "freelist_count"); got != keepFree {
		t.Errorf("after two steps %d pages are free, want %d kept for reuse", got, keepFree)
	}
	pages = pragmaInt(t, db.writer, "page_count")
	db.vacuumStep(ctx)
	if got := pragmaInt(t, db.writer, "page_count"); got != pages {
		t.Errorf("a step with only %d free pages changed the file from %d to %d pages", keepFree, pages, got)
	}
}

// TestWALCopiedBesideTheWriter: the writer's commits no longer checkpoint
// (that waited inside a commit), yet what they wrote reaches the database
// file within moments, copied by walCopier; a reader of the file alone,
// which ignores the WAL, sees it.
func TestWALCopiedBesideTheWriter(t *testing.T) {
	db := openSQLiteTest(t)
	if got := pragmaInt(t, db.writer, "wal_autocheckpoint"); got != 0 {
		t.Errorf("the writer checkpoints every %d pages in its commits, want never (0)", got)
	}
	addCitizen(t, db, "tg:4242")
	// An immutable connection reads the file once: each look is a new one.
	inFile := func() (n int, err error) {
		file, err := sql.Open("sqlite3", "file:"+db.path+"?mode=ro&immutable=1")
		if err != nil {
			return 0, err
		}
		defer file.Close()
		err = file.QueryRow("SELECT COUNT(*) FROM citizens WHERE platform_id = '4242'").Scan(&n)
		return n, err
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := inFile()
		if err == nil && n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the database file has %d such citizens (%v) 5 s after the commit, want 1", n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
