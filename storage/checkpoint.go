package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// WithLitestream leaves checkpoints to Litestream, which replicates the
// WAL: it keeps a read transaction open so that nothing is checkpointed
// before it copied it, and checkpoints itself once it has. A checkpoint
// of Sigap's own that restarts or truncates the WAL under it makes it
// start its replica over from a full snapshot, so with this option the
// WAL is not copied back beside the writer (walCopier; SQLite's automatic
// checkpoints are always off, see setUpConn) and TruncateWAL does nothing.
func WithLitestream() Option {
	return func(db *DB) { db.litestream = true }
}

// checkpointBusyTimeout is how long a truncating checkpoint waits for
// readers on an old snapshot before it gives up until the next try; the
// writer is held meanwhile, so it is short.
const checkpointBusyTimeout = 200 * time.Millisecond

// TruncateWAL copies the WAL into the database file and truncates it to
// zero bytes. The copies beside the writer (walCopier) copy it back but
// never shrink the file, so a burst of writes leaves a WAL of that size
// for good. done is false when a reader still uses the WAL (try again later),
// and under WithLitestream or on ":memory:", where it does nothing.
func (db *DB) TruncateWAL(ctx context.Context) (done bool, err error) {
	if db.litestream || db.shared {
		return false, nil
	}
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("storage: checkpoint: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", checkpointBusyTimeout.Milliseconds())); err != nil {
		return false, fmt.Errorf("storage: checkpoint: %w", err)
	}
	// The writer's usual patience, whatever happens below.
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA busy_timeout = 5000")
	var busy, logFrames, checkpointed int
	err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed)
	if err != nil {
		return false, fmt.Errorf("storage: checkpoint: %w", err)
	}
	return busy == 0, nil
}

// WALIdle is how long the WAL goes unchanged before serve truncates it:
// shorter than probeAfter, so that the small writes with which /healthz
// probes an idle database do not keep it from ever looking idle.
const WALIdle = 20 * time.Second

// TruncateWALWhenIdle truncates the WAL each time the database has gone
// idle: when the WAL has not changed for idle (WALIdle in serve). It
// checks every idle/2 until ctx ends. A WAL that is busy or grows is left
// for the next check, so the service's writes never wait behind it for
// long.
func (db *DB) TruncateWALWhenIdle(ctx context.Context, idle time.Duration, log *slog.Logger) {
	if db.litestream || db.shared {
		return
	}
	tick := time.NewTicker(idle / 2)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		fi, err := os.Stat(db.path + "-wal")
		if errors.Is(err, os.ErrNotExist) || err == nil && (fi.Size() == 0 || time.Since(fi.ModTime()) < idle) {
			continue
		}
		if err != nil {
			log.Warn("storage: look at the WAL", "err", err)
			continue
		}
		if _, err := db.TruncateWAL(ctx); err != nil && ctx.Err() == nil {
			log.Warn("storage: truncate the idle WAL", "err", err)
		}
	}
}
