package web

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/staff"
)

// openStaffEvents opens c's event stream.
func openStaffEvents(t *testing.T, e *testEnv, c *client) *http.Response {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp := c.do(req)
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("events: %d", resp.StatusCode)
	}
	return resp
}

// streamEnds reports whether the stream ends within a few seconds.
func streamEnds(resp *http.Response) bool {
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, resp.Body)
		done <- err
	}()
	select {
	case err := <-done:
		return err == nil
	case <-time.After(5 * time.Second):
		return false
	}
}

func TestStaffEventStreamEndsWithTheSession(t *testing.T) {
	e := newTestEnv(t)
	admin := e.loggedIn("admin")
	tests := []struct {
		name string
		end  func(c *client)
	}{
		{"logout", func(c *client) { c.postJSON("/api/logout", nil, nil) }},
		{"a new password", func(*client) {
			e.staff.SetPassword(context.Background(), sigap.StaffActor("admin"), "sari", testPassword)
		}},
		{"disabled", func(*client) {
			admin.postForm("/admin/staff/sari", url.Values{"csrf": {admin.csrf}, "action": {"disable"}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.staff.Enable(context.Background(), sigap.ActorCLI, "sari")
			c := e.loggedIn("sari")
			resp := openStaffEvents(t, e, c)
			tt.end(c)
			if !streamEnds(resp) {
				t.Error("the event stream kept going")
			}
		})
	}
}

func TestStaffEventStreamEndsWhenTheSessionExpires(t *testing.T) {
	e := newTestEnv(t)
	c := e.loggedIn("sari")
	e.clock.Add(staff.SessionTTL - time.Second) // the stream's timer counts from here
	resp := openStaffEvents(t, e, c)
	if !streamEnds(resp) {
		t.Error("the event stream outlived its session")
	}
}

func TestClientAddrBelievesOnlyTrustedProxies(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	tests := []struct {
		name, remote, xff, realIP string
		want                      string
	}{
		{"no proxy", "203.0.113.9:5000", "", "", "203.0.113.9"},
		{"a client writing its own header", "203.0.113.9:5000", "198.51.100.1", "198.51.100.2", "203.0.113.9"},
		{"behind the proxy", "10.0.0.2:5000", "198.51.100.1", "", "198.51.100.1"},
		{"a forged hop before the real one", "10.0.0.2:5000", "1.2.3.4, 198.51.100.1", "", "198.51.100.1"},
		{"two trusted proxies", "10.0.0.2:5000", "198.51.100.1, 10.0.0.3", "", "198.51.100.1"},
		{"X-Real-IP from the proxy", "10.0.0.2:5000", "", "198.51.100.7", "198.51.100.7"},
		{"garbage from the proxy", "10.0.0.2:5000", "nonsense", "", "10.0.0.2"},
		{"IPv4 in IPv6", "[::ffff:203.0.113.9]:5000", "", "", "203.0.113.9"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if tt.realIP != "" {
			r.Header.Set("X-Real-IP", tt.realIP)
		}
		if got := s.clientAddr(r).String(); got != tt.want {
			t.Errorf("%s: client %s, want %s", tt.name, got, tt.want)
		}
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "[2001:db8:1:2:3:4:5:6]:5000"
	if got := s.clientKey(r); got != "2001:db8:1:2::/64" {
		t.Errorf("an IPv6 client counts as %s, want its /64", got)
	}
}

func TestLoginLimitsCountTheClientBehindATrustedProxy(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	login := func(from, pw string) int {
		c := e.client()
		c.header.Set("X-Forwarded-For", from)
		return c.postJSON("/api/login", map[string]string{"username": "sari", "password": pw}, nil)
	}
	for range 5 {
		login("198.51.100.66", "salah")
	}
	if got := login("198.51.100.66", testPassword); got != http.StatusTooManyRequests {
		t.Errorf("the guesser after five failures: %d, want 429", got)
	}
	// Behind the same proxy, the account's owner is not locked out.
	if got := login("198.51.100.10", testPassword); got != http.StatusOK {
		t.Errorf("the owner from another address behind the proxy: %d, want 200", got)
	}
}

func TestLoginLimitIgnoresForwardedForWithoutATrustedProxy(t *testing.T) {
	e := newTestEnv(t)
	var got []int
	for i := range 6 {
		c := e.client()
		c.header.Set("X-Forwarded-For", "198.51.100."+string(rune('1'+i)))
		got = append(got, c.postJSON("/api/login", map[string]string{"username": "sari", "password": "salah"}, nil))
	}
	if got[5] != http.StatusTooManyRequests {
		t.Errorf("statuses %v: a made-up X-Forwarded-For escaped the limit", got)
	}
}

func TestListsMaskNumbersAndPagesNeutraliseControls(t *testing.T) {
	e := newTestEnv(t)
	const raw = "ktp hilang\x00 \x1b[31mMERAH\x1b[0m file\u202egpj.exe"
	code := e.citizenAsks("tg:1001", "Budi\u202e", "", raw)
	e.addMessages(code, sigap.Message{PlatformID: "contact", Kind: sigap.KindContact, Text: "6281298765432"})
	sari := e.loggedIn("sari")
	_, queue, _ := sari.get("/queue")
	var list struct {
		Tickets []struct {
			LastMessage string `json:"last_message"`
		}
	}
	sari.getJSON("/api/tickets", &list)
	if strings.Contains(queue, "6281298765432") || len(list.Tickets) != 1 || strings.Contains(list.Tickets[0].LastMessage, "6281298765432") {
		t.Errorf("a list shows a shared contact's number unmasked: API %+v", list.Tickets)
	}
	if !strings.Contains(queue, "6281******432") {
		t.Error("the queue does not show the masked number")
	}
	_, page, _ := sari.get("/tickets/" + code)
	for name, p := range map[string]string{"queue": queue, "ticket page": page} {
		for _, bad := range []string{"\x00", "\x1b", "\u202e"} {
			if strings.Contains(p, bad) {
				t.Errorf("the %s shows %q raw", name, bad)
			}
		}
	}
	if !strings.Contains(page, "ktp hilang\uFFFD ␛[31mMERAH␛[0m file\uFFFDgpj.exe") {
		t.Error("the ticket page does not show the controls as marks")
	}
	// Stored as received, but for the NUL, which neither engine keeps
	// (PostgreSQL cannot).
	ctx := context.Background()
	msgs, _ := sigap.Read(ctx, e.db, func(tx sigap.Tx) ([]sigap.Message, error) {
		t, err := tx.TicketByCode(ctx, code)
		if err != nil {
			return nil, err
		}
		return tx.TicketMessages(ctx, t.ID)
	})
	stored := strings.ReplaceAll(raw, "\x00", "\uFFFD")
	if !slices.ContainsFunc(msgs, func(m sigap.Message) bool { return m.Text == stored }) {
		t.Error("the message was not stored as received")
	}
}

func TestReportExportsAndKBEditsAreAudited(t *testing.T) {
	e := newTestEnv(t)
	e.loggedIn("kepala").get("/api/reports?from=2024-04-01&to=2024-05-01&format=csv")
	admin, _ := loginForm(t, e, "admin", testPassword)
	form := url.Values{"csrf": {admin.csrf}, "opd": {"DISDUKCAPIL"}, "questions": {"syarat membuat ktp"}, "answer": {"Bawa KK asli."}}
	if status, _, _ := admin.postForm("/admin/faqs/ktp-syarat", form); status != http.StatusSeeOther {
		t.Fatalf("save FAQ: %d", status)
	}
	log := e.auditLog()
	for _, want := range []string{
		"staff:kepala report_export csv 2024-04-01–2024-05-01",
		"staff:admin kb_edit faq ktp-syarat\n" +
			`faq ktp-syarat: sebelum: {"id":"ktp-syarat","opd":"DISDUKCAPIL","questions":["syarat membuat ktp"],"answer":"Bawa fotokopi KK ke kantor Disdukcapil."} ` +
			`sesudah: {"id":"ktp-syarat","opd":"DISDUKCAPIL","questions":["syarat membuat ktp"],"answer":"Bawa KK asli."}`,
	} {
		if !slices.Contains(log, want) {
			t.Errorf("audit log lacks %q:\n%s", want, strings.Join(log, "\n"))
		}
	}
}

func TestTimeoutsCutSlowRequestsButNotStreams(t *testing.T) {
	e := newTestEnv(t)
	const limit = 300 * time.Millisecond
	srv := NewHTTPServer(e.srv.Handler(), Timeouts{ReadHeader: limit, Read: limit, Write: limit, Idle: limit}, e.srv.cfg.Logger)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	// A POST that never finishes its body is cut.
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nusername=")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Errorf("a slow POST was not cut: %v", err)
	}
	// A chat event stream outlives both timeouts and still delivers.
	c, page := chatCitizen(t, e)
	sendChat(c, page, "ktp saya hilang")
	addr := chatAddress(t, e, c)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+l.Addr().String()+"/chat/events", nil)
	req.AddCookie(&http.Cookie{Name: chatCookie, Value: chatCookieValue(t, e, c)})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	time.Sleep(3 * limit)
	e.chat.Notify(addr.ID)
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "event: message" {
		t.Errorf("after the timeouts the stream gave %q, %v; want the event", line, err)
	}
}
