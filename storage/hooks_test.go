package storage

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func TestOnCommitRunsAfterCommitOnly(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	var ran []string
	update(t, db, func(tx sigap.Tx) error {
		tx.OnCommit(func() { ran = append(ran, "first") })
		tx.OnCommit(func() {
			// The hook sees the committed change.
			view(t, db, func(tx sigap.Tx) error {
				_, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: "1"})
				return err
			})
			ran = append(ran, "second")
		})
		if len(ran) > 0 {
			t.Error("a hook ran before the commit")
		}
		_, err := tx.UpsertCitizen(ctx, &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: "1"}})
		return err
	})
	if !slices.Equal(ran, []string{"first", "second"}) {
		t.Errorf("hooks ran %v, want first then second", ran)
	}

	ran = nil
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx sigap.Tx) error {
		tx.OnCommit(func() { ran = append(ran, "rolled back") })
		return boom
	})
	if !errors.Is(err, boom) || len(ran) > 0 {
		t.Errorf("after a rollback: err %v, hooks ran %v; want boom and none", err, ran)
	}

	ran = nil
	err = db.Batch(ctx, func() error {
		if err := db.Update(ctx, func(tx sigap.Tx) error {
			tx.OnCommit(func() { ran = append(ran, "batched") })
			return nil
		}); err != nil {
			return err
		}
		return db.Update(ctx, func(tx sigap.Tx) error {
			tx.OnCommit(func() { ran = append(ran, "failed in a batch") })
			return boom
		})
	})
	if !errors.Is(err, boom) || !slices.Equal(ran, []string{"batched"}) {
		t.Errorf("in a batch: err %v, hooks ran %v; want boom and only the update that succeeded", err, ran)
	}
}

func TestFileMessage(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	tk := addTicket(t, db, c.ID, "KBM-AAAAA", "DPUPR", t0)
	m := &sigap.Message{CitizenID: c.ID, Channel: sigap.Telegram, PlatformID: "1", Author: sigap.AuthorCitizen,
		Kind: sigap.KindText, Text: "jalan rusak", At: t0}
	update(t, db, func(tx sigap.Tx) error {
		if _, err := tx.AddMessage(ctx, m); err != nil {
			return err
		}
		return tx.FileMessage(ctx, m.ID, tk.ID)
	})
	view(t, db, func(tx sigap.Tx) error {
		thread, err := tx.TicketMessages(ctx, tk.ID)
		if len(thread) != 1 || thread[0].ID != m.ID {
			t.Errorf("thread %+v, want the filed message", thread)
		}
		return err
	})
	err := db.Update(ctx, func(tx sigap.Tx) error { return tx.FileMessage(ctx, m.ID, tk.ID) })
	wantCode(t, err, sigap.ENOTFOUND) // filed already: it is no longer loose
}

// TestWhatsAppConnectionMovesToSettings opens a database of schema version
// 1 in which the WhatsApp adapter had kept its last connection as text.
func TestWhatsAppConnectionMovesToSettings(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	init, err := sqliteMigrations.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{string(init),
		`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`,
		`INSERT INTO schema_version VALUES (1, 0)`,
		`CREATE TABLE whatsapp_connection (id INTEGER PRIMARY KEY CHECK (id = 1), last_connected TEXT NOT NULL)`,
		`INSERT INTO whatsapp_connection VALUES (1, '2024-04-03T02:30:00.123456789Z')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := time.Date(2024, 4, 3, 2, 30, 0, 123_000_000, time.UTC)
	view(t, db, func(tx sigap.Tx) error {
		s, err := tx.Setting(ctx, "whatsapp.last_connected")
		if err == nil && !s.At.Equal(want) {
			t.Errorf("last connection %s, want %s", s.At, want)
		}
		return err
	})
	var tables int
	if err := db.writer.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'whatsapp_connection'`).Scan(&tables); err != nil || tables != 0 {
		t.Errorf("whatsapp_connection still there (%d, %v)", tables, err)
	}
}
