package desk_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// platform stands in for a messaging platform: it fails the next sends
// with the queued errors, then accepts.
type platform struct {
	fail []error
	got  []string
}

func (p *platform) Send(_ context.Context, m sigap.Outbound) error {
	if len(p.fail) > 0 {
		err := p.fail[0]
		p.fail = p.fail[1:]
		return err
	}
	p.got = append(p.got, m.Text)
	return nil
}

func openDB(t *testing.T) *storage.DB { return storagetest.Open(t) }

func enqueue(t *testing.T, db *storage.DB, at time.Time, to sigap.Address, texts ...string) {
	t.Helper()
	err := db.Update(context.Background(), func(tx sigap.Tx) error {
		for _, text := range texts {
			if err := tx.Enqueue(context.Background(), &sigap.Outbound{To: to, Text: text, Created: at}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func backlog(t *testing.T, db *storage.DB) int {
	t.Helper()
	var n int
	db.View(context.Background(), func(tx sigap.Tx) error {
		var err error
		n, err = tx.OutboxBacklog(context.Background())
		return err
	})
	return n
}

func TestOutboxRetriesAndKeepsChatOrder(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	now := start
	db := openDB(t)
	tg := &platform{fail: []error{
		&sigap.RetryAfterError{Wait: 30 * time.Second, Err: errors.New("429")},
		errors.New("connection reset"),
	}}
	ob := &desk.Outbox{Store: db, Now: func() time.Time { return now }, Senders: map[sigap.Channel]sigap.Sender{sigap.Telegram: tg}}
	to := sigap.Address{Channel: sigap.Telegram, ID: "1"}
	enqueue(t, db, start, to, "satu", "dua")

	steps := []struct {
		at        time.Duration
		delivered []string
		backlog   int
	}{
		{0, nil, 2},                // 429: wait 30 s; "dua" waits behind "satu"
		{29 * time.Second, nil, 2}, // not due yet
		{30 * time.Second, nil, 2}, // connection reset: back off 4 s (second attempt)
		{33 * time.Second, nil, 2}, // still backing off
		{34 * time.Second, []string{"satu", "dua"}, 0},
	}
	for _, s := range steps {
		now = start.Add(s.at)
		if _, err := ob.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if len(tg.got) != len(s.delivered) {
			t.Fatalf("at +%s delivered %q, want %q", s.at, tg.got, s.delivered)
		}
		for i := range s.delivered {
			if tg.got[i] != s.delivered[i] {
				t.Fatalf("at +%s delivered %q, want %q in that order", s.at, tg.got, s.delivered)
			}
		}
		if n := backlog(t, db); n != s.backlog {
			t.Errorf("at +%s backlog %d, want %d", s.at, n, s.backlog)
		}
	}
}

func TestOutboxGivesUpOnPermanentErrors(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	wa := &platform{fail: []error{&sigap.PermanentError{Err: errors.New("blocked")}}}
	ob := &desk.Outbox{Store: db, Senders: map[sigap.Channel]sigap.Sender{sigap.WhatsApp: wa}}
	enqueue(t, db, time.Now(), sigap.Address{Channel: sigap.WhatsApp, ID: "62812"}, "halo")
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := backlog(t, db); n != 0 {
		t.Errorf("backlog %d after a permanent error, want 0 (given up)", n)
	}
	if _, err := ob.Drain(ctx); err != nil || len(wa.got) != 0 {
		t.Errorf("a failed message was sent again: %q, %v", wa.got, err)
	}
}

func TestOutboxWaitsForADisabledChannel(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	ob := &desk.Outbox{Store: db, Senders: map[sigap.Channel]sigap.Sender{}}
	enqueue(t, db, time.Now(), sigap.Address{Channel: sigap.Telegram, ID: "1"}, "halo")
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := backlog(t, db); n != 1 {
		t.Errorf("backlog %d: a message for a channel not enabled must wait, not be dropped", n)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempts int
		err      error
		want     time.Duration
	}{
		{1, errors.New("x"), 2 * time.Second},
		{2, errors.New("x"), 4 * time.Second},
		{5, errors.New("x"), 32 * time.Second},
		{30, errors.New("x"), time.Hour},
		{3, &sigap.RetryAfterError{Wait: 7 * time.Second}, 7 * time.Second},
	}
	for _, tt := range tests {
		if got := desk.Backoff(tt.attempts, tt.err); got != tt.want {
			t.Errorf("Backoff(%d, %v) = %s, want %s", tt.attempts, tt.err, got, tt.want)
		}
	}
}
