package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

const (
	// vacuumEvery is how often the committer, between two groups, gives
	// free pages back to the file system.
	vacuumEvery = 10 * time.Minute
	// vacuumPages is the most pages one step gives back (4 MiB), so that
	// it holds the write lock for a moment only.
	vacuumPages = 1024
	// keepFree pages stay free for the next inserts to reuse, sparing
	// the file a shrink and a growth again.
	keepFree = 256
)

// autoVacuumIncremental is what PRAGMA auto_vacuum reads once incremental
// vacuum is on.
const autoVacuumIncremental = 2

// enableIncrementalVacuum turns on incremental vacuum for a database made
// without it. A new file has it from its first table on, by the writer's
// connection setting; an existing one only after a VACUUM, which rewrites
// the whole file once: it takes a few seconds per hundred megabytes and as
// much free disk space as the database. A VACUUM that fails (a full disk)
// is logged and tried again at the next open: the database works without
// it, only its file does not shrink.
func (db *DB) enableIncrementalVacuum(ctx context.Context) error {
	if db.shared {
		return nil // ":memory:" has no file to shrink
	}
	var mode int
	if err := db.writer.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return fmt.Errorf("read auto_vacuum: %w", err)
	}
	if mode == autoVacuumIncremental {
		return nil
	}
	start := time.Now()
	db.log.Info("storage: turning on incremental vacuum; rewriting the database once", "db", db.path)
	if _, err := db.writer.ExecContext(ctx, "VACUUM"); err != nil {
		db.log.Warn("storage: VACUUM to turn on incremental vacuum failed; trying again at the next start",
			"db", db.path, "err", err)
		return nil
	}
	// VACUUM wrote the whole database into the WAL; leave none of it there.
	if _, err := db.writer.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("checkpoint after VACUUM: %w", err)
	}
	db.log.Info("storage: incremental vacuum on", "db", db.path, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// vacuumStep gives up to vacuumPages free pages back to the file system,
// keeping keepFree for reuse.
func (db *DB) vacuumStep(ctx context.Context) {
	var free int
	if err := db.writer.QueryRowContext(ctx, "PRAGMA freelist_count").Scan(&free); err != nil {
		db.log.Warn("storage: count free pages", "db", db.path, "err", err)
		return
	}
	if free <= keepFree {
		return
	}
	n := min(free-keepFree, vacuumPages)
	if err := drain(ctx, db.writer, fmt.Sprintf("PRAGMA incremental_vacuum(%d)", n)); err != nil {
		db.log.Warn("storage: incremental vacuum", "db", db.path, "pages", n, "err", err)
	}
}

// drain runs a statement to its end. The pragma frees a page per step,
// and the driver's Exec steps once.
func drain(ctx context.Context, h *sql.DB, query string) error {
	rs, err := h.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
	}
	return rs.Err()
}
