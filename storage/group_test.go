package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// holdCommitter runs an update that waits until release is called, so that
// the updates submitted meanwhile queue up and run as the next group.
func holdCommitter(t *testing.T, db *DB) (release func()) {
	t.Helper()
	started, hold := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Update(context.Background(), func(tx sigap.Tx) error {
			close(started)
			<-hold
			return nil
		})
	}()
	<-started
	return func() {
		close(hold)
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// waitQueued waits until n updates wait for the committer.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		db.group.mu.Lock()
		queued := len(db.group.waiting)
		db.group.mu.Unlock()
		if queued >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d updates queued, want %d", queued, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func citizenUpdate(id string, then error) func(sigap.Tx) error {
	return func(tx sigap.Tx) error {
		_, err := tx.UpsertCitizen(context.Background(), &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: id}})
		if err != nil {
			return err
		}
		return then
	}
}

func citizenExists(t *testing.T, db *DB, id string) bool {
	t.Helper()
	ok, err := sigap.Read(context.Background(), db, func(tx sigap.Tx) (bool, error) {
		_, err := tx.CitizenByAddress(context.Background(), sigap.Address{Channel: sigap.Telegram, ID: id})
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestGroupCommit submits updates while the committer is busy: they share
// one transaction, each in a savepoint but the first, each caller learns
// its own outcome, and only the failed ones roll back, the first of the
// group included.
func TestGroupCommit(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name   string
		errs   []error // what each update returns after its write
		commit int     // COMMITs of the group
	}{
		{"all succeed", []error{nil, nil, nil, nil}, 1},
		{"one in the middle fails", []error{nil, boom, nil, nil}, 1},
		{"the first fails", []error{boom, nil, nil}, 1},
		{"all fail", []error{boom, boom}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, st := openCounting(t)
			release := holdCommitter(t, db)
			st.reset()
			results := make([]error, len(tt.errs))
			hooks := make([]bool, len(tt.errs))
			var wg sync.WaitGroup
			for i, then := range tt.errs {
				wg.Go(func() {
					results[i] = db.Update(context.Background(), func(tx sigap.Tx) error {
						tx.OnCommit(func() { hooks[i] = true })
						return citizenUpdate(fmt.Sprint(i), then)(tx)
					})
				})
				waitQueued(t, db, i+1) // in this order
			}
			release()
			wg.Wait()
			for i, then := range tt.errs {
				if !errors.Is(results[i], then) || (then == nil) != (results[i] == nil) {
					t.Errorf("update %d returned %v, want %v", i, results[i], then)
				}
				if got := citizenExists(t, db, fmt.Sprint(i)); got != (then == nil) {
					t.Errorf("update %d committed: %v, want %v", i, got, then == nil)
				}
				if hooks[i] != (then == nil) {
					t.Errorf("update %d hooks ran: %v, want %v", i, hooks[i], then == nil)
				}
			}
			// One COMMIT for the held update, then the group's.
			if got := st.count("COMMIT"); got != 1+tt.commit {
				t.Errorf("%d commits, want %d: the group shares one transaction", got, 1+tt.commit)
			}
			if got, want := st.count("SAVEPOINT"), savepointsWanted(tt.errs); got != want {
				t.Errorf("%d savepoints, want %d (none while nothing is kept)", got, want)
			}
		})
	}
}

// savepointsWanted counts the updates that run after one that succeeded.
func savepointsWanted(errs []error) int {
	n, kept := 0, false
	for _, err := range errs {
		if kept {
			n++
		}
		kept = kept || err == nil
	}
	return n
}

// TestGroupCommitLostTransaction: when the transaction ends under the
// group (SQLite rolls back on some errors), the updates it held are not
// reported committed, and the next ones get a transaction of their own.
func TestGroupCommitLostTransaction(t *testing.T) {
	db, _ := openCounting(t)
	release := holdCommitter(t, db)
	boom := errors.New("boom")
	results := make([]error, 3)
	fns := []func(sigap.Tx) error{
		citizenUpdate("kept", nil),
		func(tx sigap.Tx) error {
			// What SQLite does to the transaction on a full disk.
			if _, err := tx.(*Tx).tx.tx.ExecContext(context.Background(), "ROLLBACK"); err != nil {
				return err
			}
			return boom
		},
		citizenUpdate("after", nil),
	}
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { results[i] = db.Update(context.Background(), fn) })
		waitQueued(t, db, i+1)
	}
	release()
	wg.Wait()
	if results[0] == nil || citizenExists(t, db, "kept") {
		t.Errorf("update before the loss: %v, committed %v; want an error and not committed", results[0], citizenExists(t, db, "kept"))
	}
	if !errors.Is(results[1], boom) {
		t.Errorf("the update that lost it returned %v, want boom", results[1])
	}
	if results[2] != nil || !citizenExists(t, db, "after") {
		t.Errorf("update after the loss: %v; want committed", results[2])
	}
}

func TestGroupCommitPanicReachesItsCaller(t *testing.T) {
	db := openSQLiteTest(t)
	release := holdCommitter(t, db)
	var wg sync.WaitGroup
	var recovered any
	var other error
	wg.Go(func() {
		defer func() { recovered = recover() }()
		db.Update(context.Background(), func(tx sigap.Tx) error {
			citizenUpdate("panicked", nil)(tx)
			panic("bug")
		})
	})
	waitQueued(t, db, 1)
	wg.Go(func() { other = db.Update(context.Background(), citizenUpdate("other", nil)) })
	waitQueued(t, db, 2)
	release()
	wg.Wait()
	if recovered != "bug" {
		t.Errorf("the caller recovered %v, want the panic's value", recovered)
	}
	if other != nil || !citizenExists(t, db, "other") || citizenExists(t, db, "panicked") {
		t.Errorf("after a panic in its group: other update %v; panicked one rolled back: %v",
			other, !citizenExists(t, db, "panicked"))
	}
}

func TestGroupCommitSkipsAbandonedAndRefusesAfterClose(t *testing.T) {
	db := openSQLiteTest(t)
	release := holdCommitter(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	var err error
	var wg sync.WaitGroup
	wg.Go(func() { err = db.Update(ctx, citizenUpdate("abandoned", nil)) })
	waitQueued(t, db, 1)
	cancel()
	release()
	wg.Wait()
	if !errors.Is(err, context.Canceled) || citizenExists(t, db, "abandoned") {
		t.Errorf("an update whose caller left before it ran: %v; want context.Canceled and nothing stored", err)
	}

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(context.Background(), citizenUpdate("late", nil)); err == nil {
		t.Error("an update after Close succeeded")
	}
}

// TestGroupCommitOutlivesItsCaller: an update whose caller stops waiting
// while it runs still runs to its end, and it and the rest of its group
// commit; an interrupted statement could have rolled back them all.
func TestGroupCommitOutlivesItsCaller(t *testing.T) {
	db := openSQLiteTest(t)
	release := holdCommitter(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Go(func() { errs[0] = db.Update(context.Background(), citizenUpdate("before", nil)) })
	waitQueued(t, db, 1)
	wg.Go(func() {
		errs[1] = db.Update(ctx, func(tx sigap.Tx) error {
			if err := citizenUpdate("leaving-1", nil)(tx); err != nil {
				return err
			}
			cancel()
			_, err := tx.UpsertCitizen(ctx, &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: "leaving-2"}})
			return err
		})
	})
	waitQueued(t, db, 2)
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("update %d: %v, want it committed", i, err)
		}
	}
	for _, id := range []string{"before", "leaving-1", "leaving-2"} {
		if !citizenExists(t, db, id) {
			t.Errorf("citizen %q not stored: the caller's leaving undid the group", id)
		}
	}
}

// TestWriterSettings checks what makes an acknowledged message durable and
// a savepoint cheap, on the writer and the readers.
func TestWriterSettings(t *testing.T) {
	db := openSQLiteTest(t)
	pragma := func(h interface {
		QueryRow(string, ...any) *sql.Row
	}, name string) int {
		var v int
		if err := h.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct {
		name    string
		writer  bool
		want    int
		meaning string
	}{
		{"synchronous", true, 2, "FULL: a commit is on disk when it returns"},
		{"temp_store", true, 2, "MEMORY: savepoint journals and temporary tables stay off the disk"},
		{"temp_store", false, 2, "MEMORY"},
		{"auto_vacuum", true, autoVacuumIncremental, "INCREMENTAL"},
		{"foreign_keys", true, 1, "on"},
	} {
		h := db.reader
		if tt.writer {
			h = db.writer
		}
		if got := pragma(h, tt.name); got != tt.want {
			t.Errorf("writer %v: PRAGMA %s = %d, want %d (%s)", tt.writer, tt.name, got, tt.want, tt.meaning)
		}
	}
	if got := pragma(db.writer, "cache_size"); got > -32768 {
		t.Errorf("writer page cache %d, want at least 32 MiB (-32768)", got)
	}
}
