package whatsapp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap/internal/clocktest"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"

	sigap "github.com/pemkab-kebumen/sigap"
)

// startSupervised starts a linked adapter whose waits the test ends, and
// returns it once its first connection attempt was made.
func startSupervised(t *testing.T) (*Adapter, *fakeWA, *clocktest.Clock, *gatedSleep) {
	t.Helper()
	a, wa, clock := newTestAdapter(t, Config{})
	sleep := newGatedSleep(clock)
	a.cfg.Sleep = sleep.Sleep
	linkTestAdapter(t, a, wa)
	if err := a.Start(context.Background(), &fakeReceiver{}); err != nil {
		t.Fatal(err)
	}
	wa.waitFor(t, "the first connection", func() bool { return len(wa.connects) == 1 })
	if st := a.State(); st.State != StateConnecting {
		t.Fatalf("state after Start %+v, want connecting", st)
	}
	return a, wa, clock, sleep
}

// After every way WhatsApp can end a session that whatsmeow does not
// retry, the adapter says why and when it tries again, and does: after a
// ban as soon as it ends, otherwise after a wait that grows while
// connections keep failing and starts over after a stable connection.
func TestSupervisorReconnects(t *testing.T) {
	a, wa, clock, sleep := startSupervised(t)
	steps := []struct {
		name      string
		connected time.Duration // how long a connection lasted before evt; < 0: none came
		evt       any
		state     string
		detail    string
		wait      time.Duration
	}{
		{"replaced after a stable connection", time.Hour, &events.StreamReplaced{}, StateReplaced, "another program", time.Minute},
		{"replaced again at once", -1, &events.StreamReplaced{}, StateReplaced, "another program", 2 * time.Minute},
		{"refused without a reason whatsmeow knows", time.Minute, &events.ConnectFailure{Reason: events.ConnectFailureReason(418), Message: "teapot"},
			StateDisconnected, "refused the connection", 4 * time.Minute},
		{"banned: retried when the ban ends", 11 * time.Minute, &events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: 90 * time.Minute},
			StateBanned, "too many", 90 * time.Minute},
	}
	for _, s := range steps {
		if s.connected >= 0 {
			a.handleEvent(&events.Connected{})
			clock.Add(s.connected)
		}
		before := len(wa.connects)
		at := clock.Now()
		a.handleEvent(s.evt)
		st := a.State()
		retryAt := at.Add(s.wait).Format("2006-01-02 15:04:05 MST")
		if st.State != s.state || !strings.Contains(st.Detail, s.detail) || !strings.Contains(st.Detail, "trying again at "+retryAt) {
			t.Errorf("%s: state %+v, want %s with %q, trying again at %s", s.name, st, s.state, s.detail, retryAt)
		}
		p := sleep.next(t)
		if p.d != s.wait {
			t.Errorf("%s: waits %s, want %s", s.name, p.d, s.wait)
		}
		if !p.end() {
			t.Fatalf("%s: the wait was cancelled", s.name)
		}
		wa.waitFor(t, s.name+": connecting again", func() bool { return len(wa.connects) == before+1 })
		if got := wa.connects[before]; !got.Equal(at.Add(s.wait)) {
			t.Errorf("%s: connected again at %s, want %s", s.name, got, at.Add(s.wait))
		}
	}
}

// A retry scheduled is dropped when a connection comes first, or when the
// phone logged the device out, after which only linking again helps.
func TestSupervisorDropsRetryNoLongerNeeded(t *testing.T) {
	for _, end := range []any{&events.Connected{}, &events.LoggedOut{Reason: events.ConnectFailureLoggedOut}} {
		a, wa, _, sleep := startSupervised(t)
		a.handleEvent(&events.StreamReplaced{})
		p := sleep.next(t)
		a.handleEvent(end)
		if p.end() {
			t.Errorf("after %T the retry still ran", end)
		}
		if n := len(wa.connects); n != 1 {
			t.Errorf("after %T: %d connection attempts, want only the first", end, n)
		}
	}
}

// A first connection that fails in a way whatsmeow does not retry is
// reported and retried; a deleted session is reported as logged out.
func TestSupervisorRetriesFailedFirstConnect(t *testing.T) {
	a, wa, clock := newTestAdapter(t, Config{})
	sleep := newGatedSleep(clock)
	a.cfg.Sleep = sleep.Sleep
	wa.connErrs = []error{errors.New("websocket: bad handshake\n(HTTP 403)"), nil}
	linkTestAdapter(t, a, wa)
	if err := a.Start(context.Background(), &fakeReceiver{}); err != nil {
		t.Fatal(err)
	}
	p := sleep.next(t)
	st := a.State()
	if st.State != StateDisconnected || !strings.Contains(st.Detail, "cannot connect: websocket: bad handshake (HTTP 403)") || p.d != minRedial {
		t.Fatalf("state %+v, retry in %s; want disconnected saying why, retrying in %s", st, p.d, minRedial)
	}
	p.end()
	wa.waitFor(t, "the second attempt", func() bool { return len(wa.connects) == 2 })

	b, waB, _ := newTestAdapter(t, Config{})
	waB.connErrs = []error{store.ErrDeviceDeleted}
	linkTestAdapter(t, b, waB)
	if err := b.Start(context.Background(), &fakeReceiver{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if st, err := b.waitState(ctx, StateLoggedOut); err != nil || !strings.Contains(st.Detail, "sigap whatsapp link") {
		t.Errorf("deleted session: state %+v, %v; want logged out telling how to link", st, err)
	}
}

// On 405 client outdated the adapter tries WhatsApp Web's current version
// at once, and otherwise keeps retrying while it tells to update Sigap.
func TestClientOutdated(t *testing.T) {
	builtIn := store.GetWAVersion()
	t.Cleanup(func() { store.SetWAVersion(builtIn) })
	newer := store.WAVersionContainer{builtIn[0], builtIn[1], builtIn[2] + 1}

	a, wa, _, sleep := startSupervised(t)
	a.latestVersion = func(context.Context) (*store.WAVersionContainer, error) { return &newer, nil }
	a.handleEvent(&events.ClientOutdated{})
	p := sleep.next(t)
	if p.d != time.Second || store.GetWAVersion() != newer {
		t.Errorf("retry in %s with version %s; want at once with %s", p.d, store.GetWAVersion(), newer)
	}
	if st := a.State(); st.State != StateOutdated || !strings.Contains(st.Detail, "update Sigap") || !strings.Contains(st.Detail, newer.String()) {
		t.Errorf("state %+v, want client_outdated telling to update Sigap and trying %s", st, newer)
	}
	p.end()
	wa.waitFor(t, "connecting with the new version", func() bool { return len(wa.connects) == 2 })

	// Still refused, and WhatsApp Web has nothing newer.
	a.latestVersion = func(context.Context) (*store.WAVersionContainer, error) { return &newer, nil }
	a.handleEvent(&events.ClientOutdated{})
	if p := sleep.next(t); p.d <= time.Second {
		t.Errorf("refused again: retry in %s, want the backoff", p.d)
	}
	a.latestVersion = func(context.Context) (*store.WAVersionContainer, error) { return nil, errors.New("no route to host") }
	a.handleEvent(&events.ClientOutdated{})
	if p := sleep.next(t); p.d <= time.Second {
		t.Errorf("version unknown: retry in %s, want the backoff", p.d)
	}
	if st := a.State(); st.State != StateOutdated || !strings.Contains(st.Detail, "update Sigap") {
		t.Errorf("state %+v, want client_outdated telling to update Sigap", st)
	}
}

// Since is when the state began: a new retry time in the same state keeps
// it, so supervisors can be told how long the channel has been down.
func TestStateSinceKeptThroughDetailChanges(t *testing.T) {
	a, _, clock, sleep := startSupervised(t)
	var seen []sigap.ChannelState
	a.OnStateChange(func(st sigap.ChannelState) { seen = append(seen, st) })
	down := clock.Now()
	a.handleEvent(&events.StreamReplaced{})
	sleep.next(t)
	clock.Add(3 * time.Minute)
	a.handleEvent(&events.StreamReplaced{})
	sleep.next(t)
	if len(seen) != 2 || seen[0].Detail == seen[1].Detail {
		t.Fatalf("listener saw %+v, want two details", seen)
	}
	for _, st := range seen {
		if !st.Since.Equal(down) {
			t.Errorf("state %+v, want since %s", st, down)
		}
	}
}

// A panic in the handler must not reach whatsmeow, which would recover it
// and acknowledge the message as handled.
func TestPanickingReceiverLeavesMessageUnacknowledged(t *testing.T) {
	a, wa, _ := newTestAdapter(t, Config{})
	a.recv = receiverFunc(func(context.Context, sigap.Inbound) error { panic("nil map in the bot") })
	if a.handleEvent(directMessage("P1", textMessage("halo"))) {
		t.Error("a message whose handler panicked was acknowledged")
	}
	if len(wa.read) != 0 {
		t.Error("a message whose handler panicked was marked read")
	}
}

type receiverFunc func(context.Context, sigap.Inbound) error

func (f receiverFunc) Receive(ctx context.Context, in sigap.Inbound) error { return f(ctx, in) }
