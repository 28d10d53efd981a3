package telegram

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
)

// recorder is a Receiver that notes each call and what the fake server
// had confirmed at that moment. It fails the first fails calls.
type recorder struct {
	srv   *telegramtest.Server
	fails int
	// afterOK, when set, runs after each successful receive.
	afterOK func()

	mu        sync.Mutex
	calls     []sigap.Inbound
	confirmed []int
}

func (r *recorder) Receive(ctx context.Context, in sigap.Inbound) error {
	r.mu.Lock()
	r.calls = append(r.calls, in)
	r.confirmed = append(r.confirmed, r.srv.Confirmed())
	fail := len(r.calls) <= r.fails
	r.mu.Unlock()
	if fail {
		return errors.New("storage: database is locked")
	}
	if r.afterOK != nil {
		r.afterOK()
	}
	return nil
}

func (r *recorder) PlatformIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, in := range r.calls {
		ids = append(ids, in.PlatformID)
	}
	return ids
}

// poll runs a.Poll in the background and returns a function that stops it
// and returns its error.
func poll(ctx context.Context, a *Adapter, recv sigap.Receiver) (stop func() error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Poll(ctx, recv) }()
	return func() error {
		cancel()
		return <-done
	}
}

// pollUntilConfirmed polls until Telegram saw update updateID confirmed,
// then stops the poller.
func pollUntilConfirmed(ctx context.Context, t *testing.T, a *Adapter, recv sigap.Receiver, srv *telegramtest.Server, updateID int) {
	t.Helper()
	stop := poll(ctx, a, recv)
	defer stop()
	if err := srv.WaitConfirmed(ctx, updateID); err != nil {
		t.Fatal(err)
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// An update is confirmed only after Receive succeeded; a failing Receive
// gets the same update again, and the offset never passes it meanwhile.
func TestPollConfirmsOnlyReceivedUpdates(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, ft, logs := newAdapter(t, srv, Config{})
	u1 := srv.AddText(5001, "jalan di Petanahan rusak")
	u2 := srv.AddText(5001, "tepatnya di depan balai desa")

	recv := &recorder{srv: srv, fails: 1}
	stop := poll(ctx, a, recv)
	if err := srv.WaitConfirmed(ctx, u2.UpdateID); err != nil {
		t.Fatal(err)
	}
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Poll = %v, want context.Canceled", err)
	}

	id1, id2 := "5001:"+strconv.Itoa(u1.Message.MessageID), "5001:"+strconv.Itoa(u2.Message.MessageID)
	if got, want := recv.PlatformIDs(), []string{id1, id1, id2}; !slices.Equal(got, want) {
		t.Fatalf("received %v, want %v", got, want)
	}
	updateOf := []int{u1.UpdateID, u1.UpdateID, u2.UpdateID}
	for i, c := range recv.confirmed {
		if c > updateOf[i] {
			t.Errorf("call %d: update %d was already confirmed (offset %d) before it was received", i, updateOf[i], c)
		}
	}
	if got := ft.Waits(); len(got) != 1 || got[0] != minBackoff {
		t.Errorf("waits %v, want one backoff of %s after the failed receive", got, minBackoff)
	}
	if !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("the failed receive is not logged:\n%s", logs.String())
	}
	if srv.Pending() != 0 {
		t.Errorf("%d updates still pending", srv.Pending())
	}
}

// An update received but not yet confirmed when the poller stops (the
// process died) is delivered again, with the same PlatformID, so the
// store's dedupe keeps one copy.
func TestPollRedeliveryAfterRestart(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer()
	defer srv.Close()
	u := srv.AddText(5001, "syarat membuat KTP apa saja?")

	first, _, _ := newAdapter(t, srv, Config{})
	pollCtx, cancel := context.WithCancel(ctx)
	recv1 := &recorder{srv: srv, afterOK: cancel}
	if err := first.Poll(pollCtx, recv1); !errors.Is(err, context.Canceled) {
		t.Fatalf("first Poll = %v, want context.Canceled", err)
	}
	if srv.Confirmed() > u.UpdateID || srv.Pending() != 1 {
		t.Fatalf("update confirmed by a poller that stopped (confirmed below %d, %d pending)", srv.Confirmed(), srv.Pending())
	}

	second, _, _ := newAdapter(t, srv, Config{})
	recv2 := &recorder{srv: srv}
	stop := poll(ctx, second, recv2)
	if err := srv.WaitConfirmed(ctx, u.UpdateID); err != nil {
		t.Fatal(err)
	}
	stop()
	got1, got2 := recv1.PlatformIDs(), recv2.PlatformIDs()
	if len(got1) != 1 || !slices.Equal(got1, got2) {
		t.Errorf("first delivery %v, redelivery %v, want the same single PlatformID", got1, got2)
	}
}

// Ignored updates are confirmed without reaching the receiver.
func TestPollSkipsIgnoredUpdates(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})
	group := srv.NewMessage(-100200, "Grup RT")
	group.Chat.Type = "group"
	group.Text = "rapat RT nanti malam"
	srv.AddUpdate(tgbotapi.Update{Message: group})
	last := srv.AddText(5001, "halo")

	recv := &recorder{srv: srv}
	pollUntilConfirmed(ctx, t, a, recv, srv, last.UpdateID)
	if got := recv.PlatformIDs(); len(got) != 1 || !strings.HasPrefix(got[0], "5001:") {
		t.Errorf("received %v, want only the private message", got)
	}
}

// A failing getUpdates is retried with what Telegram asks (retry_after)
// or with backoff, and the state says so meanwhile.
func TestPollRetriesGetUpdates(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, ft, _ := newAdapter(t, srv, Config{})
	srv.Fail("getUpdates", telegramtest.Failure{Code: 429, Description: "Too Many Requests", RetryAfter: 5})
	srv.Fail("getUpdates", telegramtest.Failure{Code: 502, Raw: "Bad Gateway"})
	u := srv.AddText(5001, "halo")

	var states []string
	ft.onWait = func(int) { states = append(states, a.State().State) }
	var changes []sigap.ChannelState
	a.OnStateChange(func(st sigap.ChannelState) { changes = append(changes, st) })
	recv := &recorder{srv: srv}
	pollUntilConfirmed(ctx, t, a, recv, srv, u.UpdateID)
	if got, want := ft.Waits(), []time.Duration{5 * time.Second, 2 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
	if !slices.Equal(states, []string{StateError, StateError}) {
		t.Errorf("states while waiting %v, want error twice", states)
	}
	if got := a.State().State; got != StateConnected {
		t.Errorf("state after recovery = %q, want %q", got, StateConnected)
	}
	// Two failures in a row are one change to error, with the time it
	// began, and one back.
	if len(changes) != 2 || changes[0].State != StateError || changes[1].State != StateConnected || !changes[1].Since.After(changes[0].Since) {
		t.Errorf("state changes %+v, want error then connected", changes)
	}
}

// Telegram failing at start and recovering later: Poll keeps trying getMe
// and then receives.
func TestPollRecoversAfterFailedStart(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer()
	defer srv.Close()
	srv.Fail("getMe", telegramtest.Failure{Code: 502, Raw: "Bad Gateway"})
	srv.Fail("getMe", telegramtest.Failure{Code: 502, Raw: "Bad Gateway"})
	a, ft, _ := newAdapter(t, srv, Config{})
	if got := a.State().State; got != StateError {
		t.Fatalf("state after failed start = %q, want %q", got, StateError)
	}
	u := srv.AddText(5001, "halo")
	recv := &recorder{srv: srv}
	pollUntilConfirmed(ctx, t, a, recv, srv, u.UpdateID)
	if len(recv.PlatformIDs()) != 1 {
		t.Errorf("received %v, want the message", recv.PlatformIDs())
	}
	if got := ft.Waits(); !slices.Equal(got, []time.Duration{time.Second}) {
		t.Errorf("waits %v, want one backoff before the second getMe", got)
	}
}

func TestPollStopsOnRejectedToken(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})
	srv.Fail("getUpdates", telegramtest.Failure{Code: 401, Description: "Unauthorized"})
	err := a.Poll(testContext(t), &recorder{srv: srv})
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("Poll = %v, want the Unauthorized error", err)
	}
	if got := a.State().State; got != StateUnauthorized {
		t.Errorf("state = %q, want %q", got, StateUnauthorized)
	}
}

// setAsideStore records what the adapter sets aside, failing the first
// fails calls as a database that is down would.
type setAsideStore struct {
	mu    sync.Mutex
	fails int
	calls int
	kept  []sigap.SetAsideUpdate
}

func (s *setAsideStore) SetAside(_ context.Context, u sigap.SetAsideUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls <= s.fails {
		return errors.New("storage: database is locked")
	}
	s.kept = append(s.kept, u)
	return nil
}

func (s *setAsideStore) Kept() []sigap.SetAsideUpdate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sigap.SetAsideUpdate(nil), s.kept...)
}

// An update the library cannot decode is set aside, raw, and the citizens
// behind it in the same batch are served; it is never given to the
// receiver and never asked for again.
func TestPollSetsAsideUnreadableUpdate(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer()
	defer srv.Close()
	kept := &setAsideStore{}
	a, _, _ := newAdapter(t, srv, Config{SetAside: kept.SetAside})
	srv.AddText(5001, "halo")
	bad := srv.AddRawUpdate(`{"message":{"message_id":9,"date":"kemarin","chat":{"id":5002,"type":"private"},"from":{"id":5002,"first_name":"Sri"},"text":"tolong"}}`)
	after := srv.AddText(5003, "jalan rusak")

	recv := &recorder{srv: srv}
	pollUntilConfirmed(ctx, t, a, recv, srv, after.UpdateID)
	if got := recv.PlatformIDs(); len(got) != 2 || !strings.HasPrefix(got[0], "5001:") || !strings.HasPrefix(got[1], "5003:") {
		t.Errorf("received %v, want the messages before and after the unreadable one", got)
	}
	k := kept.Kept()
	if len(k) != 1 || k[0].UpdateID != strconv.Itoa(bad) || k[0].Channel != sigap.Telegram || !strings.Contains(string(k[0].Raw), `"date":"kemarin"`) || !strings.Contains(k[0].Reason, "v5.5.1 can read") {
		t.Fatalf("set aside %+v, want update %d raw with the reason", k, bad)
	}
}

// A receiver that keeps failing on one update gets it maxUpdateTries
// times; then it is set aside. While setting it aside fails too, it is
// kept and tried again: nothing is confirmed unrecorded.
func TestPollSetsAsideUpdateTheReceiverKeepsFailing(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer()
	defer srv.Close()
	kept := &setAsideStore{fails: 1}
	a, ft, _ := newAdapter(t, srv, Config{SetAside: kept.SetAside})
	poison := srv.AddText(5001, "pesan yang selalu gagal")
	next := srv.AddText(5002, "halo")

	recv := receiverFunc(func(_ context.Context, in sigap.Inbound) error {
		if in.From.ID == "5001" {
			return errors.New("bot: handle message: constraint failed")
		}
		return nil
	})
	pollUntilConfirmed(ctx, t, a, recv, srv, next.UpdateID)
	k := kept.Kept()
	if len(k) != 1 || k[0].UpdateID != strconv.Itoa(poison.UpdateID) || !strings.Contains(k[0].Reason, "failed 6 times: bot: handle message: constraint failed") {
		t.Fatalf("set aside %+v, want the failing update once, with why", k)
	}
	// Four failed tries back off, the fifth fails to set aside and backs
	// off too, the sixth is set aside.
	if got, want := ft.Waits()[:5], []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

// Edits that only move a live location never reach the receiver; content
// Sigap does not handle arrives as a placeholder.
func TestPollLiveLocationAndPlaceholders(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})
	live := srv.NewMessage(5001, "Budi")
	live.Location = &tgbotapi.Location{Latitude: -7.6681, Longitude: 109.6525, LivePeriod: 3600}
	srv.AddUpdate(tgbotapi.Update{Message: live})
	for i := range 3 {
		moved := *live
		moved.Location = &tgbotapi.Location{Latitude: -7.6681 - float64(i+1)/1000, Longitude: 109.6525, LivePeriod: 3600}
		moved.EditDate = moved.Date + 60*(i+1)
		srv.AddUpdate(tgbotapi.Update{EditedMessage: &moved})
	}
	last := srv.AddRawUpdate(`{"message":{"message_id":90,"date":1712190600,"chat":{"id":5001,"type":"private"},"from":{"id":5001,"first_name":"Budi"},"story":{"chat":{"id":5001,"type":"private"},"id":4}}}`)

	recv := &recorder{srv: srv}
	pollUntilConfirmed(ctx, t, a, recv, srv, last)
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.calls) != 2 || recv.calls[0].Kind != sigap.KindLocation || recv.calls[1].MediaRef != "tg-unsupported:story" {
		t.Errorf("received %+v, want the live location once and the story's placeholder", recv.calls)
	}
}

// A webhook set while Sigap polls makes getUpdates fail with 409; the
// poller deletes it again and goes on.
func TestPollDeletesWebhookOnConflict(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, logs := newAdapter(t, srv, Config{})
	if err := a.SetWebhook(ctx, "https://elsewhere.example/hook", "other-secret"); err != nil {
		t.Fatal(err)
	}
	u := srv.AddText(5001, "halo")
	recv := &recorder{srv: srv}
	pollUntilConfirmed(ctx, t, a, recv, srv, u.UpdateID)
	if url, _ := srv.Webhook(); url != "" {
		t.Errorf("webhook %q still set", url)
	}
	if len(recv.PlatformIDs()) != 1 || !strings.Contains(logs.String(), "409") {
		t.Errorf("received %v; log:\n%s", recv.PlatformIDs(), logs.String())
	}
}
