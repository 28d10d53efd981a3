package telegram

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
)

// fakeTime is the clock and the wait of an Adapter under test: waiting
// moves the clock instead of sleeping, and is recorded.
type fakeTime struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
	// onWait, when set, runs on each wait; the test cancels with it.
	onWait func(n int)
}

func newFakeTime() *fakeTime {
	return &fakeTime{now: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
}

func (f *fakeTime) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeTime) Wait(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.now = f.now.Add(d)
	n, onWait := len(f.waits), f.onWait
	f.mu.Unlock()
	if onWait != nil {
		onWait(n)
	}
	return ctx.Err()
}

func (f *fakeTime) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// logBuffer collects an Adapter's log for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newAdapter returns an Adapter talking to srv on fake time.
func newAdapter(t *testing.T, srv *telegramtest.Server, cfg Config) (*Adapter, *fakeTime, *logBuffer) {
	t.Helper()
	ft := newFakeTime()
	logs := &logBuffer{}
	if cfg.Token == "" {
		cfg.Token = telegramtest.Token
	}
	cfg.APIEndpoint = srv.Endpoint()
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	cfg.Now = ft.Now
	cfg.PollTimeout = time.Second
	a, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	a.wait = ft.Wait
	return a, ft, logs
}

func TestNewChecksConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"empty token", Config{}, "token is empty"},
		{"token with space", Config{Token: "123:abc def"}, "white space"},
		{"endpoint without verbs", Config{Token: "1:a", APIEndpoint: "https://api.telegram.org/bot"}, "two %s"},
		{"endpoint with other verb", Config{Token: "1:a", APIEndpoint: "https://x/bot%s/%d"}, "two %s"},
		{"endpoint not http", Config{Token: "1:a", APIEndpoint: "ftp://x/bot%s/%s"}, "not an http"},
		{"poll timeout below a second", Config{Token: "1:a", PollTimeout: 500 * time.Millisecond}, "at least 1s"},
		{"client timeout below poll", Config{Token: "1:a", HTTPClient: clientWithTimeout(5 * time.Second), PollTimeout: 25 * time.Second}, "must exceed the poll timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v, want it to mention %q", err, tt.want)
			}
			if sigap.ErrorCode(err) != sigap.EINVALID {
				t.Errorf("code = %q, want %q", sigap.ErrorCode(err), sigap.EINVALID)
			}
		})
	}
}

func TestNewConnects(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})
	if got := a.State().State; got != StateConnected {
		t.Errorf("state = %q, want %q", got, StateConnected)
	}
	if got := a.Username(); got != telegramtest.Bot.UserName {
		t.Errorf("username = %q, want %q", got, telegramtest.Bot.UserName)
	}
}

func TestNewRejectedToken(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	_, err := New(context.Background(), Config{Token: "999:wrong", APIEndpoint: srv.Endpoint(), Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("New with a wrong token: err = %v, want Unauthorized", err)
	}
	if strings.Contains(err.Error(), "999:wrong") {
		t.Errorf("error leaks the token: %v", err)
	}
}

// Telegram unreachable at start must not stop the service: New returns
// the adapter, reports the error in its state and log without the token,
// and Poll keeps retrying with growing backoff until ctx ends.
func TestTelegramDownAtStart(t *testing.T) {
	srv := telegramtest.NewServer()
	endpoint := srv.Endpoint()
	srv.Close()

	ft := newFakeTime()
	logs := &logBuffer{}
	a, err := New(context.Background(), Config{
		Token:       telegramtest.Token,
		APIEndpoint: endpoint,
		Logger:      slog.New(slog.NewTextHandler(logs, nil)),
		Now:         ft.Now,
	})
	if err != nil {
		t.Fatalf("New with Telegram down: %v, want the adapter", err)
	}
	st := a.State()
	if st.State != StateError || !strings.Contains(st.Detail, "getMe") {
		t.Errorf("state = %+v, want %q naming getMe", st, StateError)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a.wait = ft.Wait
	ft.onWait = func(n int) {
		if n == 3 {
			cancel()
		}
	}
	err = a.Poll(ctx, receiverFunc(func(context.Context, sigap.Inbound) error { return nil }))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll = %v, want context.Canceled", err)
	}
	if got, want := ft.Waits(), []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("backoff = %v, want %v", got, want)
	}
	out := logs.String()
	if !strings.Contains(out, "unreachable") {
		t.Errorf("log does not say Telegram is unreachable:\n%s", out)
	}
	if strings.Contains(out, telegramtest.Token) || strings.Contains(st.Detail, telegramtest.Token) {
		t.Errorf("log or state leaks the token:\n%s\n%s", out, st.Detail)
	}
}

func clientWithTimeout(d time.Duration) *http.Client { return &http.Client{Timeout: d} }

type receiverFunc func(context.Context, sigap.Inbound) error

func (f receiverFunc) Receive(ctx context.Context, in sigap.Inbound) error { return f(ctx, in) }
