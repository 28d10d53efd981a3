package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
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
// lease to expire. An engine shared by several instances (PostgreSQL)
// would keep the lease in a row with the same Holder, which its holder
// renews and the others take over once it expires; its Lease would also
// tell the holder when it lost the lease, to stop the channels, and the
// others would wait as stand-bys instead of refusing to start.
type Lease struct {
	file *os.File // nil for an in-memory database
}

// AcquireLease takes the database's lease for me, or returns a
// *LeaseHeldError naming the process that holds it.
func (db *DB) AcquireLease(ctx context.Context, me Holder) (*Lease, error) {
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

// Release gives the lease up. The lock file stays: removing it would let a
// process that opened it just before lock a file no longer in the folder,
// while a third locks a new one.
func (l *Lease) Release() error {
	if l == nil || l.file == nil {
		return nil
	}
	err := errors.Join(unlockFile(l.file), l.file.Close())
	l.file = nil
	if err != nil {
		return fmt.Errorf("storage: release lease: %w", err)
	}
	return nil
}
