package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// A backup folder holds the database copy, the data folder's files under
// data/, and the manifest that lists them.
const (
	ManifestName = "manifest.json"
	databaseName = "sigap.db"
	dataName     = "data"
	// partialSuffix marks a backup folder still being written.
	partialSuffix = ".partial"
)

// Manifest describes a backup folder: each file with its size and
// SHA-256, and what the database copy holds.
type Manifest struct {
	Format    int          `json:"format"`
	CreatedAt time.Time    `json:"created_at"`
	Database  BackupFile   `json:"database"`
	Snapshot  Snapshot     `json:"snapshot"`
	Data      []BackupFile `json:"data"` // the data folder's files: photos, documents
}

// BackupFile is one file of a backup folder.
type BackupFile struct {
	Path    string    `json:"path"` // inside the backup folder, with slashes
	Size    int64     `json:"size"`
	SHA256  string    `json:"sha256"`
	ModTime time.Time `json:"mtime"` // of the original
}

// WriteBackup writes a backup folder at out: the database at dbPath
// copied by CopyDatabase, the files of the data folder dataDir, and the
// manifest. out must not exist: the backup is written into out.partial
// and renamed once complete, so a folder named out is always whole. A
// file that the previous backup folder prev ("" for none) holds unchanged
// (same size and modification time) is hard-linked from it rather than
// copied, so that nightly backups take the space of what changed.
func WriteBackup(ctx context.Context, dbPath, dataDir, out, prev string, now time.Time) (*Manifest, error) {
	if err := fileOnly("backup", dbPath); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(out); err == nil {
		return nil, fmt.Errorf("storage: backup to %s: it already exists", out)
	}
	partial := out + partialSuffix
	if err := os.Mkdir(partial, 0o700); err != nil {
		return nil, fmt.Errorf("storage: backup: %w (a folder left by an interrupted backup can be deleted)", err)
	}
	m, err := writeBackup(ctx, dbPath, dataDir, partial, prev, now)
	if err == nil {
		err = os.Rename(partial, out)
	}
	if err == nil {
		err = syncFile(filepath.Dir(out))
	}
	if err != nil {
		os.RemoveAll(partial)
		return nil, err
	}
	return m, nil
}

func writeBackup(ctx context.Context, dbPath, dataDir, dir, prev string, now time.Time) (*Manifest, error) {
	m := &Manifest{Format: 1, CreatedAt: now.UTC()}
	db := filepath.Join(dir, databaseName)
	if err := CopyDatabase(ctx, dbPath, db); err != nil {
		return nil, err
	}
	var err error
	if m.Snapshot, err = Inspect(ctx, db); err != nil {
		return nil, err
	}
	if m.Database, err = describe(dir, databaseName); err != nil {
		return nil, err
	}
	if m.Data, err = copyData(ctx, dataDir, dir, previousFiles(prev)); err != nil {
		return nil, err
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeSynced(filepath.Join(dir, ManifestName), append(body, '\n')); err != nil {
		return nil, fmt.Errorf("storage: backup manifest: %w", err)
	}
	return m, nil
}

// describe hashes the file at name inside dir.
func describe(dir, name string) (BackupFile, error) {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return BackupFile{}, fmt.Errorf("storage: backup: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return BackupFile{}, fmt.Errorf("storage: backup: read %s: %w", name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return BackupFile{}, fmt.Errorf("storage: backup: %w", err)
	}
	return BackupFile{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), ModTime: fi.ModTime().UTC()}, nil
}

// previousFiles are the data files of the backup folder prev, by path,
// with the folder they are in; nil when there is none to link from.
func previousFiles(prev string) map[string]linkable {
	if prev == "" {
		return nil
	}
	m, err := readManifest(prev)
	if err != nil {
		return nil // a damaged previous backup is simply not linked from
	}
	files := make(map[string]linkable, len(m.Data))
	for _, f := range m.Data {
		files[f.Path] = linkable{f, prev}
	}
	return files
}

type linkable struct {
	BackupFile
	dir string
}

// copyData copies the regular files under dataDir into dir/data, linking
// those unchanged since prev, and returns them as the manifest lists
// them. Temporary files of a download under way are left out.
func copyData(ctx context.Context, dataDir, dir string, prev map[string]linkable) ([]BackupFile, error) {
	var files []BackupFile
	err := filepath.WalkDir(dataDir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == dataDir {
			return fs.SkipAll // no data folder: nothing was ever received
		}
		if err != nil || ctx.Err() != nil {
			return errors.Join(err, ctx.Err())
		}
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".download-") {
			return nil
		}
		rel, err := filepath.Rel(dataDir, p)
		if err != nil {
			return err
		}
		f, err := copyDataFile(p, dir, path.Join(dataName, filepath.ToSlash(rel)), prev)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: backup data folder %s: %w", dataDir, err)
	}
	return files, nil
}

// copyDataFile puts the file src into dir under name: a hard link to the
// previous backup's copy when src has not changed since, else a copy.
func copyDataFile(src, dir, name string, prev map[string]linkable) (BackupFile, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return BackupFile{}, err
	}
	dst := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return BackupFile{}, err
	}
	if p, ok := prev[name]; ok && p.Size == fi.Size() && p.ModTime.Equal(fi.ModTime().UTC()) {
		if os.Link(filepath.Join(p.dir, filepath.FromSlash(name)), dst) == nil {
			return p.BackupFile, nil
		}
	}
	if err := copyFile(src, dst, fi.ModTime()); err != nil {
		return BackupFile{}, err
	}
	f, err := describe(dir, name)
	f.ModTime = fi.ModTime().UTC()
	return f, err
}

// copyFile copies src to dst, synced, with src's modification time.
func copyFile(src, dst string, mtime time.Time) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if err = errors.Join(err, out.Close()); err != nil {
		return err
	}
	return os.Chtimes(dst, mtime, mtime)
}

func writeSynced(name string, body []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(body)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

func readManifest(dir string) (*Manifest, error) {
	body, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, fmt.Errorf("storage: backup %s: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("storage: backup %s: %s: %w", dir, ManifestName, err)
	}
	if m.Format != 1 {
		return nil, fmt.Errorf("storage: backup %s: manifest format %d, want 1", dir, m.Format)
	}
	return &m, nil
}
