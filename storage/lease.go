package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Holder is a process that holds, or asks for, the lease of a database.
type Holder struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
}

// ThisProcess is the running process as a holder, since now.
func ThisProcess(now time.Time) Holder {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return Holder{PID: os.Getpid(), Host: host, Since: now}
}

// LeaseHeldError says another process holds the lease of a database.
type LeaseHeldError struct {
	DB     string
	Holder Holder // zero when it could not be read
}

func (e *LeaseHeldError) Error() string {
	who := "another process"
	if e.Holder.PID != 0 {
		who = fmt.Sprintf("pid %d on host %s, running since %s", e.Holder.PID, e.Holder.Host, e.Holder.Since.Format(time.RFC3339))
	}
	return fmt.Sprintf("storage: database %s is in use by another sigap serve (%s); stop that one first, or give this one a database of its own", e.DB, who)
}

// Lease is the right of one process at a time to run what must run once
// per database: the channels (two pollers would answer every citizen
// twice), the outbox sender and the alerts.
//
// On SQLite, where one process serves a database, the lease is an
// exclusive lock of the operating system on the file <db>.lock, which
// holds the holder's pid, host and start for the message that refuses a
// second process. The kernel drops the lock when the process ends, however
// it ends, so a killed process never blocks a restart, and there is no
// lease to expire. On PostgreSQL, which several instances share, the lease
// is a row with an expiry by the server's clock (lease_postgres.go): the
// holder renews it, the others wait as stand-bys and take it over once it
// has expired, and a holder that could not renew it in time is told by
// Lost to stop.
type Lease struct {
	file *os.File       // SQLite; nil for an in-memory database
	pg   *postgresLease // PostgreSQL
}

// AcquireLease takes the database's lease for me, or returns a
// *LeaseHeldError naming the process that holds it.
func (db *DB) AcquireLease(ctx context.Context, me Holder) (*Lease, error) {
	if db.pg != nil {
		return db.acquirePostgresLease(ctx, me)
	}
	return db.acquireFileLease(me)
}

// AwaitLease waits until it can take the database's lease for me, trying
// again every third of the lease's time, and returns it; or ctx's error
// once ctx ends. On SQLite, where a second process is refused rather than
// kept waiting, it is AcquireLease.
func (db *DB) AwaitLease(ctx context.Context, me Holder) (*Lease, error) {
	if db.pg == nil {
		return db.acquireFileLease(me)
	}
	retry := time.NewTicker(db.leaseTTL / 3)
	defer retry.Stop()
	for {
		l, err := db.acquirePostgresLease(ctx, me)
		if err == nil {
			return l, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-retry.C:
		}
	}
}

// LeaseHolder returns who holds the database's lease now; ENOTFOUND when
// no one does. On SQLite it is who last held it, as its lock file says:
// the one process that serves the file knows whether that is itself.
func (db *DB) LeaseHolder(ctx context.Context) (Holder, error) {
	if db.pg != nil {
		return db.postgresLeaseHolder(ctx)
	}
	var h Holder
	data, err := os.ReadFile(db.path + ".lock")
	if err == nil {
		err = json.Unmarshal(data, &h)
	}
	if err != nil || h.PID == 0 {
		return Holder{}, sigap.Errorf(sigap.ENOTFOUND, "no lease of %s", db.path)
	}
	return h, nil
}

// Lost is closed when the lease ended without Release: on PostgreSQL, when
// it could not be renewed before it expired (the database did not answer,
// or another instance took it over). On SQLite it is never closed.
func (l *Lease) Lost() <-chan struct{} {
	if l == nil || l.pg == nil {
		return nil
	}
	return l.pg.lost
}

// Release gives the lease up. On SQLite the lock file stays: removing it
// would let a process that opened it just before lock a file no longer in
// the folder, while a third locks a new one.
func (l *Lease) Release() error {
	if l == nil {
		return nil
	}
	if l.pg != nil {
		return l.pg.release()
	}
	if l.file == nil {
		return nil
	}
	err := errors.Join(unlockFile(l.file), l.file.Close())
	l.file = nil
	if err != nil {
		return fmt.Errorf("storage: release lease: %w", err)
	}
	return nil
}

// acquireFileLease takes SQLite's lease: the lock of <db>.lock.
func (db *DB) acquireFileLease(me Holder) (*Lease, error) {
	l := &Lease{}
	if db.path == ":memory:" {
		return l, nil // private to this process
	}
	path := db.path + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("storage: lease of %s: %w", db.path, err)
	}
	if err := lockFile(f); errors.Is(err, errLocked) {
		f.Close()
		held := &LeaseHeldError{DB: db.path}
		if data, err := os.ReadFile(path); err == nil {
			_ = json.Unmarshal(data, &held.Holder) // a holder still writing its name leaves it unknown
		}
		return nil, held
	} else if err != nil {
		f.Close()
		return nil, fmt.Errorf("storage: lease of %s: %w", db.path, err)
	}
	data, err := json.Marshal(me)
	if err == nil {
		err = f.Truncate(0)
	}
	if err == nil {
		_, err = f.WriteAt(append(data, '\n'), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("storage: lease of %s: write %s: %w", db.path, path, err)
	}
	l.file = f
	return l, nil
}
