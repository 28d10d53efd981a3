package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// Snapshot is what a database file holds, as a backup's manifest records
// it and a restore checks it.
type Snapshot struct {
	SchemaVersion int              `json:"schema_version"`
	Tables        map[string]int64 `json:"tables"` // rows per table, whatsmeow's included
}

// fileOnly refuses a --db value that is not a SQLite file, naming what
// does the job for it instead.
func fileOnly(what, path string) error {
	if scheme, ok := urlScheme(path); ok {
		return sigap.Errorf(sigap.EINVALID, "storage: %s %s: only a SQLite file can be copied this way; "+
			"back up and restore a %s:// database with its own tools (PostgreSQL: pg_dump and pg_restore, or the server's backups; see README, Running on PostgreSQL)", what, redactURL(path), scheme)
	}
	if path == ":memory:" {
		return sigap.Errorf(sigap.EINVALID, "storage: %s: an in-memory database has no file", what)
	}
	return nil
}

// openReadOnly opens the SQLite file at path for reading only: it must
// exist, and nothing (no migration, no change of journal mode) is written
// to it.
func openReadOnly(ctx context.Context, path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	h, err := sql.Open("sqlite3", "file:"+escapePath(filepath.Clean(path))+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	h.SetMaxOpenConns(1)
	if err := h.PingContext(ctx); err != nil {
		h.Close()
		return nil, openError(path, err)
	}
	return h, nil
}

// CopyDatabase writes a consistent copy of the SQLite database at src to
// dst, which must not exist, while serve goes on writing to src. VACUUM
// INTO reads one snapshot, which in WAL mode holds up no writer, and
// writes a compact copy: it has no free pages, so nothing erased before
// the copy is in it. The copy is synced to disk. src is only read, never
// migrated: the copy is the database as it is.
func CopyDatabase(ctx context.Context, src, dst string) error {
	if err := fileOnly("backup", src); err != nil {
		return err
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("storage: backup to %s: it already exists", dst)
	}
	h, err := openReadOnly(ctx, src)
	if err != nil {
		return err
	}
	defer h.Close()
	if _, err := h.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		os.Remove(dst)
		return fmt.Errorf("storage: backup %s to %s: %w", src, dst, err)
	}
	if err := syncFile(dst); err != nil {
		return fmt.Errorf("storage: backup %s: %w", src, err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	return errors.Join(err, f.Close())
}

// Inspect checks the integrity of the SQLite database at path, opened
// read-only, and counts the rows of each of its tables.
func Inspect(ctx context.Context, path string) (Snapshot, error) {
	if err := fileOnly("inspect", path); err != nil {
		return Snapshot{}, err
	}
	h, err := openReadOnly(ctx, path)
	if err != nil {
		return Snapshot{}, err
	}
	defer h.Close()
	var check string
	if err := h.QueryRowContext(ctx, "PRAGMA integrity_check(1)").Scan(&check); err != nil {
		return Snapshot{}, fmt.Errorf("storage: check %s: %w", path, err)
	}
	if check != "ok" {
		return Snapshot{}, fmt.Errorf("storage: %s is damaged: %s", path, check)
	}
	s := Snapshot{Tables: map[string]int64{}}
	if err := h.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&s.SchemaVersion); err != nil {
		return Snapshot{}, fmt.Errorf("storage: %s: schema version: %w", path, err)
	}
	names, err := tableNames(ctx, h)
	if err != nil {
		return Snapshot{}, fmt.Errorf("storage: %s: %w", path, err)
	}
	for _, name := range names {
		var n int64
		if err := h.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+strings.ReplaceAll(name, `"`, `""`)+`"`).Scan(&n); err != nil {
			return Snapshot{}, fmt.Errorf("storage: %s: count %s: %w", path, name, err)
		}
		s.Tables[name] = n
	}
	return s, nil
}

func tableNames(ctx context.Context, h *sql.DB) ([]string, error) {
	rs, err := h.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var names []string
	for rs.Next() {
		var name string
		if err := rs.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rs.Err()
}
