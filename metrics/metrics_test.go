package metrics

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestExposition(t *testing.T) {
	r := New()
	in := r.Counter("sigap_messages_in_total", "Citizen messages received.", "channel")
	in.Inc("tg")
	in.Inc("tg")
	in.Inc("wa")
	var nilCounter *Counter
	nilCounter.Inc("x") // must not panic
	r.Gauge("sigap_outbox_backlog", "Messages waiting.", func() float64 { return 7 })
	if c := r.Counter("sigap_messages_in_total", "again", "channel"); c != in {
		t.Error("Counter with the same name made a second counter")
	}

	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		"# TYPE sigap_messages_in_total counter\n",
		`sigap_messages_in_total{channel="tg"} 2` + "\n",
		`sigap_messages_in_total{channel="wa"} 1` + "\n",
		"# TYPE sigap_outbox_backlog gauge\nsigap_outbox_backlog 7\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("exposition lacks %q:\n%s", want, body)
		}
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	// Metrics come out sorted by name, so scrapes diff cleanly.
	if strings.Index(body, "sigap_messages_in_total") > strings.Index(body, "sigap_outbox_backlog") {
		t.Error("metrics not sorted by name")
	}
}
