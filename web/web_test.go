package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap/internal/clocktest"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/bot/webchat"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/learning"
	"github.com/pemkab-kebumen/sigap/sla"
	"github.com/pemkab-kebumen/sigap/staff"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// testKB has two agencies and the triage desk, open around the clock so
// that due times are plain additions.
const testKB = `
prefix: TST
triage_opd: DISKOMINFO
calendar:
  timezone: Asia/Jakarta
  hours: {mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00"}
sla:
  first_response: 4h
  resolution: 24h
opds:
  - code: DISDUKCAPIL
    name: Dinas Kependudukan dan Pencatatan Sipil
    keywords: [ktp]
    sla: {first_response: 2h}
  - code: DINKES
    name: Dinas Kesehatan
    keywords: [puskesmas]
  - code: DISKOMINFO
    name: Dinas Komunikasi dan Informatika
faqs:
  - id: ktp-syarat
    opd: DISDUKCAPIL
    questions: [syarat membuat ktp]
    answer: Bawa fotokopi KK ke kantor Disdukcapil.
`

const testPassword = "rahasia-123"

// keywordRouter routes by a keyword of the test KB: the web tests are
// about the desk, not about triage quality.
type keywordRouter struct{}

func (keywordRouter) Decide(text string) sigap.Decision {
	t := strings.ToLower(text)
	switch {
	case strings.Contains(t, "ktp"):
		return sigap.Decision{Action: sigap.ActionRoute, OPD: "DISDUKCAPIL", Score: 0.9}
	case strings.Contains(t, "puskesmas"):
		return sigap.Decision{Action: sigap.ActionRoute, OPD: "DINKES", Score: 0.9}
	}
	return sigap.Decision{Action: sigap.ActionTriage, OPD: "DISKOMINFO", Score: 0.2}
}

func (k keywordRouter) DecideComment(text string) sigap.Decision { return k.Decide(text) }

type testEnv struct {
	t     testing.TB
	srv   *Server
	ts    *httptest.Server
	db    *storage.DB
	bot   *bot.Bot
	clock *clocktest.Clock
	kb    *sigap.LiveKB
	staff *staff.Accounts
	chat  *webchat.Adapter
	desk  *desk.Desk
	// router and learning are the real router on the test KB and what
	// learns from use with it, for the page Usulan.
	router   *bot.LiveRouter
	learning *learning.Learner
	dir      string
	// channels are the channel states the server reports; Telegram
	// connected unless a test says otherwise.
	channels func() []sigap.ChannelState
}

// newTestEnv builds the server with the test KB, its clock and four staff
// accounts; edits change the server's Config first.
func newTestEnv(t testing.TB, edits ...func(*Config)) *testEnv {
	t.Helper()
	ctx := context.Background()
	e := &testEnv{t: t, clock: clocktest.New(time.Date(2024, 4, 3, 9, 0, 0, 0, time.UTC)), dir: t.TempDir()}
	k, err := kb.Parse("test.yaml", []byte(testKB))
	if err != nil {
		t.Fatal(err)
	}
	e.kb = sigap.NewLiveKB(k)
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	if e.db, err = storage.Open(ctx, storagetest.DB(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.db.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := desk.New(desk.Config{Store: e.db, KB: e.kb, Calendar: cal, Now: e.clock.Now, Texts: bot.Texts{Loc: cal.Location()}})
	e.desk = d
	e.channels = func() []sigap.ChannelState {
		return []sigap.ChannelState{{Channel: sigap.Telegram, State: "connected", Since: e.clock.Now()}}
	}
	e.staff = staff.New(staff.Config{Store: e.db, KB: e.kb.Get, Now: e.clock.Now})
	e.bot = bot.New(bot.Config{Store: e.db, Desk: d, Router: keywordRouter{}, Staff: e.staff, Now: e.clock.Now, Logger: logger})
	e.chat = webchat.New(e.clock.Now)
	if err := e.chat.Start(ctx, e.bot); err != nil {
		t.Fatal(err)
	}
	// The page Usulan reviews what the real router learns.
	if e.router, err = bot.NewLiveRouter(ctx, e.db, e.kb, logger); err != nil {
		t.Fatal(err)
	}
	e.learning = learning.New(learning.Config{Store: e.db, KB: e.kb, Router: e.router, Now: e.clock.Now, Logger: logger})
	cfg := Config{
		Store: e.db, Desk: d, Staff: e.staff, KB: e.kb, Calendar: cal, WebChat: e.chat, Now: e.clock.Now, Logger: logger,
		Learning: e.learning,
		MediaDir: filepath.Join(e.dir, "data", "media"),
		Channels: func() []sigap.ChannelState { return e.channels() },
	}
	for _, edit := range edits {
		edit(&cfg)
	}
	e.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	for _, s := range []struct {
		user string
		role sigap.Role
		opd  string
	}{
		{"sari", sigap.RoleAgent, "DISDUKCAPIL"},
		{"dina", sigap.RoleAgent, "DINKES"},
		{"kepala", sigap.RoleSupervisor, ""},
		{"admin", sigap.RoleAdmin, ""},
	} {
		e.addStaff(s.user, s.role, s.opd)
	}
	return e
}

func (e *testEnv) addStaff(user string, role sigap.Role, opd string) {
	e.t.Helper()
	n := staff.NewAccount{Username: user, Name: "Ibu " + user, Role: role, OPD: opd, Password: testPassword}
	if _, err := e.staff.Add(context.Background(), sigap.ActorCLI, n); err != nil {
		e.t.Fatal(err)
	}
}

// savedKB is the KB the dashboard saved in the database; nil before any
// edit.
func (e *testEnv) savedKB() *sigap.KB {
	e.t.Helper()
	k, err := kb.Saved(context.Background(), e.db)
	if err != nil {
		e.t.Fatal(err)
	}
	return k
}

// savedAnswer is the answer of an FAQ in the saved KB.
func (e *testEnv) savedAnswer(id string) string {
	e.t.Helper()
	if k := e.savedKB(); k != nil {
		f, _ := k.FAQ(id)
		return f.Answer
	}
	return ""
}

// citizenAsks sends a Telegram message through the bot and returns the
// code of the ticket it opened.
func (e *testEnv) citizenAsks(from, name, phone, text string) string {
	e.t.Helper()
	ctx := context.Background()
	addr, err := sigap.ParseAddress(from)
	if err != nil {
		e.t.Fatal(err)
	}
	in := sigap.Inbound{From: addr, Name: name, Phone: phone, PlatformID: from + "-" + text, Kind: sigap.KindText, Text: text, At: e.clock.Now()}
	if err := e.bot.Receive(ctx, in); err != nil {
		e.t.Fatal(err)
	}
	return e.openTicket(addr)
}

func (e *testEnv) openTicket(addr sigap.Address) string {
	e.t.Helper()
	ctx := context.Background()
	var code string
	err := e.db.View(ctx, func(tx sigap.Tx) error {
		c, err := tx.CitizenByAddress(ctx, addr)
		if err != nil {
			return err
		}
		t, err := tx.OpenTicket(ctx, c.ID)
		if err != nil {
			return err
		}
		code = t.Code
		return nil
	})
	if err != nil {
		e.t.Fatalf("open ticket of %s: %v", addr, err)
	}
	return code
}

// client is one browser or API caller with its own cookies.
type client struct {
	e    *testEnv
	http *http.Client
	csrf string
	// header is added to every request (Origin, Sec-Fetch-Site, ...).
	header http.Header
}

func (e *testEnv) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, header: http.Header{}, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// loggedIn returns a client signed in as user through the JSON API.
func (e *testEnv) loggedIn(user string) *client {
	e.t.Helper()
	c := e.client()
	var out struct{ CSRF string }
	if status := c.postJSON("/api/login", map[string]string{"username": user, "password": testPassword}, &out); status != http.StatusOK {
		e.t.Fatalf("login %s: status %d", user, status)
	}
	c.csrf = out.CSRF
	return c
}

func (c *client) do(req *http.Request) *http.Response {
	c.e.t.Helper()
	for k, v := range c.header {
		req.Header[k] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return resp
}

func (c *client) get(path string) (int, string, http.Header) {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.ts.URL+path, nil)
	resp := c.do(req)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func (c *client) getJSON(path string, v any) int {
	c.e.t.Helper()
	status, body, _ := c.get(path)
	if v != nil && status == http.StatusOK {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			c.e.t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
	return status
}

func (c *client) postJSON(path string, in, out any) int {
	c.e.t.Helper()
	data, _ := json.Marshal(in)
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(string(data)))
	req.Header.Set("Content-Type", "application/json")
	resp := c.do(req)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, out); err != nil {
			c.e.t.Fatalf("POST %s: %v in %s", path, err, body)
		}
	}
	return resp.StatusCode
}

// postForm posts a form as a browser does; the caller adds csrf.
func (c *client) postForm(path string, form url.Values) (int, string, http.Header) {
	c.e.t.Helper()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := c.do(req)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

var hiddenField = regexp.MustCompile(`name="(csrf|msgid)" value="([^"]*)"`)

// hidden returns the value of a hidden form field on a page.
func hidden(page, name string) string {
	for _, m := range hiddenField.FindAllStringSubmatch(page, -1) {
		if m[1] == name {
			return m[2]
		}
	}
	return ""
}
