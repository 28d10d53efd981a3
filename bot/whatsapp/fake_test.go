package whatsapp

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"

	sigap "github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// fakeClock is a clock that moves only when a test or a Sleep moves it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		c.Advance(d)
	}
	return ctx.Err()
}

// sent is one message the fake WhatsApp accepted.
type sent struct {
	To   types.JID
	Text string
	At   time.Time
}

// fakeWA stands in for WhatsApp behind waClient.
type fakeWA struct {
	clock *fakeClock

	mu        sync.Mutex
	offline   bool
	sent      []sent
	presence  []types.ChatPresence
	read      []types.MessageID
	fail      map[int]error // SendMessage call number (from 1) that fails
	calls     int
	photo     []byte
	photoErr  error
	downloads int
}

func (f *fakeWA) IsConnected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.offline
}

func (f *fakeWA) SendMessage(_ context.Context, to types.JID, m *waE2E.Message, _ ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err := f.fail[f.calls]; err != nil {
		return whatsmeow.SendResponse{}, err
	}
	if m.GetExtendedTextMessage() != nil {
		return whatsmeow.SendResponse{}, errors.New("fake: got an extended text message, which may carry a link preview")
	}
	f.sent = append(f.sent, sent{To: to, Text: m.GetConversation(), At: f.clock.Now()})
	return whatsmeow.SendResponse{ID: "SENT", Timestamp: f.clock.Now()}, nil
}

func (f *fakeWA) SendChatPresence(_ context.Context, _ types.JID, state types.ChatPresence, _ types.ChatPresenceMedia) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.presence = append(f.presence, state)
	return nil
}

func (f *fakeWA) MarkRead(_ context.Context, ids []types.MessageID, _ time.Time, _, _ types.JID, _ ...types.ReceiptType) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.read = append(f.read, ids...)
	return nil
}

func (f *fakeWA) Download(context.Context, whatsmeow.DownloadableMessage) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.downloads++
	return f.photo, f.photoErr
}

func (f *fakeWA) texts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, s := range f.sent {
		out = append(out, s.Text)
	}
	return out
}

// fakeReceiver records what the adapter hands on, failing when told to.
type fakeReceiver struct {
	mu  sync.Mutex
	got []sigap.Inbound
	err error
}

func (r *fakeReceiver) Receive(_ context.Context, in sigap.Inbound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.got = append(r.got, in)
	return nil
}

// newTestAdapter returns an adapter on a fresh database whose WhatsApp is
// the returned fake.
func newTestAdapter(t *testing.T, cfg Config) (*Adapter, *fakeWA, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: time.Date(2024, 4, 3, 9, 0, 0, 0, time.UTC)}
	db := storagetest.Open(t)
	cfg.Store = db
	cfg.SessionDB, cfg.SessionDialect = db.SharedSQL()
	cfg.Now, cfg.Sleep = clock.Now, clock.Sleep
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	a, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	wa := &fakeWA{clock: clock}
	a.mu.Lock()
	a.wa, a.lids = wa, nil
	a.mu.Unlock()
	return a, wa, clock
}
