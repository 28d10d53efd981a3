package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
)

// An update Telegram sends that Sigap cannot read is set aside: stored raw
// for the admin page, counted in /metrics, and acknowledged, so the
// updates behind it go on.
func TestMainStoresAndCountsSetAsideUpdates(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	const hookURL, secret = "https://sigap.example.go.id/telegram/webhook", "rahasia-webhook-0123456789"
	m := startMain(t, tg, func(c *Config) {
		c.Telegram.WebhookURL, c.Telegram.WebhookSecret = hookURL, secret
		c.MetricsAddr = "127.0.0.1:0"
	})
	unreadable := `{"update_id":77,"message":{"message_id":9,"date":"kemarin","chat":{"id":5002,"type":"private"},"from":{"id":5002,"first_name":"Sri"},"text":"tolong"}}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+m.Addr.String()+"/telegram/webhook", strings.NewReader(unreadable))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the unreadable update: %d, want 200 once set aside", resp.StatusCode)
	}
	kept, err := sigap.Read(ctx, m.Store, func(tx sigap.Tx) ([]sigap.SetAsideUpdate, error) {
		list, _, err := tx.SetAsideUpdates(context.Background(), 10)
		return list, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 1 || kept[0].UpdateID != "77" || kept[0].Raw != unreadable || kept[0].Channel != sigap.Telegram {
		t.Errorf("kept %+v, want update 77 raw", kept)
	}
	metrics := get(t, ctx, "http://"+m.MetricsAddr.String()+"/metrics")
	if got, _ := metricValue(metrics, `sigap_updates_set_aside_total{channel="tg"}`); got != 1 {
		t.Errorf("sigap_updates_set_aside_total = %v, want 1", got)
	}
}
