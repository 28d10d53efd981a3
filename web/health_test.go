package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

func TestHealth(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	err := db.Update(ctx, func(tx sigap.Tx) error {
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
	h := Health(db, channels, holder, slog.New(slog.NewTextHandler(&logs, nil)))
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
	db.Close()
	if code, body := get(); code != http.StatusServiceUnavailable || body["status"] != "database unavailable" {
		t.Errorf("closed database: %d %v, want 503 without the error's details", code, body)
	}
	if !strings.Contains(logs.String(), "healthz: database") {
		t.Errorf("the database error is not logged: %s", logs.String())
	}
}
