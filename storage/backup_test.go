package storage

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// TestCopyDatabaseUnderLoad copies the database while writers keep adding
// messages: the copy is whole, passes SQLite's integrity check, and holds
// every message committed before the copy began.
func TestCopyDatabaseUnderLoad(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTest(t)
	c := addCitizen(t, db, "tg:1001")
	var committed atomic.Int64
	add := func() error {
		err := db.Update(ctx, func(tx sigap.Tx) error {
			_, err := tx.AddMessage(ctx, &sigap.Message{CitizenID: c.ID, Channel: sigap.Telegram, Author: sigap.AuthorCitizen,
				Kind: sigap.KindText, Text: strings.Repeat("lampu jalan mati ", 40)})
			return err
		})
		if err == nil {
			committed.Add(1)
		}
		return err
	}
	for range 500 {
		if err := add(); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := add(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for started := committed.Load(); committed.Load() < started+20; {
		if time.Now().After(deadline) {
			t.Fatal("the writers do not get going")
		}
		runtime.Gosched()
	}
	before := committed.Load()
	dst := filepath.Join(t.TempDir(), "copy.db")
	err := CopyDatabase(ctx, db.path, dst)
	after := committed.Load()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := Inspect(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if n := snap.Tables["messages"]; n < before || n > after {
		t.Errorf("the copy holds %d messages; %d were committed before it began and %d when it ended", n, before, after)
	}
	ms, _ := migrations(sqliteMigrations, "migrations")
	if snap.SchemaVersion != len(ms) || snap.Tables["citizens"] != 1 {
		t.Errorf("snapshot %+v, want schema %d and the one citizen", snap, len(ms))
	}
	// The copy opens as a database of its own.
	copied, err := Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	copied.Close()
}

func TestCopyDatabaseOfAClosedDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "sigap.db")
	db, err := Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	addCitizen(t, db, "tg:1001")
	db.Close()
	dst := filepath.Join(dir, "copy.db")
	if err := CopyDatabase(ctx, src, dst); err != nil {
		t.Fatal(err)
	}
	if snap, err := Inspect(ctx, dst); err != nil || snap.Tables["citizens"] != 1 {
		t.Errorf("copy of a closed database: %+v, %v", snap, err)
	}
}

// TestCopyDatabaseLeavesErasedDataOut: VACUUM INTO writes no free pages,
// so what was deleted from the database is not in its copy.
func TestCopyDatabaseLeavesErasedDataOut(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTest(t)
	secureDelete(t, db, false)
	update(t, db, func(tx sigap.Tx) error {
		return tx.PutSetting(ctx, &sigap.Setting{Key: "catatan", Value: strings.Repeat("rumah Larasati di gang Kenanga ", 500)})
	})
	if _, err := db.writer.Exec("DELETE FROM kv WHERE key = 'catatan'"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TruncateWAL(ctx); err != nil {
		t.Fatal(err)
	}
	if raw := databaseBytes(t, db.path); !bytes.Contains(raw, []byte("Kenanga")) {
		t.Fatal("the test needs the erased text in the database's free space")
	}
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := CopyDatabase(ctx, db.path, dst); err != nil {
		t.Fatal(err)
	}
	if raw := databaseBytes(t, dst); bytes.Contains(raw, []byte("Kenanga")) {
		t.Error("the copy holds text erased before it was made")
	}
}

func TestCopyDatabaseRefuses(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTest(t)
	exists := filepath.Join(t.TempDir(), "there.db")
	if err := os.WriteFile(exists, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ src, dst, want string }{
		{"postgres://sigap@db.kebumenkab.go.id/sigap", filepath.Join(t.TempDir(), "x.db"), "pg_dump"},
		{db.path, exists, "already exists"},
		{filepath.Join(t.TempDir(), "missing.db"), filepath.Join(t.TempDir(), "x.db"), "missing.db"},
	} {
		err := CopyDatabase(ctx, tt.src, tt.dst)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("backup %s to %s: %v, want an error saying %q", tt.src, tt.dst, err, tt.want)
		}
	}
	if b, _ := os.ReadFile(exists); string(b) != "x" {
		t.Error("an existing file was overwritten")
	}
}
