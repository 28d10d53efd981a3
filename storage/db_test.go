package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sigap.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c := addCitizen(t, db, "tg:1001")
	addTicket(t, db, c.ID, "KBM-AAAAA", "DPUPR", t0)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	for i := range 2 {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen %d: %v", i+1, err)
		}
		view(t, db, func(tx sigap.Tx) error {
			tk, err := tx.TicketByCode(ctx, "KBM-AAAAA")
			if err != nil {
				return err
			}
			if tk.CitizenID != c.ID {
				t.Errorf("reopen %d: ticket of citizen %d, want %d", i+1, tk.CitizenID, c.ID)
			}
			return nil
		})
		var versions, latest int
		err = db.writer.QueryRow("SELECT COUNT(*), MAX(version) FROM schema_version").Scan(&versions, &latest)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := db.engineMigrations()
		if err != nil {
			t.Fatal(err)
		}
		if versions != len(ms) || latest != len(ms) {
			t.Errorf("reopen %d: %d schema versions up to %d, want each of 1..%d once", i+1, versions, latest, len(ms))
		}
		db.Close()
	}
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	garbage := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("this is not a database\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}

	newer := filepath.Join(dir, "newer.db")
	db, err := Open(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.writer.Exec("INSERT INTO schema_version (version, applied_at) VALUES (9999, 0)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tests := []struct {
		name string
		path string
		want []string // in the error text
	}{
		{"a file that is not SQLite", garbage, []string{garbage, "not a SQLite database"}},
		{"a schema newer than the program", newer, []string{newer, "schema version 9999 is newer", "upgrade sigap"}},
		{"no path", "", []string{"no database path"}},
		{"a missing directory", filepath.Join(dir, "missing", "sigap.db"), []string{filepath.Join(dir, "missing", "sigap.db")}},
		{"an engine Sigap does not know", "mysql://sigap:secret@db/sigap", []string{"mysql:// is not supported", "postgres://"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(ctx, tt.path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}

	// The garbage is left as it was.
	if b, _ := os.ReadFile(garbage); !strings.HasPrefix(string(b), "this is not a database") {
		t.Error("Open changed the file it refused")
	}
}

func TestPathsThatAreNotURIs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, path := range []string{
		filepath.Join(dir, "data #1?50%.db"),
		"/" + filepath.Join(dir, "double-slash.db"),
	} {
		t.Run(path, func(t *testing.T) {
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			addCitizen(t, db, "tg:1001")
			view(t, db, func(tx sigap.Tx) error {
				_, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: "1001"})
				return err
			})
			db.Close()
			if _, err := os.Stat(path); err != nil {
				t.Errorf("database not at %s: %v", path, err)
			}
		})
	}
}

// TestViewDuringUpdate checks that in WAL mode a reader neither waits for a
// writer nor sees its uncommitted changes.
func TestViewDuringUpdate(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	addr := sigap.Address{Channel: sigap.Telegram, ID: "1001"}

	written, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- db.Update(ctx, func(tx sigap.Tx) error {
			if _, err := tx.UpsertCitizen(ctx, &sigap.Citizen{Address: addr}); err != nil {
				return err
			}
			close(written)
			<-release
			return nil
		})
	}()
	<-written
	view(t, db, func(tx sigap.Tx) error {
		_, err := tx.CitizenByAddress(ctx, addr)
		wantCode(t, err, sigap.ENOTFOUND)
		return nil
	})
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	view(t, db, func(tx sigap.Tx) error {
		_, err := tx.CitizenByAddress(ctx, addr)
		return err
	})
}

func TestMemoryDatabasesArePrivate(t *testing.T) {
	ctx := context.Background()
	a, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	addCitizen(t, a, "tg:1001")
	view(t, a, func(tx sigap.Tx) error {
		_, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: "1001"})
		return err
	})
	view(t, b, func(tx sigap.Tx) error {
		_, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: "1001"})
		wantCode(t, err, sigap.ENOTFOUND)
		return nil
	})
}
