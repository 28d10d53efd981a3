package main

import (
	"fmt"
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
	"github.com/pemkab-kebumen/sigap/storage"
)

// litestreamVersion is the Litestream release README documents and CI
// installs.
const litestreamVersion = "v0.5.18"

// litestreamBinary finds the litestream command on PATH or where go
// install puts it. Without it the test fails under CI, which installs it,
// and is skipped elsewhere.
func litestreamBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("litestream"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		gopath = build.Default.GOPATH
	}
	p := filepath.Join(strings.Split(gopath, string(os.PathListSeparator))[0], "bin", "litestream")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	const install = "go install github.com/benbjohnson/litestream/cmd/litestream@" + litestreamVersion
	if os.Getenv("CI") != "" {
		t.Fatalf("litestream is not installed (CI installs it: %s)", install)
	}
	t.Skipf("litestream is not installed; %s to run this test (it fails instead of skipping when CI is set)", install)
	return ""
}

// litestreamConfig writes a Litestream configuration that replicates db to
// the folder replica, checking for changes often so that the test is
// quick.
func litestreamConfig(t *testing.T, db, replica string) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "litestream.yml")
	body := fmt.Sprintf(`dbs:
  - path: %s
    monitor-interval: 100ms
    replica:
      type: file
      path: %s
      sync-interval: 100ms
`, db, replica)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestLitestreamReplicatesAndRestores runs serve in --litestream mode under
// Litestream, which replicates the database to a file replica while
// citizens write; a restore from the replica alone holds every ticket,
// passes SQLite's integrity check, and opens as a Sigap database. Sigap
// does not fight Litestream over checkpoints: Litestream never had to
// start its replica over from a second snapshot.
func TestLitestreamReplicatesAndRestores(t *testing.T) {
	bin := litestreamBinary(t)
	ctx := testContext(t, 90*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	m := startMain(t, tg, func(c *Config) { c.DB, c.Litestream = filepath.Join(t.TempDir(), "sigap.db"), true })
	replica := filepath.Join(t.TempDir(), "replica")
	cfg := litestreamConfig(t, m.Config.DB, replica)
	var logs lockedBuffer
	cmd := exec.CommandContext(ctx, bin, "replicate", "-config", cfg)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})

	committed, stop := webChatLoad(ctx, t, m)
	waitFor(ctx, t, "the load", func() bool { return committed.Load() >= 300 })
	// What serve does when the database goes idle, and after anonymize:
	// under --litestream it leaves the WAL alone.
	if done, err := m.Store.TruncateWAL(ctx); done || err != nil {
		t.Fatalf("TruncateWAL under --litestream: done %v, %v; want nothing done", done, err)
	}
	waitFor(ctx, t, "more load", func() bool { return committed.Load() >= 600 })
	stop()
	want, err := sigap.Read(ctx, m.Store, func(tx sigap.Tx) (int, error) {
		n := 0
		err := tx.ReportTickets(ctx, time.Time{}, time.Now().Add(time.Hour), func(sigap.ReportTicket) error { n++; return nil })
		return n, err
	})
	if err != nil {
		t.Fatal(err)
	}

	var snap storage.Snapshot
	restored := filepath.Join(t.TempDir(), "restored.db")
	waitFor(ctx, t, "the replica to hold every ticket", func() bool {
		os.Remove(restored)
		out, err := exec.CommandContext(ctx, bin, "restore", "-config", cfg, "-o", restored, m.Config.DB).CombinedOutput()
		if err != nil {
			t.Logf("litestream restore: %v: %s", err, out)
			return false
		}
		snap, err = storage.Inspect(ctx, restored)
		if err != nil {
			t.Fatalf("the restored database: %v", err)
		}
		return snap.Tables["tickets"] == int64(want)
	})
	db, err := storage.Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	snapshots, _ := filepath.Glob(filepath.Join(replica, "ltx", "9", "*.ltx"))
	if len(snapshots) > 1 || strings.Contains(logs.String(), "by another process") {
		t.Errorf("Litestream took %d snapshots; Sigap's checkpoints got in its way:\n%s", len(snapshots), logs.String())
	}
}
