package storage

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// addLongMessage stores a message too long for the pages the database
// has.
func addLongMessage(ctx context.Context, db *DB, citizenID int64) error {
	return db.Update(ctx, func(tx sigap.Tx) error {
		_, err := tx.AddMessage(ctx, &sigap.Message{CitizenID: citizenID, Channel: sigap.Telegram, Author: sigap.AuthorCitizen,
			Kind: sigap.KindText, Text: strings.Repeat("jalan rusak ", 2000)})
		return err
	})
}

func TestTruncateWALWhenIdle(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTest(t)
	c := addCitizen(t, db, "tg:1001")
	for range 50 {
		if err := addLongMessage(ctx, db, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	wal := func() int64 {
		fi, err := os.Stat(db.path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	if wal() < 1<<20 {
		t.Fatalf("WAL of %d bytes after 1 MB of messages", wal())
	}
	// A reader on an old snapshot keeps the WAL.
	rtx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := rtx.QueryRow("SELECT COUNT(*) FROM messages").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := addLongMessage(ctx, db, c.ID); err != nil {
		t.Fatal(err)
	}
	if done, err := db.TruncateWAL(ctx); done || err != nil {
		t.Errorf("truncate under a reader: done %v, %v; want not done", done, err)
	}
	rtx.Rollback()

	run, stop := context.WithCancel(ctx)
	finished := make(chan struct{})
	go func() {
		db.TruncateWALWhenIdle(run, 20*time.Millisecond, slog.New(slog.DiscardHandler))
		close(finished)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for wal() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-finished
	if wal() != 0 {
		t.Errorf("WAL of %d bytes after the database went idle, want 0", wal())
	}
	if err := addLongMessage(ctx, db, c.ID); err != nil {
		t.Errorf("a write after the truncation: %v", err)
	}
}

// TestWALIdleIsShorterThanTheProbe: were the WAL to need longer without
// a change than /healthz waits before it probes with a write, a monitored
// database would never look idle and its WAL would never be truncated.
func TestWALIdleIsShorterThanTheProbe(t *testing.T) {
	if WALIdle >= probeAfter {
		t.Errorf("WALIdle %v is not shorter than probeAfter %v", WALIdle, probeAfter)
	}
}

func TestLitestreamLeavesCheckpoints(t *testing.T) {
	db := openSQLiteTest(t, WithLitestream())
	var pages int
	if err := db.writer.QueryRow("PRAGMA wal_autocheckpoint").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if pages != 0 {
		t.Errorf("wal_autocheckpoint %d under Litestream, want 0 (off)", pages)
	}
	if done, err := db.TruncateWAL(context.Background()); done || err != nil {
		t.Errorf("TruncateWAL under Litestream: done %v, %v; want nothing done", done, err)
	}
}
