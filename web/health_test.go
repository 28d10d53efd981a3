package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage"
)

func TestHealth(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := storage.Open(ctx, filepath.Join(dir, "sigap.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(ctx, func(tx sigap.Tx) error {
		return tx.Enqueue(ctx, &sigap.Outbound{To: sigap.Address{Channel: sigap.Telegram, ID: "1"}, Text: "halo"})
	})
	if err != nil {
		t.Fatal(err)
	}
	channels := func() []sigap.ChannelState {
		return []sigap.ChannelState{{Channel: sigap.WhatsApp, State: "logged_out", Since: time.Now()}}
	}
	var logs strings.Builder
	holder := func(context.Context) any { return map[string]any{"pid": 4242, "here": true} }
	h := Health(HealthConfig{Store: db, Writes: func(ctx context.Context) error { return db.CheckWrites(ctx).Err },
		Channels: channels, Folders: map[string]string{"database": dir}, Holder: holder, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	get := func() (int, map[string]any) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("healthz is not JSON: %v: %s", err, rec.Body)
		}
		return rec.Code, body
	}
	code, body := get()
	if code != http.StatusOK || body["status"] != "ok" || body["outbox_backlog"] != 1.0 {
		t.Errorf("healthy: %d %v", code, body)
	}
	if ch, _ := body["channels"].([]any); len(ch) != 1 || ch[0].(map[string]any)["state"] != "logged_out" {
		t.Errorf("channels: %v", body["channels"])
	}
	if h, _ := body["channels_holder"].(map[string]any); h["pid"] != 4242.0 || h["here"] != true {
		t.Errorf("channels holder: %v", body["channels_holder"])
	}
	disk, _ := body["disk"].(map[string]any)["database"].(map[string]any)
	if free, total := disk["free_bytes"].(float64), disk["total_bytes"].(float64); free <= 0 || total < free {
		t.Errorf("free space of the database's file system: %v", body["disk"])
	}

	// A full database: reads still work, writes fail.
	handle, _ := db.SharedSQL()
	var pages int
	if err := handle.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := handle.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	err = db.Update(ctx, func(tx sigap.Tx) error {
		return tx.Enqueue(ctx, &sigap.Outbound{To: sigap.Address{Channel: sigap.Telegram, ID: "1"}, Text: strings.Repeat("halo ", 5000)})
	})
	if err == nil {
		t.Fatal("a write to the full database succeeded")
	}
	code, body = get()
	if code != http.StatusServiceUnavailable || body["status"] != "database writes failing" || body["outbox_backlog"] != 1.0 {
		t.Errorf("full database: %d %v, want 503 saying writes fail", code, body)
	}
	if db := body["database"].(map[string]any); db["reads"] != "ok" || db["writes"] != "failing" {
		t.Errorf("full database: %v", db)
	}
	if strings.Contains(fmt.Sprint(body), "full") || !strings.Contains(logs.String(), "database or disk is full") {
		t.Errorf("the write error should be in the log, not the answer: %v\nlog: %s", body, logs.String())
	}

	db.Close()
	if code, body := get(); code != http.StatusServiceUnavailable || body["status"] != "database unavailable" {
		t.Errorf("closed database: %d %v, want 503 without the error's details", code, body)
	}
	if !strings.Contains(logs.String(), "healthz: database") {
		t.Errorf("the database error is not logged: %s", logs.String())
	}
}
