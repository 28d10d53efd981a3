package metrics_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/metrics"
	"github.com/pemkab-kebumen/sigap/storage"
)

func scrape(t *testing.T, m *metrics.Metrics) (string, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String(), rec.Header().Get("Content-Type")
}

func TestExposition(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(ctx, func(tx sigap.Tx) error {
		for i := range 7 {
			o := &sigap.Outbound{To: sigap.Address{Channel: sigap.Telegram, ID: "1"}, Text: strings.Repeat("x", i+1)}
			if err := tx.Enqueue(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	m.WatchBacklog(db, slog.New(slog.DiscardHandler))
	m.MessageIn(sigap.Telegram)
	m.MessageIn(sigap.Telegram)
	m.MessageIn(sigap.WhatsApp)
	m.TicketOpened("DPUPR")
	var none *metrics.Metrics
	none.MessageIn(sigap.Telegram) // must not panic

	body, ct := scrape(t, m)
	for _, want := range []string{
		"# TYPE sigap_messages_in_total counter\n",
		`sigap_messages_in_total{channel="tg"} 2` + "\n",
		`sigap_messages_in_total{channel="wa"} 1` + "\n",
		`sigap_tickets_opened_total{opd="DPUPR"} 1` + "\n",
		"# TYPE sigap_outbox_backlog gauge\nsigap_outbox_backlog 7\n",
		"\ngo_goroutines ",
		"\nprocess_start_time_seconds ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("exposition lacks %q:\n%s", want, body)
		}
	}
	if !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	// Metrics come out sorted by name, so scrapes diff cleanly.
	if strings.Index(body, "sigap_messages_in_total") > strings.Index(body, "sigap_outbox_backlog") {
		t.Error("metrics not sorted by name")
	}
}

// stuckStore is a database that never answers.
type stuckStore struct{}

func (stuckStore) Update(ctx context.Context, fn func(sigap.Tx) error) error {
	<-ctx.Done()
	return ctx.Err()
}
func (s stuckStore) View(ctx context.Context, fn func(sigap.Tx) error) error {
	return s.Update(ctx, fn)
}

func TestBacklogOfAStuckDatabaseDoesNotHoldTheScrape(t *testing.T) {
	m := metrics.New()
	m.WatchBacklog(stuckStore{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	start := time.Now()
	body, _ := scrape(t, m)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("scrape took %s", took)
	}
	if strings.Contains(body, "sigap_outbox_backlog ") || !strings.Contains(body, "go_goroutines") {
		t.Errorf("want the other series without a backlog value:\n%s", body)
	}
}
