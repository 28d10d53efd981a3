package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// TestBackupFolderRoundTrip writes two backups of a database and its data
// folder, the second linking what did not change, checks them, restores
// one elsewhere and prunes the older.
func TestBackupFolderRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTest(t)
	addCitizen(t, db, "tg:1001")
	data, backups := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(data, "media", "telegram", "2024-04", "a.jpg"), "photo a")
	writeFile(t, filepath.Join(data, "media", "telegram", "2024-04", "b.jpg"), "photo b")
	writeFile(t, filepath.Join(data, "media", "telegram", "2024-04", ".download-123"), "half a photo")

	first := filepath.Join(backups, BackupName(t0))
	m, err := WriteBackup(ctx, db.path, data, first, "", t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Data) != 2 || m.Snapshot.Tables["citizens"] != 1 || m.Database.SHA256 == "" {
		t.Fatalf("manifest %+v, want two files, one citizen and the database's checksum", m)
	}
	addCitizen(t, db, "tg:1002")
	writeFile(t, filepath.Join(data, "media", "telegram", "2024-04", "b.jpg"), "photo b, sent again")
	second := filepath.Join(backups, BackupName(t0.Add(24*time.Hour)))
	if _, err := WriteBackup(ctx, db.path, data, second, first, t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	a := filepath.Join("data", "media", "telegram", "2024-04", "a.jpg")
	b := filepath.Join("data", "media", "telegram", "2024-04", "b.jpg")
	if inode(t, filepath.Join(first, a)) != inode(t, filepath.Join(second, a)) {
		t.Error("an unchanged photo was copied again instead of linked")
	}
	if inode(t, filepath.Join(first, b)) == inode(t, filepath.Join(second, b)) {
		t.Error("a changed photo was linked to its old copy")
	}
	if _, err := VerifyBackup(ctx, second); err != nil {
		t.Fatal(err)
	}

	restored, restoredData := filepath.Join(t.TempDir(), "restored.db"), t.TempDir()
	if _, err := RestoreBackup(ctx, second, restored, restoredData, false); err != nil {
		t.Fatal(err)
	}
	if body, err := os.ReadFile(filepath.Join(restoredData, "media", "telegram", "2024-04", "b.jpg")); string(body) != "photo b, sent again" {
		t.Errorf("restored photo: %q, %v", body, err)
	}
	rdb, err := Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	view(t, rdb, func(tx sigap.Tx) error {
		_, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: "1002"})
		return err
	})
	rdb.Close()
	if _, err := RestoreBackup(ctx, second, restored, restoredData, false); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a restore over an existing database: %v, want it refused", err)
	}
	// serve running on the database holds its lease.
	running, err := Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	lease, err := running.AcquireLease(ctx, ThisProcess(t0))
	if err != nil {
		t.Fatal(err)
	}
	var held *LeaseHeldError
	if _, err := RestoreBackup(ctx, first, restored, restoredData, true); !errors.As(err, &held) {
		t.Errorf("a restore under a running serve: %v, want it refused", err)
	}
	lease.Release()
	running.Close()
	if _, err := RestoreBackup(ctx, first, restored, restoredData, true); err != nil {
		t.Errorf("a restore that replaces the database: %v", err)
	}

	if err := os.Mkdir(filepath.Join(backups, BackupName(t0.Add(48*time.Hour))+".partial"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := PruneBackups(backups, 1); err != nil {
		t.Fatal(err)
	}
	paths, _, err := Backups(backups)
	if err != nil || len(paths) != 1 || paths[0] != second {
		t.Errorf("after pruning to 1: %v, %v; want only %s", paths, err, second)
	}
	if left, _ := os.ReadDir(backups); len(left) != 1 {
		t.Errorf("left in the backup folder: %v", left)
	}
}

func TestVerifyBackupFindsDamage(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTest(t)
	addCitizen(t, db, "tg:1001")
	data := t.TempDir()
	writeFile(t, filepath.Join(data, "media", "a.jpg"), "photo a")
	for _, tt := range []struct {
		name   string
		damage func(dir string)
	}{
		{"a photo changed", func(dir string) { writeFile(t, filepath.Join(dir, "data", "media", "a.jpg"), "photo A") }},
		{"the database truncated", func(dir string) {
			if err := os.Truncate(filepath.Join(dir, "sigap.db"), 4096); err != nil {
				t.Fatal(err)
			}
		}},
		{"the manifest missing", func(dir string) { os.Remove(filepath.Join(dir, ManifestName)) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "backup")
			if _, err := WriteBackup(ctx, db.path, data, dir, "", t0); err != nil {
				t.Fatal(err)
			}
			tt.damage(dir)
			if _, err := VerifyBackup(ctx, dir); err == nil {
				t.Error("the damaged backup passed")
			}
			if _, err := RestoreBackup(ctx, dir, filepath.Join(t.TempDir(), "r.db"), t.TempDir(), false); err == nil {
				t.Error("the damaged backup was restored")
			}
		})
	}
}
