package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap/internal/clocktest"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"

	sigap "github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// sent is one message the fake WhatsApp accepted.
type sent struct {
	To   types.JID
	ID   types.MessageID // as Sigap asked; "" leaves it to whatsmeow
	Text string
	At   time.Time
	// A file's message: what kind, under which name, with what caption,
	// pointing at which upload.
	Image, Document   bool
	FileName, Caption string
	Mimetype, URL     string
}

// fakeWA stands in for WhatsApp behind waClient.
type fakeWA struct {
	clock *clocktest.Clock

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every call
	offline   bool
	sent      []sent
	attempts  []sent // every SendMessage call, failed ones too
	presence  []types.ChatPresence
	presences []types.Presence
	read      []types.MessageID
	fail      map[int]error // SendMessage call number (from 1) that fails
	calls     int
	photo     []byte
	photoErr  error
	downloads int
	connects  []time.Time // when ConnectContext was called
	connErrs  []error     // what the next ConnectContext calls return
	resets    []time.Time // when ResetConnection was called
	uploads   []upload
}

// upload is a file Upload received.
type upload struct {
	Data string
	Kind whatsmeow.MediaType
}

func newFakeWA(clock *clocktest.Clock) *fakeWA {
	return &fakeWA{clock: clock, changed: make(chan struct{})}
}

// notify wakes waitFor; the caller holds f.mu.
func (f *fakeWA) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// waitFor waits until cond, called with f.mu held, holds: the adapter
// calls the fake from goroutines of its own.
func (f *fakeWA) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		f.mu.Lock()
		ok, changed := cond(), f.changed
		f.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (f *fakeWA) ConnectContext(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.connects = append(f.connects, f.clock.Now())
	f.notify()
	if len(f.connErrs) > 0 {
		err := f.connErrs[0]
		f.connErrs = f.connErrs[1:]
		return err
	}
	return nil
}

func (f *fakeWA) ResetConnection() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resets = append(f.resets, f.clock.Now())
	f.notify()
}

func (f *fakeWA) SendPresence(_ context.Context, state types.Presence) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.presences = append(f.presences, state)
	f.notify()
	return nil
}

func (f *fakeWA) IsConnected() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.offline
}

// SendMessage records the message; a failing call still records it in
// attempts, as a send that timed out may have reached WhatsApp.
func (f *fakeWA) SendMessage(_ context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if len(extra) > 1 {
		return whatsmeow.SendResponse{}, errors.New("fake: whatsmeow takes one SendRequestExtra")
	}
	s := sent{To: to, Text: m.GetConversation(), At: f.clock.Now()}
	if img := m.GetImageMessage(); img != nil {
		s.Image, s.Caption, s.Mimetype, s.URL = true, img.GetCaption(), img.GetMimetype(), img.GetURL()
	}
	if doc := m.GetDocumentMessage(); doc != nil {
		s.Document, s.Caption, s.Mimetype, s.URL, s.FileName = true, doc.GetCaption(), doc.GetMimetype(), doc.GetURL(), doc.GetFileName()
	}
	if len(extra) == 1 {
		s.ID = extra[0].ID
	}
	f.attempts = append(f.attempts, s)
	if err := f.fail[f.calls]; err != nil {
		return whatsmeow.SendResponse{}, err
	}
	if m.GetExtendedTextMessage() != nil {
		return whatsmeow.SendResponse{}, errors.New("fake: got an extended text message, which may carry a link preview")
	}
	f.sent = append(f.sent, s)
	return whatsmeow.SendResponse{ID: s.ID, Timestamp: f.clock.Now()}, nil
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

// Upload takes the file as WhatsApp's media servers would, answering with
// where it lies.
func (f *fakeWA) Upload(_ context.Context, data []byte, kind whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploads = append(f.uploads, upload{Data: string(data), Kind: kind})
	n := len(f.uploads)
	return whatsmeow.UploadResponse{URL: fmt.Sprintf("https://mmg.whatsapp.net/upload/%d", n), DirectPath: fmt.Sprintf("/upload/%d", n),
		MediaKey: []byte("key"), FileLength: uint64(len(data))}, nil
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
func newTestAdapter(t *testing.T, cfg Config) (*Adapter, *fakeWA, *clocktest.Clock) {
	t.Helper()
	clock := clocktest.New(time.Date(2024, 4, 3, 9, 0, 0, 0, time.UTC))
	db := storagetest.OpenAlone(t) // it keeps whatsmeow's tables
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
	wa := newFakeWA(clock)
	a.mu.Lock()
	a.wa, a.lids = wa, nil
	a.mu.Unlock()
	return a, wa, clock
}

// gatedSleep is a Sleep that waits until the test lets it end, so a test
// sees each wait the adapter schedules and decides when it is over.
type gatedSleep struct {
	clock *clocktest.Clock
	waits chan *pendingSleep
}

type pendingSleep struct {
	d       time.Duration
	release chan struct{}
	done    chan error // what Sleep returned
}

func newGatedSleep(clock *clocktest.Clock) *gatedSleep {
	return &gatedSleep{clock: clock, waits: make(chan *pendingSleep, 16)}
}

func (g *gatedSleep) Sleep(ctx context.Context, d time.Duration) error {
	p := &pendingSleep{d: d, release: make(chan struct{}), done: make(chan error, 1)}
	g.waits <- p
	select {
	case <-p.release:
		g.clock.Add(d)
		p.done <- nil
		return nil
	case <-ctx.Done():
		p.done <- ctx.Err()
		return ctx.Err()
	}
}

// next returns the next wait the adapter began.
func (g *gatedSleep) next(t *testing.T) *pendingSleep {
	t.Helper()
	select {
	case p := <-g.waits:
		return p
	case <-time.After(5 * time.Second):
		t.Fatal("timed out waiting for the adapter to wait")
		return nil
	}
}

// end lets the wait end, as its time passed, and reports whether it
// was still waited for rather than cancelled.
func (p *pendingSleep) end() bool {
	select {
	case p.release <- struct{}{}:
	case <-p.done:
		return false
	}
	return <-p.done == nil
}

// linkTestAdapter gives a's session a linked device, as 'sigap whatsapp
// link' leaves it, with wa still standing in for WhatsApp.
func linkTestAdapter(t *testing.T, a *Adapter, wa *fakeWA) {
	t.Helper()
	device := a.container.NewDevice()
	id := types.NewADJID("6287700000001", 0, 12)
	device.ID = &id
	device.Account = &waAdv.ADVSignedDeviceIdentity{
		Details: []byte{1}, AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64),
	}
	if err := a.container.PutDevice(context.Background(), device); err != nil {
		t.Fatal(err)
	}
	a.setClient(device)
	a.mu.Lock()
	a.wa, a.lids = wa, nil
	a.mu.Unlock()
}
