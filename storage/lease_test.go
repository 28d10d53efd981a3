package storage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// leaseHelperEnv makes the test binary a process that holds a database's
// lease until it is killed.
const leaseHelperEnv = "SIGAP_TEST_HOLD_LEASE"

func TestMain(m *testing.M) {
	if path := os.Getenv(leaseHelperEnv); path != "" {
		holdLease(path)
		return
	}
	os.Exit(m.Run())
}

// holdLease holds the lease of the database path names (a file or a
// PostgreSQL URL, whose lease lasts a second unless renewed) until killed.
func holdLease(path string) {
	ctx := context.Background()
	db, err := Open(ctx, path, WithLeaseTTL(time.Second))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	if _, err := db.AcquireLease(ctx, ThisProcess(time.Now())); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("held")
	select {} // until killed
}

// startHolder starts a process that holds the lease of the database path
// names (holdLease), killed when the test ends.
func startHolder(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	holder := exec.Command(os.Args[0], "-test.run=^$")
	holder.Env = append(os.Environ(), leaseHelperEnv+"="+path)
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	if line, _ := bufio.NewReader(out).ReadString('\n'); strings.TrimSpace(line) != "held" {
		t.Fatalf("the holder said %q", line)
	}
	return holder
}

// A second process is refused the lease with the holder's pid and host;
// once the holder is killed, however abruptly, the lease is free.
func TestLeaseIsOneProcessAtATime(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sigap.db")
	holder := startHolder(t, path)

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.AcquireLease(ctx, ThisProcess(time.Now()))
	var held *LeaseHeldError
	if !errors.As(err, &held) {
		t.Fatalf("second lease: %v, want a *LeaseHeldError", err)
	}
	host, _ := os.Hostname()
	if held.Holder.PID != holder.Process.Pid || held.Holder.Host != host || held.DB != path {
		t.Errorf("held by %+v of %s, want pid %d on %s of %s", held.Holder, held.DB, holder.Process.Pid, host, path)
	}
	for _, want := range []string{path, fmt.Sprintf("pid %d", holder.Process.Pid), "host " + host} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}

	holder.Process.Kill()
	holder.Wait()
	lease, err := db.AcquireLease(ctx, ThisProcess(time.Now()))
	if err != nil {
		t.Fatalf("lease after the holder was killed: %v", err)
	}
	if _, err := db.AcquireLease(ctx, ThisProcess(time.Now())); !errors.As(err, &held) || held.Holder.PID != os.Getpid() {
		t.Errorf("a second lease in the holding process: %v, want refused naming this process", err)
	}
	if err := lease.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := db.AcquireLease(ctx, ThisProcess(time.Now()))
	if err != nil {
		t.Fatalf("lease after Release: %v", err)
	}
	again.Release()
}

// An in-memory database is private to its process: its lease is free.
func TestLeaseOfMemoryDatabase(t *testing.T) {
	db, err := Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 2 {
		if _, err := db.AcquireLease(context.Background(), ThisProcess(time.Now())); err != nil {
			t.Fatal(err)
		}
	}
}
