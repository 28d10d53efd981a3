package whatsapp

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waCompanionReg"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	sigap "github.com/pemkab-kebumen/sigap"
)

func textMessage(s string) *waE2E.Message { return &waE2E.Message{Conversation: proto.String(s)} }

// switchReceiver fails while failing is set, counting every call.
type switchReceiver struct {
	mu      sync.Mutex
	failing bool
	calls   int
	got     []sigap.Inbound
}

func (r *switchReceiver) Receive(_ context.Context, in sigap.Inbound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.failing {
		return errors.New("storage: disk I/O error")
	}
	r.got = append(r.got, in)
	return nil
}

func (r *switchReceiver) set(failing bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failing = failing
}

func (r *switchReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

// A message whose store fails is retried in the process with backoff; when
// it still fails it stays unacknowledged and the connection is reset so
// WhatsApp delivers it again, at most every few minutes while storing
// fails, and once more when storing works again.
func TestReceiveRetriesThenResetsForRedelivery(t *testing.T) {
	a, wa, clock := newTestAdapter(t, Config{})
	sleep := newGatedSleep(clock)
	a.cfg.Sleep = sleep.Sleep
	recv := &switchReceiver{}
	a.recv = recv
	handle := func(id string, waits ...time.Duration) bool {
		t.Helper()
		ack := make(chan bool, 1)
		go func() { ack <- a.handleEvent(directMessage(id, textMessage("halo"))) }()
		for _, want := range waits {
			if p := sleep.next(t); p.d != want {
				t.Errorf("%s: waited %s, want %s", id, p.d, want)
				p.end()
			} else {
				p.end()
			}
		}
		return <-ack
	}

	recv.set(true)
	if handle("R1", time.Second, 2*time.Second, 4*time.Second) {
		t.Error("R1 acknowledged although it was never stored")
	}
	if n := recv.count(); n != receiveTries {
		t.Errorf("R1 tried %d times, want %d", n, receiveTries)
	}
	if p := sleep.next(t); p.d != 0 || !p.end() {
		t.Errorf("first reset after %s, want at once", p.d)
	}
	wa.waitFor(t, "the first reset", func() bool { return len(wa.resets) == 1 })

	// While storing fails, other messages are tried once, and the next
	// reset waits its turn.
	if handle("R2") || handle("R3") {
		t.Error("a message that was not stored was acknowledged")
	}
	if n := recv.count(); n != receiveTries+2 {
		t.Errorf("%d tries in all, want one each for R2 and R3", n)
	}
	next := sleep.next(t)
	if next.d != 2*resetGap {
		t.Errorf("second reset after %s, want %s", next.d, 2*resetGap)
	}

	recv.set(false)
	if !handle("R4") {
		t.Error("R4 stored but not acknowledged")
	}
	next.end()
	wa.waitFor(t, "the reset for the messages left behind", func() bool { return len(wa.resets) == 2 })
	if !handle("R5") {
		t.Error("R5 stored but not acknowledged")
	}
	if len(wa.resets) != 2 {
		t.Errorf("%d resets, want none once all is stored", len(wa.resets))
	}
	if !slices.Equal(wa.read, []types.MessageID{"R4", "R5"}) {
		t.Errorf("marked read %v, want only the stored R4 and R5", wa.read)
	}
}

// An undecryptable message becomes a placeholder on the ticket, left
// unread on the phone; one the sender marked as hidden is not shown.
func TestUndecryptableMessage(t *testing.T) {
	a, wa, _ := newTestAdapter(t, Config{})
	recv := &fakeReceiver{}
	a.recv = recv
	info := directMessage("3EB0CC", textMessage("")).Info
	a.handleEvent(&events.UndecryptableMessage{Info: info})
	a.handleEvent(&events.UndecryptableMessage{Info: info, DecryptFailMode: events.DecryptFailHide})
	if len(recv.got) != 1 {
		t.Fatalf("handed on %d messages, want one placeholder", len(recv.got))
	}
	if in := recv.got[0]; in.Kind != sigap.KindDocument || in.MediaRef != "wa-unreadable:3EB0CC" || in.PlatformID != "3EB0CC:unreadable" || in.From.ID != "6281234567890" {
		t.Errorf("placeholder %+v", in)
	}
	if len(wa.read) != 0 {
		t.Errorf("placeholder marked read: %v", wa.read)
	}
}

// A message typed on the regency's phone is handed on as such and not
// marked read (the phone wrote it).
func TestHandleMessageFromOwnAccount(t *testing.T) {
	a, wa, _ := newTestAdapter(t, Config{})
	recv := &fakeReceiver{}
	a.recv = recv
	evt := directMessage("3A00FF", textMessage("Baik, kami cek."))
	evt.Info.IsFromMe, evt.Info.Sender = true, regencyDevice
	if !a.handleEvent(evt) {
		t.Fatal("not acknowledged")
	}
	if len(recv.got) != 1 || !recv.got[0].FromOwnAccount || recv.got[0].From.ID != "6281234567890" {
		t.Errorf("handed on %+v, want the phone's message in the citizen's chat", recv.got)
	}
	if len(wa.read) != 0 {
		t.Errorf("marked read %v", wa.read)
	}
}

// On connecting, and when the push name arrives, the device says it is
// unavailable, so the phone keeps showing notifications; never available.
func TestPresenceUnavailable(t *testing.T) {
	a, wa, _ := newTestAdapter(t, Config{})
	a.handleEvent(&events.Connected{})
	wa.waitFor(t, "a presence after connecting", func() bool { return len(wa.presences) == 1 })
	a.handleEvent(&events.PushNameSetting{})
	wa.waitFor(t, "a presence after the push name", func() bool { return len(wa.presences) == 2 })
	for _, p := range wa.presences {
		if p != types.PresenceUnavailable {
			t.Errorf("sent presence %q", p)
		}
	}
}

// The session acknowledges a message only after it is stored, keeps what
// it decrypted until then, and asks the phone for what it cannot decrypt;
// the phone lists the device by the regency's name, as a desktop.
func TestClientSettings(t *testing.T) {
	a, wa, _ := newTestAdapter(t, Config{})
	linkTestAdapter(t, a, wa)
	cli := a.session()
	if !cli.SynchronousAck || !cli.EnableDecryptedEventBuffer || !cli.AutomaticMessageRerequestFromPhone {
		t.Errorf("SynchronousAck %v, EnableDecryptedEventBuffer %v, AutomaticMessageRerequestFromPhone %v; want all set",
			cli.SynchronousAck, cli.EnableDecryptedEventBuffer, cli.AutomaticMessageRerequestFromPhone)
	}
	// The buffer lives in Sigap's SQLite file, next to the session.
	if buf, err := cli.Store.EventBuffer.GetBufferedEvent(context.Background(), [32]byte{1}); buf != nil || err != nil {
		t.Errorf("buffer of decrypted messages: %v, %v; want an empty table", buf, err)
	}
	if got := store.DeviceProps.GetOs(); got != "Sigap Pemkab Kebumen" {
		t.Errorf("device name %q", got)
	}
	if got := store.DeviceProps.GetPlatformType(); got != waCompanionReg.DeviceProps_DESKTOP {
		t.Errorf("platform %s, want DESKTOP", got)
	}
}
