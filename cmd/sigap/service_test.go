package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// startMain opens and runs, in this process, the Main serve runs, with
// Telegram on the fake Bot API tg; it stops when the test ends.
func startMain(t *testing.T, tg *telegramtest.Server, edit func(*Config)) *Main {
	t.Helper()
	m := NewMain()
	m.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	m.Config.DB, m.Config.DataDir, m.Config.HTTP = storagetest.DB(t), filepath.Join(dir, "data"), "127.0.0.1:0"
	m.Config.Telegram.Token, m.Config.Telegram.API = telegramtest.Token, tg.Endpoint()
	if edit != nil {
		edit(&m.Config)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Open(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		m.Close()
	})
	return m
}

// TestMainReceivesTelegramByWebhook runs the whole service in-process with
// Telegram in webhook mode: the adapter registers its webhook when it
// starts, Main mounts its route (sigap.HTTPChannel), and an update posted
// there is stored, answered and counted.
func TestMainReceivesTelegramByWebhook(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	m := startWebhookMain(t, tg)
	deadline := time.Now().Add(10 * time.Second)
	for url, _ := tg.Webhook(); url != testHookURL; url, _ = tg.Webhook() {
		if time.Now().After(deadline) {
			t.Fatalf("webhook set to %q, want %q", url, testHookURL)
		}
		time.Sleep(10 * time.Millisecond)
	}
	msg := tg.NewMessage(7101, "Budi")
	msg.Text = roadComplaint
	body, _ := json.Marshal(tgbotapi.Update{UpdateID: 1, Message: msg})
	post := func(secretHeader string) int { return postUpdate(t, ctx, m, secretHeader, body) }
	if got := post("wrong-secret-0123456789"); got != http.StatusUnauthorized {
		t.Errorf("a post with a wrong secret: %d, want 401", got)
	}
	secret := testHookSecret
	if got := post(secret); got != http.StatusOK {
		t.Fatalf("the update: %d, want 200 once stored", got)
	}
	sent, err := tg.WaitSent(ctx, 2)
	if err != nil {
		t.Fatalf("%v; sent %+v", err, sent)
	}
	if sent[0].Text != (bot.Texts{}).Welcome() || !ticketCode.MatchString(sent[1].Text) {
		t.Errorf("sent %+v, want the welcome and the acknowledgement", sent)
	}
	// Main exposes its parts: the ticket is in its store.
	err = m.Store.View(ctx, func(tx sigap.Tx) error {
		c, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: strconv.Itoa(7101)})
		if err != nil {
			return err
		}
		tk, err := tx.OpenTicket(ctx, c.ID)
		if err == nil && tk.OPD != "DPUPR" {
			t.Errorf("ticket in %s, want DPUPR", tk.OPD)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if post(secret) != http.StatusOK {
		t.Error("a redelivered update was not acknowledged")
	}
	// /metrics is on its own listener, not on the public one.
	resp, err := http.Get("http://" + m.Addr.String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the main listener: %d, want 404", resp.StatusCode)
	}
	metrics := get(t, ctx, "http://"+m.MetricsAddr.String()+"/metrics")
	for series, want := range map[string]float64{
		`sigap_messages_in_total{channel="tg"}`:        1,
		`sigap_messages_duplicate_total{channel="tg"}`: 1,
	} {
		if got, _ := metricValue(metrics, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
}

// The webhook of startWebhookMain's Telegram.
const testHookURL, testHookSecret = "https://sigap.example.go.id/telegram/webhook", "rahasia-webhook-0123456789"

// startWebhookMain runs Main with Telegram by webhook, and /metrics on a
// listener of its own.
func startWebhookMain(t *testing.T, tg *telegramtest.Server) *Main {
	t.Helper()
	return startMain(t, tg, func(c *Config) {
		c.Telegram.WebhookURL, c.Telegram.WebhookSecret = testHookURL, testHookSecret
		c.MetricsAddr = "127.0.0.1:0"
	})
}

// postUpdate posts an update to m's webhook with the secret header, as
// Telegram does, and returns the status.
func postUpdate(t *testing.T, ctx context.Context, m *Main, secret string, body []byte) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+m.Addr.String()+"/telegram/webhook", bytes.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func get(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestFailedStartLeavesNoDatabase: a serve that cannot listen stops, and
// takes back the database file it had just created.
func TestFailedStartLeavesNoDatabase(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	db := filepath.Join(t.TempDir(), "new.db")
	status, _, stderr := runInProcess(t, "serve", "--db", db, "--http", busy.Addr().String(), "--data", t.TempDir())
	if status != 1 || !strings.Contains(stderr, "listen on "+busy.Addr().String()) {
		t.Errorf("status %d, stderr %q; want 1 and why", status, stderr)
	}
	for _, f := range []string{db, db + "-wal", db + "-shm", db + ".lock"} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind (stat: %v)", f, err)
		}
	}
}

// TestServeLogsNoDatabasePassword: the line that says serve is serving
// names a PostgreSQL database by its URL without the password.
func TestServeLogsNoDatabasePassword(t *testing.T) {
	db := storagetest.Postgres(t)
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	password, ok := u.User.Password()
	if !ok || password == "" {
		t.Fatalf("the test database's URL %s has no password to hide", u.Redacted())
	}
	var log lockedBuffer
	m := NewMain()
	m.Logger = slog.New(slog.NewTextHandler(&log, nil))
	m.Config.DB, m.Config.DataDir, m.Config.HTTP = db, filepath.Join(t.TempDir(), "data"), "127.0.0.1:0"
	ctx, cancel := context.WithCancel(testContext(t, 30*time.Second))
	defer cancel()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	for !strings.Contains(log.String(), "sigap serving") {
		if ctx.Err() != nil {
			t.Fatalf("serve did not say it serves; log:\n%s", log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if out := log.String(); strings.Contains(out, ":"+password+"@") {
		t.Errorf("the log shows the database's password:\n%s", out)
	}
}
