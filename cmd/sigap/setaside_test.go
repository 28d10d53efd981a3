package main

import (
	"context"
	"net/http"
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
	m := startWebhookMain(t, tg)
	unreadable := `{"update_id":77,"message":{"message_id":9,"date":"kemarin","chat":{"id":5002,"type":"private"},"from":{"id":5002,"first_name":"Sri"},"text":"tolong"}}`
	if status := postUpdate(t, ctx, m, testHookSecret, []byte(unreadable)); status != http.StatusOK {
		t.Fatalf("the unreadable update: %d, want 200 once set aside", status)
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
