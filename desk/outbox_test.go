package desk_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// platform stands in for a messaging platform: it fails the next sends
// with the queued errors, then accepts. It is safe for the outbox's
// parallel chats.
type platform struct {
	mu    sync.Mutex
	fail  []error
	got   []string
	seen  []sigap.Outbound // every message it was handed, in order
	calls int
	sent  chan string // when set, receives each accepted text
}

func (p *platform) Send(_ context.Context, m sigap.Outbound) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	p.seen = append(p.seen, m)
	if len(p.fail) > 0 {
		err := p.fail[0]
		p.fail = p.fail[1:]
		return err
	}
	p.got = append(p.got, m.Text)
	if p.sent != nil {
		p.sent <- m.Text
	}
	return nil
}

func (p *platform) texts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.got...)
}

func (p *platform) callCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

func openDB(t *testing.T) *storage.DB { return storagetest.Open(t) }

func enqueue(t *testing.T, db *storage.DB, at time.Time, to sigap.Address, texts ...string) {
	t.Helper()
	err := db.Update(context.Background(), func(tx sigap.Tx) error {
		for _, text := range texts {
			if err := tx.Enqueue(context.Background(), &sigap.Outbound{To: to, Text: text, Created: at}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func backlog(t *testing.T, db *storage.DB) int {
	t.Helper()
	n, err := sigap.Read(context.Background(), db, func(tx sigap.Tx) (int, error) { return tx.OutboxBacklog(context.Background()) })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waiting reads the messages still to send at now, with their tries.
func waiting(t *testing.T, db *storage.DB, now time.Time) []sigap.Outbound {
	t.Helper()
	due, err := sigap.Read(context.Background(), db, func(tx sigap.Tx) ([]sigap.Outbound, error) {
		return tx.DueOutbound(context.Background(), now, 100, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	return due
}

func TestOutboxRetriesAndKeepsChatOrder(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	now := start
	db := openDB(t)
	tg := &platform{fail: []error{
		&sigap.RetryAfterError{Wait: 30 * time.Second, Err: errors.New("429")},
		errors.New("connection reset"),
	}}
	ob := &desk.Outbox{Store: db, Now: func() time.Time { return now }, Senders: map[sigap.Channel]sigap.Sender{sigap.Telegram: tg}}
	to := sigap.Address{Channel: sigap.Telegram, ID: "1"}
	enqueue(t, db, start, to, "satu", "dua")

	steps := []struct {
		at        time.Duration
		delivered []string
		backlog   int
	}{
		{0, nil, 2},                // 429: wait 30 s; "dua" waits behind "satu"
		{29 * time.Second, nil, 2}, // not due yet
		{30 * time.Second, nil, 2}, // connection reset: back off 4 s (second attempt)
		{33 * time.Second, nil, 2}, // still backing off
		{34 * time.Second, []string{"satu", "dua"}, 0},
	}
	for _, s := range steps {
		now = start.Add(s.at)
		if _, err := ob.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if got := tg.texts(); strings.Join(got, ",") != strings.Join(s.delivered, ",") {
			t.Fatalf("at +%s delivered %q, want %q in that order", s.at, got, s.delivered)
		}
		if n := backlog(t, db); n != s.backlog {
			t.Errorf("at +%s backlog %d, want %d", s.at, n, s.backlog)
		}
	}
}

// down is a channel that is not connected until up is set: it sends
// nothing and says so.
type down struct {
	platform
	up   bool
	wait time.Duration
}

func (d *down) Send(ctx context.Context, m sigap.Outbound) error {
	d.mu.Lock()
	up := d.up
	d.mu.Unlock()
	if !up {
		d.mu.Lock()
		d.calls++
		d.mu.Unlock()
		return &sigap.NotSentError{Wait: d.wait, Err: sigap.ErrNotConnected}
	}
	return d.platform.Send(ctx, m)
}

// A channel that is not connected, or holds back for its own pacing, makes
// no try: nothing is counted, the channel is left alone for the wait it
// asked for (or a short while), and the other channels go on meanwhile.
func TestOutboxNotConnectedIsNoAttempt(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	now := start
	db := openDB(t)
	wa, tg := &down{wait: 40 * time.Second}, &platform{}
	ob := &desk.Outbox{Store: db, Now: func() time.Time { return now },
		Senders: map[sigap.Channel]sigap.Sender{sigap.WhatsApp: wa, sigap.Telegram: tg}}
	enqueue(t, db, start, sigap.Address{Channel: sigap.WhatsApp, ID: "62811"}, "wa satu")
	enqueue(t, db, start, sigap.Address{Channel: sigap.WhatsApp, ID: "62822"}, "wa dua")
	enqueue(t, db, start, sigap.Address{Channel: sigap.Telegram, ID: "1"}, "tg")

	drain := func(at time.Duration) {
		t.Helper()
		now = start.Add(at)
		if _, err := ob.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	drain(0)
	if got := tg.texts(); len(got) != 1 {
		t.Errorf("Telegram delivered %q while WhatsApp was down, want its message", got)
	}
	tries := wa.callCount()
	drain(39 * time.Second)
	if wa.callCount() != tries {
		t.Errorf("WhatsApp asked again within the 40 s it asked for")
	}
	wa.wait = 0
	drain(40 * time.Second)
	drain(50 * time.Second)
	if wa.callCount() != tries+1 {
		t.Errorf("WhatsApp asked %d times after its hold, want once more, then left alone a while", wa.callCount()-tries)
	}
	for _, m := range waiting(t, db, now) {
		if m.Attempts != 0 || m.LastError != "" {
			t.Errorf("message %q counts %d tries (%q) while WhatsApp sent nothing", m.Text, m.Attempts, m.LastError)
		}
	}
	wa.mu.Lock()
	wa.up = true
	wa.mu.Unlock()
	drain(56 * time.Second)
	if got := wa.texts(); len(got) != 2 || backlog(t, db) != 0 {
		t.Errorf("once connected WhatsApp delivered %q, backlog %d; want both, none left", got, backlog(t, db))
	}
}

// deskWithStaff is a fixture whose DPUPR agent and supervisor linked
// Telegram, with one DPUPR ticket of a web chat citizen.
func deskWithStaff(t *testing.T) (*deskFixture, *sigap.Ticket) {
	t.Helper()
	f := newFixture(t, testKB())
	f.now = at(4, 9, 0)
	err := f.db.Update(f.ctx, func(tx sigap.Tx) error {
		for _, s := range []sigap.Staff{
			{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR", TelegramChatID: "100"},
			{Username: "dinkes", Role: sigap.RoleAgent, OPD: "DINKES", TelegramChatID: "200"},
			{Username: "boss", Role: sigap.RoleSupervisor, TelegramChatID: "300"},
		} {
			if err := tx.CreateStaff(f.ctx, &s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f, f.open(t, "DPUPR")
}

var agent = &sigap.Staff{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR"}

// staffNotices are the staff-lane messages waiting, by chat.
func staffNotices(t *testing.T, db *storage.DB, now time.Time) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, m := range waiting(t, db, now) {
		if m.Lane == sigap.LaneStaff {
			out[m.To.String()] = append(out[m.To.String()], m.Text)
		}
	}
	return out
}

func auditActions(t *testing.T, f *deskFixture, tk *sigap.Ticket) []sigap.AuditAction {
	t.Helper()
	v, err := f.desk.Ticket(f.ctx, agent, tk.Code)
	if err != nil {
		t.Fatal(err)
	}
	var out []sigap.AuditAction
	for _, e := range v.Audit {
		out = append(out, e.Action)
	}
	return out
}

// A reply that keeps failing is tried for as long as GiveUpAfter, however
// many tries that takes (a weekend outage is not enough to lose it); then
// the outbox gives up, the ticket shows the reply with the reason, and the
// OPD's staff are told.
func TestOutboxGivesUpByAgeNotByCount(t *testing.T) {
	f, tk := deskWithStaff(t)
	web := &platform{}
	ob := &desk.Outbox{Store: f.db, Desk: f.desk, Now: func() time.Time { return f.now }, Senders: map[sigap.Channel]sigap.Sender{sigap.Web: web}}
	if err := f.desk.Reply(f.ctx, agent, tk.Code, desk.Answer{Text: "Baik, kami cek."}); err != nil {
		t.Fatal(err)
	}
	start := f.now
	for f.now.Sub(start) < 6*24*time.Hour {
		web.fail = append(web.fail, errors.New("502 Bad Gateway"))
		if _, err := ob.Drain(f.ctx); err != nil {
			t.Fatal(err)
		}
		if err := ob.Expire(f.ctx); err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(time.Hour)
	}
	w := waiting(t, f.db, f.now)
	if len(w) != 1 || w[0].Attempts < 100 {
		t.Fatalf("after 6 days waiting %+v, want the reply still trying, with over 100 tries", w)
	}
	f.now = start.Add(desk.DefaultGiveUpAfter + time.Minute)
	if err := ob.Expire(f.ctx); err != nil {
		t.Fatal(err)
	}
	v, err := f.desk.Ticket(f.ctx, agent, tk.Code)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Undelivered) != 1 || v.Undelivered[0].Failure != sigap.FailureExpired || v.Undelivered[0].LastError != "502 Bad Gateway" {
		t.Fatalf("ticket shows undelivered %+v, want the reply, expired, with the last error", v.Undelivered)
	}
	if a := auditActions(t, f, tk); a[len(a)-1] != sigap.ActionUndelivered {
		t.Errorf("audit %v, want it to end with %s", a, sigap.ActionUndelivered)
	}
	notices := staffNotices(t, f.db, f.now)
	if len(notices) != 1 || len(notices["tg:100"]) != 1 || !strings.Contains(notices["tg:100"][0], tk.Code) {
		t.Errorf("staff told %v, want one notice naming %s to the DPUPR agent only", notices, tk.Code)
	}
}

// A citizen who blocked the bot gets nothing more: the reply is given up
// at once, shown on the ticket as blocked, and staff can send it again
// (after the citizen unblocked), which counts its tries anew.
func TestOutboxPermanentFailureAndResend(t *testing.T) {
	f, tk := deskWithStaff(t)
	web := &platform{fail: []error{&sigap.PermanentError{Err: fmt.Errorf("message 1: %w", sigap.ErrBlocked)}}}
	ob := &desk.Outbox{Store: f.db, Desk: f.desk, Now: func() time.Time { return f.now }, Senders: map[sigap.Channel]sigap.Sender{sigap.Web: web}}
	if err := f.desk.Reply(f.ctx, agent, tk.Code, desk.Answer{Text: "Baik, kami cek."}); err != nil {
		t.Fatal(err)
	}
	if _, err := ob.Drain(f.ctx); err != nil {
		t.Fatal(err)
	}
	v, err := f.desk.Ticket(f.ctx, agent, tk.Code)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Undelivered) != 1 || v.Undelivered[0].Failure != sigap.FailureBlocked || backlog(t, f.db) != 1 {
		t.Fatalf("undelivered %+v, backlog %d; want the blocked reply shown and only the staff notice waiting", v.Undelivered, backlog(t, f.db))
	}
	outsider := &sigap.Staff{Username: "dinkes", Role: sigap.RoleAgent, OPD: "DINKES"}
	if err := f.desk.Resend(f.ctx, outsider, tk.Code, v.Undelivered[0].ID); sigap.ErrorCode(err) != sigap.ENOTFOUND {
		t.Errorf("resend by another OPD's agent: %v, want not found", err)
	}
	f.now = f.now.Add(time.Hour)
	if err := f.desk.Resend(f.ctx, agent, tk.Code, v.Undelivered[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.desk.Resend(f.ctx, agent, tk.Code, v.Undelivered[0].ID); sigap.ErrorCode(err) != sigap.ENOTFOUND {
		t.Errorf("second resend: %v, want not found (it is queued)", err)
	}
	if _, err := ob.Drain(f.ctx); err != nil {
		t.Fatal(err)
	}
	if got := web.texts(); len(got) != 1 || !strings.Contains(got[0], "Baik, kami cek.") {
		t.Errorf("delivered %q after the resend, want the reply", got)
	}
	if a := auditActions(t, f, tk); a[len(a)-1] != sigap.ActionResend {
		t.Errorf("audit %v, want it to end with %s", a, sigap.ActionResend)
	}
}

// A part that went out is in the database before the next is sent, so the
// try after a failure (or a crash) starts after it.
func TestOutboxRecordsPartsSent(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	var tries []int
	split := senderFunc(func(ctx context.Context, m sigap.Outbound) error {
		tries = append(tries, m.PartsSent)
		if m.PartsSent == 0 {
			if err := m.PartSent(ctx, 1); err != nil {
				return err
			}
			return errors.New("timed out sending part 2")
		}
		return nil
	})
	now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	ob := &desk.Outbox{Store: db, Now: func() time.Time { return now }, Senders: map[sigap.Channel]sigap.Sender{sigap.Telegram: split}}
	enqueue(t, db, now, sigap.Address{Channel: sigap.Telegram, ID: "1"}, "panjang")
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if w := waiting(t, db, now.Add(time.Minute)); len(w) != 1 || w[0].PartsSent != 1 {
		t.Fatalf("waiting %+v, want the message with 1 part recorded as sent", w)
	}
	now = now.Add(time.Minute)
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(tries) != 2 || tries[1] != 1 || backlog(t, db) != 0 {
		t.Errorf("tries began at parts %v, backlog %d; want [0 1] and delivered", tries, backlog(t, db))
	}
}

type senderFunc func(ctx context.Context, m sigap.Outbound) error

func (f senderFunc) Send(ctx context.Context, m sigap.Outbound) error { return f(ctx, m) }

func TestOutboxWaitsForADisabledChannel(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	ob := &desk.Outbox{Store: db, Senders: map[sigap.Channel]sigap.Sender{}}
	enqueue(t, db, time.Now(), sigap.Address{Channel: sigap.Telegram, ID: "1"}, "halo")
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if w := waiting(t, db, time.Now()); len(w) != 1 || w[0].Attempts != 0 {
		t.Errorf("waiting %+v: a message for a channel not enabled must wait, untried, not be dropped", w)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempts int
		err      error
		want     time.Duration
	}{
		{1, errors.New("x"), 2 * time.Second},
		{2, errors.New("x"), 4 * time.Second},
		{5, errors.New("x"), 32 * time.Second},
		{30, errors.New("x"), time.Hour},
		{3, &sigap.RetryAfterError{Wait: 7 * time.Second}, 7 * time.Second},
	}
	for _, tt := range tests {
		if got := desk.Backoff(tt.attempts, tt.err); got != tt.want {
			t.Errorf("Backoff(%d, %v) = %s, want %s", tt.attempts, tt.err, got, tt.want)
		}
	}
}

// runOutbox runs ob until the test ends, with a poll too slow to matter:
// what it sends, it was handed.
func runOutbox(t *testing.T, ob *desk.Outbox) {
	t.Helper()
	ob.Poll = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ob.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func receive(t *testing.T, sent <-chan string) string {
	t.Helper()
	select {
	case text := <-sent:
		return text
	case <-time.After(10 * time.Second):
		t.Fatal("nothing sent within 10 s")
		return ""
	}
}

// Run sends a committed reply at once, without waiting for its poll, and a
// reply put back in the queue by staff too. A reply to a chat whose
// earlier reply waits for a retry waits behind it, also when that wait
// began before a restart.
func TestOutboxRunSendsWhatIsHandedOver(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = time.Now()
	tk := f.open(t, "DPUPR")
	waitingChat := sigap.Address{Channel: sigap.Web, ID: "w2"}
	var head int64
	err := f.db.Update(f.ctx, func(tx sigap.Tx) error {
		o := &sigap.Outbound{To: waitingChat, Text: "sebelum restart"}
		if err := tx.Enqueue(f.ctx, o); err != nil {
			return err
		}
		head = o.ID
		return tx.MarkRetry(f.ctx, o.ID, time.Now().Add(1500*time.Millisecond), "timeout")
	})
	if err != nil {
		t.Fatal(err)
	}
	web := &platform{sent: make(chan string, 10), fail: []error{&sigap.PermanentError{Err: sigap.ErrBlocked}}}
	runOutbox(t, &desk.Outbox{Store: f.db, Desk: f.desk, Now: time.Now, Senders: map[sigap.Channel]sigap.Sender{sigap.Web: web}})

	// Its first reply is refused, and shows on the ticket.
	if err := f.desk.Reply(f.ctx, agent, tk.Code, desk.Answer{Text: "pertama"}); err != nil {
		t.Fatal(err)
	}
	var undelivered []sigap.Outbound
	deadline := time.Now().Add(10 * time.Second)
	for len(undelivered) == 0 && time.Now().Before(deadline) {
		v, err := f.desk.Ticket(f.ctx, agent, tk.Code)
		if err != nil {
			t.Fatal(err)
		}
		undelivered = v.Undelivered
		time.Sleep(10 * time.Millisecond)
	}
	if len(undelivered) != 1 {
		t.Fatal("the refused reply never showed on the ticket")
	}
	if err := f.desk.Resend(f.ctx, agent, tk.Code, undelivered[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, web.sent); !strings.Contains(got, "pertama") {
		t.Errorf("sent %q after the resend, want the first reply", got)
	}
	err = f.db.Update(f.ctx, func(tx sigap.Tx) error {
		c := &sigap.Citizen{Address: waitingChat}
		if _, err := tx.UpsertCitizen(f.ctx, c); err != nil {
			return err
		}
		return f.desk.Say(f.ctx, tx, c, 0, sigap.AuthorBot, "", "sesudah restart")
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, web.sent); got != "sebelum restart" {
		t.Errorf("first to the waiting chat: %q, want the message that waited from before the restart (id %d)", got, head)
	}
	if got := receive(t, web.sent); got != "sesudah restart" {
		t.Errorf("then %q, want the new one", got)
	}
}
