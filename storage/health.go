package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// probeAfter is how long the database may go without a write before
// CheckWrites makes one of its own.
const probeAfter = 30 * time.Second

// failureHold is how long a failed write of the service counts against
// the database even when a probe succeeds: a full database may still take
// the probe's small update while every new message is refused.
const failureHold = 5 * time.Minute

// writeHealth remembers how the latest writes went. A full disk, a file
// turned read-only or a failing device refuses every write while reads
// still work, so reading is no proof that the service works.
type writeHealth struct {
	mu          sync.Mutex
	ok          time.Time // latest write that succeeded
	failed      time.Time // latest write that failed for the database's sake
	err         error     // why it failed
	probeFailed bool      // the failure was a probe's
	probed      time.Time // latest probe
}

// note records how a write transaction (probe false) or a probe ended.
// An error of the caller's own (a sigap.Error, a violated constraint, a
// cancelled context) says nothing about the database and is not counted.
func (w *writeHealth) note(err error) { w.record(err, false) }

// noteDiskFailure records a failure of the disk under the database (an
// fsync), which is the database's whatever type its error has.
func (w *writeHealth) noteDiskFailure(err error) { w.set(err, false) }

func (w *writeHealth) record(err error, probe bool) {
	if err != nil && !databaseFailure(err) {
		return
	}
	w.set(err, probe)
}

func (w *writeHealth) set(err error, probe bool) {
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if probe {
		w.probed = now
	}
	switch {
	case err != nil:
		w.failed, w.err, w.probeFailed = now, err, probe
	case probe && w.failed.After(w.ok) && !w.probeFailed && now.Sub(w.failed) < failureHold:
		// The service's own write failed a moment ago: a probe does not
		// outweigh it.
	default:
		w.ok = now
	}
}

// databaseFailure reports whether err is the database failing to write,
// as opposed to refusing what it was asked.
func databaseFailure(err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return postgresFailure(err)
	}
	switch se.Code {
	case sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrReadonly, sqlite3.ErrCantOpen, sqlite3.ErrCorrupt,
		sqlite3.ErrNotADB, sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrPerm, sqlite3.ErrNoLFS, sqlite3.ErrProtocol:
		return true
	}
	return false
}

// WriteHealth is how the database's writes are going.
type WriteHealth struct {
	LastOK     time.Time // the latest write that succeeded
	LastFailed time.Time // the latest write that failed
	// Err is why writes fail: the latest failure when no write succeeded
	// since; nil when writes work.
	Err error
}

// CheckWrites reports whether the database takes writes, from the
// outcome of the service's latest write. When nothing was written for
// probeAfter it first writes a setting itself, so that a database nobody
// writes to (at night) is checked too.
func (db *DB) CheckWrites(ctx context.Context) WriteHealth {
	w := &db.writes
	w.mu.Lock()
	quiet := time.Since(latest(w.ok, w.failed, w.probed)) >= probeAfter
	if quiet {
		w.probed = time.Now() // one probe at a time
	}
	w.mu.Unlock()
	if quiet {
		probe := `INSERT INTO kv (key, value, updated_at) VALUES ('health.write_probe', ?1, ?2)
			ON CONFLICT (key) DO UPDATE SET value = ?1, updated_at = ?2`
		if db.pg != nil {
			probe = rebind(probe)
		}
		_, err := db.writer.ExecContext(ctx, probe, time.Now().UTC().Format(time.RFC3339Nano), time.Now().UnixNano())
		w.record(err, true)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	h := WriteHealth{LastOK: w.ok, LastFailed: w.failed}
	if w.failed.After(w.ok) {
		h.Err = fmt.Errorf("storage: writes fail: %w", w.err)
	}
	return h
}

func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}
