package storage

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

// TestGroupCommitWaitsForTheWALSync holds the fsync of a group's WAL: its
// caller is not told of the commit until the fsync ends, while the
// committer goes on and commits the next group meanwhile.
func TestGroupCommitWaitsForTheWALSync(t *testing.T) {
	entered, release := make(chan struct{}, 4), make(chan struct{})
	db := openSQLiteTest(t, withWALSync(func(sync func() error) func() error {
		return func() error {
			entered <- struct{}{}
			<-release
			return sync()
		}
	}))
	unhold := sync.OnceFunc(func() { close(release) })
	t.Cleanup(unhold) // before the database closes, should the test fail
	first := make(chan error, 1)
	go func() { first <- db.Update(context.Background(), citizenUpdate("1", nil)) }()
	<-entered // the first group committed; its fsync is held
	ran := make(chan struct{})
	second := make(chan error, 1)
	go func() {
		second <- db.Update(context.Background(), func(tx sigap.Tx) error {
			close(ran)
			return citizenUpdate("2", nil)(tx)
		})
	}()
	<-ran // the committer ran the next group while the first's fsync waits
	select {
	case err := <-first:
		t.Fatalf("the first update returned (%v) before its WAL was flushed", err)
	default:
	}
	unhold()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if !citizenExists(t, db, "1") || !citizenExists(t, db, "2") {
		t.Error("the two updates are not both in the database")
	}
}

// TestGroupCommitSyncFailure fails the fsync after a commit: the caller
// learns its update may not be on disk, and the database reports its
// writes failing.
func TestGroupCommitSyncFailure(t *testing.T) {
	var fail atomic.Bool
	db := openSQLiteTest(t, withWALSync(func(sync func() error) func() error {
		return func() error {
			if fail.Load() {
				return &fs.PathError{Op: "sync", Path: "sigap.db-wal", Err: syscall.EIO}
			}
			return sync()
		}
	}))
	fail.Store(true)
	err := db.Update(context.Background(), citizenUpdate("1", nil))
	if !errors.Is(err, syscall.EIO) {
		t.Fatalf("update with a failing fsync: %v, want the fsync's error", err)
	}
	if h := db.CheckWrites(context.Background()); h.Err == nil {
		t.Error("writes look healthy after an fsync failed")
	}
	fail.Store(false)
	if err := db.Update(context.Background(), citizenUpdate("2", nil)); err != nil {
		t.Fatalf("update after the disk recovered: %v", err)
	}
}

// TestGroupCommitKeepsOtherWritesDurable runs a group commit, which
// relaxes its connection's synchronous mode, and checks that the writer
// connection is back at synchronous=FULL for every other write on it.
func TestGroupCommitKeepsOtherWritesDurable(t *testing.T) {
	db := openSQLiteTest(t)
	if err := db.Update(context.Background(), citizenUpdate("1", nil)); err != nil {
		t.Fatal(err)
	}
	var mode int
	if err := db.writer.QueryRow("PRAGMA synchronous").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Errorf("writer's synchronous after a group commit: %d, want 2 (FULL)", mode)
	}
	if db.group.syncer == nil || db.group.syncer.file == nil || db.group.syncer.file.Name() != db.path+"-wal" {
		t.Errorf("the group's fsync did not flush the WAL file %s-wal", db.path)
	}
}
