package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/bot/telegram"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// roadComplaint is a plain road complaint, which triage must route to DPUPR.
const roadComplaint = "Jalan kabupaten di desa kami rusak parah dan berlubang, mohon diperbaiki"

// ticketCode matches a ticket code of the embedded Kebumen KB.
var ticketCode = regexp.MustCompile(`KBM-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}`)

func TestServeTelegramRoundTrip(t *testing.T) {
	needBinary(t)
	ctx := testContext(t, 30*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	p := startServe(t, storagetest.DB(t), tg.Endpoint())
	p.waitHealthy(ctx)

	u := tg.AddText(7001, roadComplaint)
	sent, err := tg.WaitSent(ctx, 2)
	if err != nil {
		p.fatalf("%v; sent: %+v", err, sent)
	}
	if sent[0].ChatID != 7001 || sent[0].Text != (bot.Texts{}).Welcome() {
		p.fatalf("first message %+v, want the welcome to chat 7001", sent[0])
	}
	ack := sent[1]
	dpupr, ok := kb.Default().OPD("DPUPR")
	if !ok {
		t.Fatal("the embedded KB has no DPUPR")
	}
	if ack.ChatID != 7001 || !ticketCode.MatchString(ack.Text) || !strings.Contains(ack.Text, dpupr.Name) || !strings.Contains(ack.Text, "paling lambat") {
		p.fatalf("second message %+v, want an acknowledgement to chat 7001 with a KBM-XXXXX code, %q and the due time", ack, dpupr.Name)
	}
	if err := tg.WaitConfirmed(ctx, u.UpdateID); err != nil {
		p.fatalf("%v", err)
	}

	h := p.health(ctx)
	if h.Status != "ok" {
		t.Errorf("/healthz status %q, want ok", h.Status)
	}
	if got := channelState(h, sigap.Telegram); got != telegram.StateConnected {
		t.Errorf("/healthz telegram state %q, want %q; channels: %+v", got, telegram.StateConnected, h.Channels)
	}

	// The update is confirmed only after its message was counted, so the
	// counters are final here.
	metrics := p.metrics(ctx)
	for _, want := range []struct {
		series string
		value  float64
	}{
		{`sigap_messages_in_total{channel="` + string(sigap.Telegram) + `"}`, 1},
		{`sigap_tickets_opened_total{opd="DPUPR"}`, 1},
	} {
		if got, ok := metricValue(metrics, want.series); !ok || got != want.value {
			t.Errorf("/metrics %s = %v (present %v), want %v\n%s", want.series, got, ok, want.value, metrics)
		}
	}
}

func TestServeKillAndRestartLosesNothingDoublesNothing(t *testing.T) {
	needBinary(t)
	ctx := testContext(t, 50*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	dbPath := storagetest.DB(t)

	// Chat 8107 only greets, which opens no ticket. The follow-ups go to
	// the chat's open ticket, although their text alone could be routed
	// elsewhere.
	const followUp = "Tambahan: lubangnya persis di depan SD Negeri 2"
	script := []struct {
		chat int64
		text string
	}{
		{8101, roadComplaint}, {8102, roadComplaint}, {8103, roadComplaint}, {8101, followUp},
		{8104, roadComplaint}, {8102, followUp}, {8105, roadComplaint}, {8104, followUp},
		{8106, roadComplaint}, {8107, "halo min"},
	}
	wantTicket := map[int64]bool{}
	platformIDs := map[int64][]string{}
	var updateIDs []int
	for _, m := range script {
		u := tg.AddText(m.chat, m.text)
		updateIDs = append(updateIDs, u.UpdateID)
		platformIDs[m.chat] = append(platformIDs[m.chat], fmt.Sprintf("%d:%d", m.chat, u.Message.MessageID))
		wantTicket[m.chat] = wantTicket[m.chat] || m.text == roadComplaint
	}
	last := updateIDs[len(updateIDs)-1]

	// The proxy hands out two updates per getUpdates and holds back the
	// call that asks for the seventh. When it arrives, the first six are
	// stored, the fifth and sixth are not yet confirmed, and the rest are
	// not yet received: the kill then hits all three states at once. The
	// outbox is meanwhile still sending, held back by the per-chat pace.
	proxy := newBotAPIProxy(t, tg, 2, updateIDs[6])
	first := startServe(t, dbPath, proxy.endpoint())
	select {
	case <-proxy.held:
	case <-first.done:
		first.fatalf("exited before receiving six updates")
	case <-ctx.Done():
		first.fatalf("never asked for the seventh update; confirmed below %d", tg.Confirmed())
	}
	first.kill()
	if got, want := tg.Confirmed(), updateIDs[4]; got != want {
		t.Fatalf("confirmed below update %d at the kill, want %d: the proxy did not pace the poller", got, want)
	}
	t.Logf("killed with %d replies sent", len(tg.Sent()))

	second := startServe(t, dbPath, proxy.endpoint())
	second.waitHealthy(ctx) // the poller may finish before the HTTP server listens
	if err := tg.WaitConfirmed(ctx, last); err != nil {
		second.fatalf("%v", err)
	}
	// Confirmed updates were counted, so the counters are final: the two
	// stored but unconfirmed updates came again and were recognised, the
	// four never received were handled now.
	metrics := second.metrics(ctx)
	for _, want := range []struct {
		series string
		value  float64
	}{
		{`sigap_messages_duplicate_total{channel="` + string(sigap.Telegram) + `"}`, 2},
		{`sigap_messages_in_total{channel="` + string(sigap.Telegram) + `"}`, 4},
	} {
		if got, _ := metricValue(metrics, want.series); got != want.value {
			t.Errorf("after the restart %s = %v, want %v", want.series, got, want.value)
		}
	}
	second.waitFor(ctx, "the outbox to empty", func() bool { return second.health(ctx).OutboxBacklog == 0 })
	if code := second.stop(syscall.SIGTERM, shutdownGrace); code != 0 {
		second.fatalf("exit status %d after SIGTERM, want 0", code)
	}

	// Stored messages and tickets must be exactly once: an update is
	// confirmed to Telegram only after its message, the replies it causes
	// and its ticket were committed together, and a redelivered update is
	// recognised by its platform id. Replies are only at least once: a
	// reply Telegram accepted just before the kill, and that the outbox had
	// not yet marked sent, is sent again after the restart.
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sentTo := map[int64][]string{}
	for _, s := range tg.Sent() {
		sentTo[s.ChatID] = append(sentTo[s.ChatID], s.Text)
	}
	for chat, ticketWanted := range wantTicket {
		var stored []string
		var tickets []sigap.Ticket
		err := db.View(ctx, func(tx sigap.Tx) error {
			c, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: strconv.FormatInt(chat, 10)})
			if err != nil {
				return err
			}
			msgs, err := tx.CitizenMessages(ctx, c.ID, 100)
			if err != nil {
				return err
			}
			for _, m := range msgs {
				if m.Author == sigap.AuthorCitizen {
					stored = append(stored, m.PlatformID)
				}
			}
			tickets, err = tx.CitizenTickets(ctx, c.ID, 10)
			return err
		})
		if err != nil {
			t.Errorf("chat %d: %v", chat, err)
			continue
		}
		if !sameMultiset(stored, platformIDs[chat]) {
			t.Errorf("chat %d: stored citizen messages %q, want each of %q exactly once", chat, stored, platformIDs[chat])
		}
		wantTickets := 0
		if ticketWanted {
			wantTickets = 1
		}
		if len(tickets) != wantTickets {
			t.Errorf("chat %d: %d tickets, want %d: %+v", chat, len(tickets), wantTickets, tickets)
			continue
		}
		if !containsText(sentTo[chat], (bot.Texts{}).Welcome()) {
			t.Errorf("chat %d: no welcome sent; sent: %q", chat, sentTo[chat])
		}
		codes := map[string]bool{}
		for _, text := range sentTo[chat] {
			for _, c := range ticketCode.FindAllString(text, -1) {
				codes[c] = true
			}
		}
		switch {
		case !ticketWanted && len(codes) > 0:
			t.Errorf("chat %d opened no ticket but was sent codes %v", chat, codes)
		case ticketWanted && (len(codes) != 1 || !codes[tickets[0].Code]):
			t.Errorf("chat %d: sent codes %v, want only its ticket %s", chat, codes, tickets[0].Code)
		case ticketWanted && !containsText(sentTo[chat], "nomor tiket "+tickets[0].Code):
			t.Errorf("chat %d: no acknowledgement of ticket %s sent; sent: %q", chat, tickets[0].Code, sentTo[chat])
		}
	}
	for chat := range sentTo {
		if _, ok := wantTicket[chat]; !ok {
			t.Errorf("a message was sent to chat %d, which wrote nothing", chat)
		}
	}
}

// botAPIProxy stands between sigap and the fake Bot API. It caps how many
// updates one getUpdates returns, and holds the first call asking for the
// updates from holdAt on until its caller goes away, so a test can kill
// the process at a known point of its work.
type botAPIProxy struct {
	srv    *httptest.Server
	target string
	limit  string
	holdAt string
	held   chan struct{} // closed when the call is held
	once   sync.Once
}

func newBotAPIProxy(t *testing.T, tg *telegramtest.Server, limit, holdAt int) *botAPIProxy {
	p := &botAPIProxy{
		target: strings.TrimSuffix(tg.Endpoint(), "/bot%s/%s"),
		limit:  strconv.Itoa(limit),
		holdAt: strconv.Itoa(holdAt),
		held:   make(chan struct{}),
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *botAPIProxy) endpoint() string { return p.srv.URL + "/bot%s/%s" }

func (p *botAPIProxy) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/getUpdates") {
		r.PostForm.Set("limit", p.limit)
		hold := false
		if r.PostForm.Get("offset") == p.holdAt {
			p.once.Do(func() { hold = true })
		}
		if hold {
			close(p.held)
			<-r.Context().Done()
			return
		}
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, p.target+r.URL.Path, strings.NewReader(r.PostForm.Encode()))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func TestServeGracefulStop(t *testing.T) {
	needBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			ctx := testContext(t, 30*time.Second)
			tg := telegramtest.NewServer()
			t.Cleanup(tg.Close)
			p := startServe(t, storagetest.DB(t), tg.Endpoint())
			p.waitHealthy(ctx)
			// A long poll in flight is what a stop must cut short.
			p.waitFor(ctx, "a getUpdates call", func() bool { return len(tg.Offsets()) > 0 })
			if code := p.stop(sig, shutdownGrace); code != 0 {
				p.fatalf("exit status %d after %v, want 0", code, sig)
			}
			if !strings.Contains(p.stderr.String(), "sigap stopped") {
				p.fatalf("no clean-stop line in the log")
			}
		})
	}
}

func TestServeBadConfig(t *testing.T) {
	needBinary(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	badDuration := write("duration.yaml", strings.Replace(validKB, "resolution: 24h", "resolution: 3d", 1))
	unknownOPD := write("unknown-opd.yaml", strings.Replace(validKB, "    opd: DISKOMINFO", "    opd: DISDUKCAPIL", 1))
	syntax := write("syntax.yaml", strings.Replace(validKB, "name: Dinas Komunikasi dan Informatika", "name: [Dinas Komunikasi", 1))
	missing := filepath.Join(dir, "missing.yaml")

	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantStderr string // a regular expression
	}{
		{"bad duration", []string{"--kb", badDuration}, 1,
			regexp.QuoteMeta(fmt.Sprintf("%s:%d: sla.resolution: ", badDuration, lineOf(t, badDuration, "resolution: 3d")))},
		{"unknown OPD in a FAQ", []string{"--kb", unknownOPD}, 1,
			regexp.QuoteMeta(fmt.Sprintf("%s:%d: faqs[0].opd: ", unknownOPD, lineOf(t, unknownOPD, "opd: DISDUKCAPIL"))) + `.*DISDUKCAPIL`},
		{"YAML syntax error", []string{"--kb", syntax}, 1, regexp.QuoteMeta(syntax) + `:\d+: .*syntax`},
		{"missing KB file", []string{"--kb", missing}, 1, regexp.QuoteMeta(missing) + `: no such file`},
		{"unknown flag", []string{"--no-such-flag"}, 2, `flag provided but not defined: -no-such-flag`},
		{"stray argument", []string{"extra"}, 2, `unexpected argument "extra"`},
		{"SLA warning share out of range", []string{"--sla-warn-at", "75"}, 1, `--sla-warn-at 75: want a share of the target between 0 and 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t, 20*time.Second)
			dbPath := filepath.Join(t.TempDir(), "sigap.db")
			args := append([]string{"serve", "--db", dbPath, "--http", freeAddr(t), "--data", t.TempDir()}, tt.args...)
			cmd := exec.CommandContext(ctx, sigapBinary, args...)
			cmd.Dir = t.TempDir()
			cmd.Env = serveEnv("")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if ctx.Err() != nil {
				t.Fatalf("still running after 20s; stderr:\n%s", stderr.String())
			}
			status := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				status = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tt.wantStatus {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tt.wantStatus, stderr.String())
			}
			if !regexp.MustCompile(tt.wantStderr).MatchString(stderr.String()) {
				t.Errorf("stderr does not match %q:\n%s", tt.wantStderr, stderr.String())
			}
			if strings.Contains(stderr.String(), "goroutine ") {
				t.Errorf("stderr shows a crash:\n%s", stderr.String())
			}
			// A bad configuration is refused before the database is touched.
			if _, err := os.Stat(dbPath); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("database %s exists after a refused start (stat: %v)", dbPath, err)
			}
		})
	}
}

func TestServeRetriesAfterTelegram429(t *testing.T) {
	needBinary(t)
	ctx := testContext(t, 30*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	tg.Fail("sendMessage", telegramtest.Failure{Code: http.StatusTooManyRequests, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	p := startServe(t, storagetest.DB(t), tg.Endpoint())
	p.waitHealthy(ctx)

	tg.AddText(7005, roadComplaint)
	sent, err := tg.WaitSent(ctx, 2)
	if err != nil {
		p.fatalf("%v", err)
	}
	// The refused welcome is sent again, and the acknowledgement waits
	// behind it: a chat's replies keep their order.
	if sent[0].Text != (bot.Texts{}).Welcome() || !ticketCode.MatchString(sent[1].Text) {
		p.fatalf("sent %+v, want the welcome and then the acknowledgement", sent)
	}
	p.waitFor(ctx, "both sends to be counted", func() bool {
		v, _ := metricValue(p.metrics(ctx), `sigap_messages_out_total{channel="`+string(sigap.Telegram)+`"}`)
		return v == 2
	})
	series := `sigap_send_errors_total{channel="` + string(sigap.Telegram) + `"}`
	if v, _ := metricValue(p.metrics(ctx), series); v != 1 {
		t.Errorf("%s = %v, want 1 (the 429)", series, v)
	}
	// A send is counted before its outcome is committed (an fsync later).
	p.waitFor(ctx, "the outbox backlog to be empty after delivery", func() bool { return p.health(ctx).OutboxBacklog == 0 })
}

// validKB is a small knowledge base that loads; the bad-config cases break
// one line of it each.
const validKB = `prefix: KBM
triage_opd: DISKOMINFO
calendar:
  timezone: Asia/Jakarta
  hours:
    mon: "07:30-16:00"
    fri: "07:30-11:00"
sla:
  first_response: 4h
  resolution: 24h
opds:
  - code: DISKOMINFO
    name: Dinas Komunikasi dan Informatika
    description: meja triase
faqs:
  - id: situs
    opd: DISKOMINFO
    questions: ["Situs pemkab apa alamatnya?"]
    answer: Situs resmi Pemkab Kebumen ada di kebumenkab.go.id.
`

// serveProcess is a `sigap serve` running as a process of its own.
type serveProcess struct {
	t      testing.TB
	cmd    *exec.Cmd
	url    string // base URL of its HTTP server
	stderr *lockedBuffer
	done   chan struct{} // closed once the process has exited and cmd.ProcessState is set
}

// startServe starts sigap serve on the database, talking to the Bot API at
// the endpoint pattern botAPI. The process is killed when the test ends.
// On PostgreSQL its lease lasts 2 s (args may say otherwise), so that a
// restart after a kill takes over soon.
func startServe(t testing.TB, db, botAPI string, args ...string) *serveProcess {
	t.Helper()
	addr := freeAddr(t)
	all := append([]string{"serve", "--db", db, "--http", addr, "--data", t.TempDir(), "--lease-ttl", "2s"}, args...)
	p := &serveProcess{t: t, url: "http://" + addr, stderr: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(sigapBinary, all...)
	p.cmd.Dir = t.TempDir()
	p.cmd.Env = serveEnv(botAPI)
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.kill)
	return p
}

// serveEnv is the test's environment without the caller's SIGAP_*
// settings, plus the fake Bot API's token and the endpoint pattern botAPI
// when it is not empty.
func serveEnv(botAPI string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SIGAP_") {
			env = append(env, kv)
		}
	}
	if botAPI != "" {
		env = append(env, "SIGAP_TELEGRAM_TOKEN="+telegramtest.Token, "SIGAP_TELEGRAM_API="+botAPI)
	}
	return append(env, "SIGAP_METRICS_TOKEN="+metricsToken)
}

// metricsToken is the bearer token of the test servers' /metrics.
const metricsToken = "metrics-token-0123456789"

// fatalf ends the test with the process's log, which says why.
func (p *serveProcess) fatalf(format string, args ...any) {
	p.t.Helper()
	p.t.Fatalf(format+"\nsigap serve log:\n%s", append(args, p.stderr.String())...)
}

// kill ends the process at once, as a crash or power cut would.
func (p *serveProcess) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// stop sends sig and returns the exit status; the test fails when the
// process is still running after within.
func (p *serveProcess) stop(sig os.Signal, within time.Duration) int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.fatalf("signal %v: %v", sig, err)
	}
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	select {
	case <-p.done:
	case <-deadline.C:
		p.fatalf("still running %v after %v", within, sig)
	}
	return p.cmd.ProcessState.ExitCode()
}

// waitFor polls cond until it holds, failing the test when the process
// exits or ctx ends first.
func (p *serveProcess) waitFor(ctx context.Context, what string, cond func() bool) {
	p.t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-p.done:
			p.fatalf("exited (%v) while waiting for %s", p.cmd.ProcessState, what)
		case <-ctx.Done():
			p.fatalf("gave up waiting for %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}

// waitHealthy waits until /healthz answers.
func (p *serveProcess) waitHealthy(ctx context.Context) {
	p.t.Helper()
	p.waitFor(ctx, "/healthz to answer", func() bool {
		status, _, _, err := p.get(ctx, "/healthz")
		return err == nil && status == http.StatusOK
	})
}

type healthReport struct {
	Status         string               `json:"status"`
	OutboxBacklog  int                  `json:"outbox_backlog"`
	Channels       []sigap.ChannelState `json:"channels"`
	ChannelsHolder *struct {
		PID  int    `json:"pid"`
		Host string `json:"host"`
		Here bool   `json:"here"`
	} `json:"channels_holder"`
}

// health fetches /healthz, which must be 200 JSON.
func (p *serveProcess) health(ctx context.Context) healthReport {
	p.t.Helper()
	status, ctype, body, err := p.get(ctx, "/healthz")
	if err != nil || status != http.StatusOK || !strings.HasPrefix(ctype, "application/json") {
		p.fatalf("/healthz: status %d, Content-Type %q, err %v, body %s", status, ctype, err, body)
	}
	var h healthReport
	if err := json.Unmarshal(body, &h); err != nil {
		p.fatalf("/healthz is not the health JSON: %v: %s", err, body)
	}
	return h
}

// metrics fetches /metrics with the bearer token; without it, /metrics
// must be refused.
func (p *serveProcess) metrics(ctx context.Context) string {
	p.t.Helper()
	if status, _, _, err := p.get(ctx, "/metrics"); err != nil || status != http.StatusUnauthorized {
		p.fatalf("/metrics without the token: status %d, err %v; want 401", status, err)
	}
	status, _, body, err := p.get(ctx, "/metrics", "Authorization", "Bearer "+metricsToken)
	if err != nil || status != http.StatusOK {
		p.fatalf("/metrics: status %d, err %v, body %s", status, err, body)
	}
	return string(body)
}

// get fetches path with the given header name and value pairs.
func (p *serveProcess) get(ctx context.Context, path string, header ...string) (status int, contentType string, body []byte, err error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+path, nil)
	if err != nil {
		return 0, "", nil, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), body, err
}

func channelState(h healthReport, ch sigap.Channel) string {
	for _, c := range h.Channels {
		if c.Channel == ch {
			return c.State
		}
	}
	return ""
}

// metricValue finds a series (name with its labels) in the Prometheus
// text format.
func metricValue(exposition, series string) (float64, bool) {
	sc := bufio.NewScanner(strings.NewReader(exposition))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment
// ago, for --http.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// lineOf returns the 1-based line of the file that contains substr.
func lineOf(t *testing.T, path, substr string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, substr) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", path, substr)
	return 0
}

func containsText(texts []string, substr string) bool {
	for _, s := range texts {
		if strings.Contains(s, substr) {
			return true
		}
	}
	return false
}

// sameMultiset reports whether a and b hold the same strings the same
// number of times.
func sameMultiset(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		if count[s]--; count[s] < 0 {
			return false
		}
	}
	return true
}

// lockedBuffer is a bytes.Buffer the process writes to while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
