package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
)

// A second serve on the database of a running one refuses to start, names
// the first and the database, and exits non-zero; the first keeps
// answering, alone: every reply goes out once.
func TestSecondServeOnOneDatabaseIsRefused(t *testing.T) {
	needBinary(t)
	ctx := testContext(t, 30*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	db := filepath.Join(t.TempDir(), "sigap.db")
	first := startServe(t, db, tg.Endpoint())
	first.waitHealthy(ctx)

	cmd := exec.CommandContext(ctx, sigapBinary, "serve", "--db", db, "--http", freeAddr(t), "--data", t.TempDir())
	cmd.Dir = t.TempDir()
	cmd.Env = serveEnv(tg.Endpoint())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("the second serve still runs; stderr:\n%s", stderr.String())
	}
	if cmd.ProcessState.ExitCode() != 1 {
		t.Errorf("the second serve exited with %d (%v), want 1", cmd.ProcessState.ExitCode(), err)
	}
	host, _ := os.Hostname()
	for _, want := range []string{"in use by another sigap serve", db, fmt.Sprintf("pid %d", first.cmd.Process.Pid), "host " + host} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the refusal does not say %q:\n%s", want, stderr.String())
		}
	}
	if strings.Count(stderr.String(), "\n") > 2 {
		t.Errorf("the refusal is more than a line or two:\n%s", stderr.String())
	}

	tg.AddText(7010, "halo")
	sent, err := tg.WaitSent(ctx, 1)
	if err != nil {
		first.fatalf("the first serve no longer answers: %v", err)
	}
	if sent[0].ChatID != 7010 || sent[0].Text != (bot.Texts{}).Welcome() {
		first.fatalf("sent %+v, want the welcome to chat 7010", sent)
	}
	first.waitFor(ctx, "the outbox to empty", func() bool { return first.health(ctx).OutboxBacklog == 0 })
	if n := len(tg.Sent()); n != 1 {
		t.Errorf("%d messages sent, want the welcome once", n)
	}
	if h := first.health(ctx); h.Status != "ok" {
		t.Errorf("the first serve's /healthz says %q", h.Status)
	}
}
