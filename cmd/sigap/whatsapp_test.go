package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap/storage"
)

// unreachableProxy returns the address of a local port that refuses
// connections. Routing WhatsApp's websocket through it makes WhatsApp
// unreachable on any machine, with or without internet.
func unreachableProxy(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestWhatsAppCommandsAgainstTheBinary(t *testing.T) {
	needBinary(t)
	bin := sigapBinary
	proxy := unreachableProxy(t)
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantStdout string // substring
		wantStderr string // substring of the only line, when wantStatus != 0
		noDB       bool   // run without creating the database first
	}{
		{name: "link offline", args: []string{"whatsapp", "link", "--timeout", "3s"}, wantStatus: 1, wantStderr: "cannot reach WhatsApp"},
		{name: "link by phone offline", args: []string{"whatsapp", "link", "--phone", "6281234567890", "--timeout", "3s"}, wantStatus: 1, wantStderr: "cannot reach WhatsApp"},
		{name: "link with a local phone number", args: []string{"whatsapp", "link", "--phone", "081234567890"}, wantStatus: 1, wantStderr: "international form"},
		{name: "status on a fresh database", args: []string{"whatsapp", "status"}, wantStdout: "WhatsApp is not linked"},
		{name: "unlink when not linked", args: []string{"whatsapp", "unlink"}, wantStatus: 1, wantStderr: "not linked"},
		{name: "unknown subcommand", args: []string{"whatsapp", "pair"}, wantStatus: 2},
		{name: "status on a mistyped --db", args: []string{"whatsapp", "status"}, noDB: true, wantStatus: 1, wantStderr: "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			dbPath := filepath.Join(t.TempDir(), "sigap.db")
			if !tt.noDB {
				db, err := storage.Open(ctx, dbPath)
				if err != nil {
					t.Fatal(err)
				}
				db.Close()
			}
			cmd := exec.CommandContext(ctx, bin, tt.args...)
			cmd.Env = append(os.Environ(),
				"SIGAP_DB="+dbPath,
				"HTTPS_PROXY="+proxy, "https_proxy="+proxy, "HTTP_PROXY="+proxy, "http_proxy="+proxy,
				"NO_PROXY=", "no_proxy=")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if ctx.Err() != nil {
				t.Fatalf("still running after 30s; stderr: %s", stderr.String())
			}
			status := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				status = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tt.wantStatus {
				t.Fatalf("exit status %d, want %d\nstdout: %s\nstderr: %s", status, tt.wantStatus, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout %q, want it to contain %q", stdout.String(), tt.wantStdout)
			}
			if tt.wantStderr == "" {
				return
			}
			lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tt.wantStderr) {
				t.Errorf("stderr %q, want one line containing %q", stderr.String(), tt.wantStderr)
			}
			if strings.Contains(stderr.String(), "panic") || strings.Contains(stderr.String(), "goroutine") {
				t.Errorf("stderr shows a crash: %s", stderr.String())
			}
		})
	}
}
