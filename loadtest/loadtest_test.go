package loadtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// chatServer answers as sigap's chat pages do: GET /chat sets a cookie and
// shows the form, POST /chat/send checks the form against the cookie and
// redirects. It records what was posted; slow makes every POST take that
// long, fail answers every fifth with a 500, hold holds every fourth.
type chatServer struct {
	slow time.Duration
	fail bool
	hold bool
	mu   sync.Mutex
	seen map[string]bool // msgid
	n    atomic.Int64
}

func (s *chatServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/chat":
		token := fmt.Sprintf("token-%d", s.n.Add(1))
		http.SetCookie(w, &http.Cookie{Name: "csrf", Value: token})
		fmt.Fprintf(w, `<form><input type="hidden" name="csrf" value="%s"><input type="hidden" name="msgid" value="00ff"></form>`, token)
	case r.Method == http.MethodPost && r.URL.Path == "/chat/send":
		time.Sleep(s.slow)
		c, err := r.Cookie("csrf")
		if err != nil || c.Value != r.PostFormValue("csrf") || r.PostFormValue("text") == "" {
			http.Error(w, "form expired", http.StatusForbidden)
			return
		}
		s.mu.Lock()
		dup := s.seen[r.PostFormValue("msgid")]
		s.seen[r.PostFormValue("msgid")] = true
		n := len(s.seen)
		s.mu.Unlock()
		if dup || (s.fail && n%5 == 0) {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		if s.hold && n%4 == 0 {
			http.Redirect(w, r, "/chat?held=1#akhir", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/chat#akhir", http.StatusSeeOther)
	default:
		http.NotFound(w, r)
	}
}

func newChatServer(t *testing.T, s *chatServer) string {
	s.seen = map[string]bool{}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts.URL
}

func TestRunOffersTheRateAndMeasures(t *testing.T) {
	url := newChatServer(t, &chatServer{slow: 20 * time.Millisecond})
	r, err := Run(context.Background(), Config{URL: url, Rate: 200, Duration: 500 * time.Millisecond, Conversations: 50})
	if err != nil {
		t.Fatal(err)
	}
	if r.Offered != 100 || r.OK != 100 || r.Failed != 0 {
		t.Errorf("offered %d, ok %d, failed %d; want 100 offered and answered", r.Offered, r.OK, r.Failed)
	}
	if r.P50 < 20*time.Millisecond || r.P99 < r.P90 || r.P90 < r.P50 || r.Max < r.P99 {
		t.Errorf("latencies %v: want at least the server's 20ms, in order", r)
	}
	if r.Rate < 150 || r.Rate > 210 {
		t.Errorf("%.0f msgs/s answered, want about the 200 offered", r.Rate)
	}
}

func TestRunCountsFailures(t *testing.T) {
	url := newChatServer(t, &chatServer{fail: true})
	r, err := Run(context.Background(), Config{URL: url, Rate: 100, Duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.Failed != r.Offered/5 || r.OK != r.Offered-r.Failed || !strings.Contains(r.FirstError, "500") {
		t.Errorf("%v: want one in five failed, with the status", r)
	}
}

func TestRunCountsHeldMessages(t *testing.T) {
	url := newChatServer(t, &chatServer{hold: true})
	r, err := Run(context.Background(), Config{URL: url, Rate: 100, Duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.Held != r.Offered/4 || r.OK != r.Offered-r.Held || r.Failed != 0 {
		t.Errorf("%v: want one in four held, the rest answered", r)
	}
	if _, _, err := FindRate(context.Background(), Config{URL: url}, 50, 100*time.Millisecond, time.Second); !errors.Is(err, ErrNoRate) {
		t.Errorf("a server that holds messages: %v, want ErrNoRate", err)
	}
}

func TestFindRateStopsWhereLatencyMisses(t *testing.T) {
	// 4 conversations at 40ms a POST answer at most 100 a second: beyond
	// that, messages wait for a free one and their time grows.
	url := newChatServer(t, &chatServer{slow: 40 * time.Millisecond})
	best, rate, err := FindRate(context.Background(), Config{URL: url, Conversations: 4}, 25, 400*time.Millisecond, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if rate < 50 || rate > 150 || best.P99 > 100*time.Millisecond || best.OK == 0 {
		t.Errorf("found %.0f msgs/s (%v), want about 100 within 100ms", rate, best)
	}
	if _, _, err := FindRate(context.Background(), Config{URL: url, Conversations: 4}, 25, 200*time.Millisecond, 10*time.Millisecond); !errors.Is(err, ErrNoRate) {
		t.Errorf("a target faster than the server: %v, want ErrNoRate", err)
	}
}

func TestConfigRefusesWhatIsNotBoundedOrLocal(t *testing.T) {
	ok := Config{URL: "http://127.0.0.1:1", Rate: 10, Duration: time.Second}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"another machine", func(c *Config) { c.URL = "http://192.0.2.1:8080" }, "not on this machine"},
		{"no url", func(c *Config) { c.URL = "127.0.0.1:8080" }, "want http://"},
		{"no rate", func(c *Config) { c.Rate = 0 }, "rate"},
		{"too fast", func(c *Config) { c.Rate = MaxRate + 1 }, "rate"},
		{"too long", func(c *Config) { c.Duration = MaxDuration + time.Second }, "duration"},
		{"negative conversations", func(c *Config) { c.Conversations = -1 }, "conversations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			if err := c.check(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("check: %v, want an error about %q", err, tt.want)
			}
		})
	}
	if err := ok.check(); err != nil || ok.Conversations != 60 || len(ok.Texts) == 0 {
		t.Errorf("a good config: %v, %d conversations, %d texts; want 60 (ten messages a minute each)", err, ok.Conversations, len(ok.Texts))
	}
}
