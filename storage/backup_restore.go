package storage

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// VerifyBackup reads the manifest of the backup folder dir and checks
// every file it lists against its size and SHA-256, and the database copy
// against SQLite's integrity check and the manifest's row counts.
func VerifyBackup(ctx context.Context, dir string) (*Manifest, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	for _, want := range append([]BackupFile{m.Database}, m.Data...) {
		if !filepath.IsLocal(filepath.FromSlash(want.Path)) {
			return nil, fmt.Errorf("storage: backup %s: manifest names %q, outside the backup", dir, want.Path)
		}
		got, err := describe(dir, want.Path)
		if err != nil {
			return nil, err
		}
		if got.Size != want.Size || got.SHA256 != want.SHA256 {
			return nil, fmt.Errorf("storage: backup %s: %s is not the file the manifest lists (%d bytes, sha256 %s; want %d, %s)",
				dir, want.Path, got.Size, got.SHA256, want.Size, want.SHA256)
		}
	}
	snap, err := Inspect(ctx, filepath.Join(dir, filepath.FromSlash(m.Database.Path)))
	if err != nil {
		return nil, err
	}
	if snap.SchemaVersion != m.Snapshot.SchemaVersion || !maps.Equal(snap.Tables, m.Snapshot.Tables) {
		return nil, fmt.Errorf("storage: backup %s: the database holds %+v, the manifest says %+v", dir, snap, m.Snapshot)
	}
	return m, nil
}

// RestoreBackup puts the backup folder dir back: the database as dbPath
// and the data files into dataDir, after VerifyBackup. It holds the
// database's lease meanwhile, so it is refused while serve runs on dbPath.
// A database already at dbPath is refused unless replace; its WAL and
// shared-memory files go with it, or SQLite would apply the old WAL to the
// restored file. The restored database is brought up to date by the next
// storage.Open.
func RestoreBackup(ctx context.Context, dir, dbPath, dataDir string, replace bool) (*Manifest, error) {
	if err := fileOnly("restore", dbPath); err != nil {
		return nil, err
	}
	m, err := VerifyBackup(ctx, dir)
	if err != nil {
		return nil, err
	}
	// The lease serve holds: a restore under a running serve would
	// pull the file from under it.
	lease, err := (&DB{path: dbPath}).AcquireLease(ctx, ThisProcess(time.Now()))
	if err != nil {
		return nil, fmt.Errorf("storage: restore: %w", err)
	}
	defer lease.Release()
	if _, err := os.Stat(dbPath); err == nil && !replace {
		return nil, fmt.Errorf("storage: restore: %s exists; stop serve and choose to replace it", dbPath)
	}
	tmp := dbPath + ".restoring"
	os.Remove(tmp) // left by a restore that was interrupted
	if err := copyFile(filepath.Join(dir, filepath.FromSlash(m.Database.Path)), tmp, m.Database.ModTime); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("storage: restore: %w", err)
	}
	for _, side := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + side); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return nil, fmt.Errorf("storage: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return nil, fmt.Errorf("storage: restore: %w", err)
	}
	if err := restoreData(dir, dataDir, m.Data); err != nil {
		return nil, err
	}
	return m, nil
}

// restoreData copies the backup's data files into dataDir, replacing
// files of the same name.
func restoreData(dir, dataDir string, files []BackupFile) error {
	for _, f := range files {
		rel, ok := strings.CutPrefix(f.Path, dataName+"/")
		if !ok {
			return fmt.Errorf("storage: restore: %s is not in the backup's data folder", f.Path)
		}
		dst := filepath.Join(dataDir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return fmt.Errorf("storage: restore: %w", err)
		}
		tmp := dst + ".restoring"
		os.Remove(tmp)
		err := copyFile(filepath.Join(dir, filepath.FromSlash(f.Path)), tmp, f.ModTime)
		if err == nil {
			err = os.Rename(tmp, dst)
		}
		if err != nil {
			os.Remove(tmp)
			return fmt.Errorf("storage: restore: %w", err)
		}
	}
	return nil
}

// backupPrefix and backupLayout name the backup folders serve writes:
// sigap-20260102T020000Z.
const (
	backupPrefix = "sigap-"
	backupLayout = "20060102T150405Z"
)

// BackupName is the name of the backup folder written at t.
func BackupName(t time.Time) string { return backupPrefix + t.UTC().Format(backupLayout) }

// Backups lists the complete backup folders in dir that BackupName named,
// oldest first, with the time each was written.
func Backups(dir string) ([]string, []time.Time, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("storage: backups: %w", err)
	}
	byTime := map[time.Time]string{}
	for _, e := range entries {
		stamp, ok := strings.CutPrefix(e.Name(), backupPrefix)
		t, err := time.Parse(backupLayout, stamp)
		if !ok || err != nil || !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), ManifestName)); err == nil {
			byTime[t] = filepath.Join(dir, e.Name())
		}
	}
	times := slices.SortedFunc(maps.Keys(byTime), time.Time.Compare)
	paths := make([]string, len(times))
	for i, t := range times {
		paths[i] = byTime[t]
	}
	return paths, times, nil
}

// PruneBackups deletes all but the newest keep of the backup folders in
// dir, and those an interrupted backup left half written.
func PruneBackups(dir string, keep int) error {
	paths, _, err := Backups(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range paths[:max(0, len(paths)-keep)] {
		errs = append(errs, os.RemoveAll(p))
	}
	partial, err := filepath.Glob(filepath.Join(dir, backupPrefix+"*"+partialSuffix))
	for _, p := range partial {
		errs = append(errs, os.RemoveAll(p))
	}
	if err := errors.Join(append(errs, err)...); err != nil {
		return fmt.Errorf("storage: prune backups: %w", err)
	}
	return nil
}
