package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/staff"
)

func TestAPILogin(t *testing.T) {
	e := newTestEnv(t)
	e.addStaff("lama", sigap.RoleAgent, "DINKES")
	ctx := context.Background()
	err := e.db.Update(ctx, func(tx sigap.Tx) error {
		s, err := tx.StaffByUsername(ctx, "lama")
		if err != nil {
			return err
		}
		s.Disabled = true
		return tx.UpdateStaff(ctx, s)
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, password string
		want                 int
	}{
		{"right password", "sari", testPassword, http.StatusOK},
		{"wrong password", "sari", "salah-sekali", http.StatusUnauthorized},
		{"unknown user", "siapa", testPassword, http.StatusUnauthorized},
		{"disabled account", "lama", testPassword, http.StatusUnauthorized},
		{"empty", "", "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client()
			got := c.postJSON("/api/login", map[string]string{"username": tt.user, "password": tt.password}, nil)
			if got != tt.want {
				t.Fatalf("status %d, want %d", got, tt.want)
			}
			// Only a successful login gives a session that works.
			if status := c.getJSON("/api/tickets", nil); (status == http.StatusOK) != (tt.want == http.StatusOK) {
				t.Fatalf("GET /api/tickets after login: %d", status)
			}
		})
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	e := newTestEnv(t)
	c := e.client()
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/login", strings.NewReader(`{"username":"sari","password":"`+testPassword+`"}`))
	resp := c.do(req)
	resp.Body.Close()
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			cookie = ck
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie")
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/", cookie)
	}
	// The store keeps only the token's hash.
	ctx := context.Background()
	err := e.db.View(ctx, func(tx sigap.Tx) error {
		if _, err := tx.SessionByToken(ctx, cookie.Value); sigap.ErrorCode(err) != sigap.ENOTFOUND {
			t.Errorf("session found by the raw token (err %v); want only by its hash", err)
		}
		_, err := tx.SessionByToken(ctx, staff.HashToken(cookie.Value))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAnonymousCallsGet401(t *testing.T) {
	e := newTestEnv(t)
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	c := e.client()
	for _, tt := range []struct{ method, path string }{
		{"GET", "/api/tickets"},
		{"GET", "/api/tickets/" + code},
		{"POST", "/api/tickets/" + code + "/reply"},
		{"POST", "/api/tickets/" + code + "/note"},
		{"POST", "/api/tickets/" + code + "/transfer"},
		{"POST", "/api/tickets/" + code + "/claim"},
		{"POST", "/api/tickets/" + code + "/resolve"},
		{"GET", "/api/reports"},
		{"POST", "/api/logout"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var status int
			if tt.method == "GET" {
				status = c.getJSON(tt.path, nil)
			} else {
				status = c.postJSON(tt.path, map[string]string{"text": "x"}, nil)
			}
			if status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", status)
			}
		})
	}
}

func TestSessionExpires(t *testing.T) {
	e := newTestEnv(t)
	c := e.loggedIn("sari")
	e.clock.Add(staff.SessionTTL - time.Minute)
	if got := c.getJSON("/api/tickets", nil); got != http.StatusOK {
		t.Fatalf("before expiry: %d", got)
	}
	e.clock.Add(time.Minute)
	if got := c.getJSON("/api/tickets", nil); got != http.StatusUnauthorized {
		t.Fatalf("after expiry: %d, want 401", got)
	}
}

func TestLogoutEndsSession(t *testing.T) {
	e := newTestEnv(t)
	c := e.loggedIn("sari")
	if got := c.postJSON("/api/logout", nil, nil); got != http.StatusOK {
		t.Fatalf("logout: %d", got)
	}
	if got := c.getJSON("/api/tickets", nil); got != http.StatusUnauthorized {
		t.Fatalf("after logout: %d, want 401", got)
	}
}

// ticketList is /api/tickets' answer as a client without our types reads
// it: the contract's keys.
type ticketList struct {
	Tickets []map[string]any `json:"tickets"`
}

func TestTicketListsHoldOnlyVisibleTickets(t *testing.T) {
	e := newTestEnv(t)
	ktp := e.citizenAsks("wa:6281234567890", "Budi", "6281234567890", "ktp saya hilang bagaimana")
	e.clock.Add(time.Minute)
	pusk := e.citizenAsks("tg:2002", "Siti", "", "puskesmas buka jam berapa")

	tests := []struct {
		user, query string
		want        []string
		status      int
	}{
		{"sari", "", []string{ktp}, 200},
		{"dina", "", []string{pusk}, 200},
		{"dina", "?opd=DISDUKCAPIL", nil, 200},
		{"kepala", "", []string{ktp, pusk}, 200},
		{"kepala", "?opd=DINKES", []string{pusk}, 200},
		{"kepala", "?status=resolved", nil, 200},
		{"kepala", "?status=all", []string{ktp, pusk}, 200},
		{"kepala", "?status=bogus", nil, 400},
		{"kepala", "?opd=NOPE", nil, 400},
	}
	for _, tt := range tests {
		t.Run(tt.user+tt.query, func(t *testing.T) {
			var l listJSON
			status := e.loggedIn(tt.user).getJSON("/api/tickets"+tt.query, &l)
			if status != tt.status {
				t.Fatalf("status %d, want %d", status, tt.status)
			}
			if got := strings.Join(l.codes(), ","); got != strings.Join(tt.want, ",") {
				t.Fatalf("tickets %s, want %s", got, strings.Join(tt.want, ","))
			}
		})
	}
}

func TestTicketJSONContract(t *testing.T) {
	e := newTestEnv(t)
	code := e.citizenAsks("wa:6281234567890", "Budi", "6281234567890", "ktp saya hilang bagaimana")
	var l ticketList
	if status := e.loggedIn("sari").getJSON("/api/tickets", &l); status != 200 || len(l.Tickets) != 1 {
		t.Fatalf("status %d, %d tickets", status, len(l.Tickets))
	}
	got := l.Tickets[0]
	for _, key := range []string{"code", "opd", "status", "created_at", "due_at", "citizen", "last_message"} {
		if _, ok := got[key]; !ok {
			t.Errorf("ticket JSON lacks %q: %v", key, got)
		}
	}
	if got["code"] != code || got["opd"] != "DISDUKCAPIL" || got["status"] != "open" {
		t.Errorf("ticket %v", got)
	}
	// Created 09:00 UTC with a 2h target on an always-open calendar.
	for key, want := range map[string]string{"created_at": "2024-04-03T09:00:00Z", "due_at": "2024-04-03T11:00:00Z"} {
		if s, _ := got[key].(string); s == "" {
			t.Errorf("%s = %v, want an RFC3339 time", key, got[key])
		} else if ts, err := time.Parse(time.RFC3339, s); err != nil || !ts.Equal(mustTime(want)) {
			t.Errorf("%s = %s, want %s", key, s, want)
		}
	}
	cz := got["citizen"].(map[string]any)
	if cz["name"] != "Budi" || cz["channel"] != "wa" {
		t.Errorf("citizen %v", cz)
	}
	if cz["phone"] != "6281******890" {
		t.Errorf("list phone %v, want masked 6281******890", cz["phone"])
	}
	if s, _ := got["last_message"].(string); s == "" {
		t.Errorf("last_message %v, want the thread's last text", got["last_message"])
	}

	var detail map[string]any
	if status := e.loggedIn("sari").getJSON("/api/tickets/"+code, &detail); status != 200 {
		t.Fatalf("detail status %d", status)
	}
	if detail["citizen"].(map[string]any)["phone"] != "6281234567890" {
		t.Errorf("ticket page phone %v, want the full number", detail["citizen"])
	}
	found := false
	for _, m := range detail["messages"].([]any) {
		m := m.(map[string]any)
		found = found || (m["author"] == "citizen" && m["text"] == "ktp saya hilang bagaimana")
	}
	if !found {
		t.Errorf("citizen's question not in the thread: %v", detail["messages"])
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOtherOPDsTicketIsNotFound(t *testing.T) {
	e := newTestEnv(t)
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	dina := e.loggedIn("dina")
	if got := dina.getJSON("/api/tickets/"+code, nil); got != http.StatusNotFound {
		t.Fatalf("GET other OPD's ticket: %d, want 404", got)
	}
	for _, action := range []string{"reply", "note", "transfer", "claim", "resolve"} {
		body := map[string]string{"text": "halo", "opd": "DINKES", "reason": "salah"}
		if got := dina.postJSON("/api/tickets/"+code+"/"+action, body, nil); got != http.StatusNotFound {
			t.Errorf("%s on other OPD's ticket: %d, want 404", action, got)
		}
	}
	if got := dina.getJSON("/api/tickets/KBM-NOPE1", nil); got != http.StatusNotFound {
		t.Errorf("unknown ticket: %d, want 404", got)
	}
}

func TestTicketActions(t *testing.T) {
	e := newTestEnv(t)
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	sari := e.loggedIn("sari")
	path := "/api/tickets/" + code

	type result struct {
		OK     bool `json:"ok"`
		Ticket *struct {
			Status   string `json:"status"`
			Assignee string `json:"assignee"`
			Messages []struct {
				Author, Text string
			} `json:"messages"`
		} `json:"ticket"`
	}
	var r result
	if got := sari.postJSON(path+"/claim", nil, &r); got != 200 || r.Ticket.Assignee != "sari" {
		t.Fatalf("claim: %d %+v", got, r.Ticket)
	}
	if got := sari.postJSON(path+"/reply", map[string]any{"text": "Silakan datang ke kantor, Bapak."}, &r); got != 200 {
		t.Fatalf("reply: %d", got)
	}
	if last := r.Ticket.Messages[len(r.Ticket.Messages)-1]; last.Author != "staff" || !strings.Contains(last.Text, "Silakan datang ke kantor, Bapak.") {
		t.Errorf("after reply, last message %+v", last)
	}
	if got := sari.postJSON(path+"/note", map[string]string{"text": "Cek arsip dulu."}, &r); got != 200 {
		t.Fatalf("note: %d", got)
	}
	// The reply is in the outbox for the citizen's channel; the note is not.
	ctx := context.Background()
	err := e.db.View(ctx, func(tx sigap.Tx) error {
		due, err := tx.DueOutbound(ctx, e.clock.Now().Add(time.Hour), 100, nil)
		if err != nil {
			return err
		}
		var texts []string
		for _, o := range due {
			if o.To.String() != "tg:1001" {
				t.Errorf("outbound to %s, want tg:1001", o.To)
			}
			texts = append(texts, o.Text)
		}
		all := strings.Join(texts, "\n")
		if !strings.Contains(all, "Silakan datang ke kantor, Bapak.") {
			t.Errorf("reply not in outbox: %q", all)
		}
		if strings.Contains(all, "Cek arsip dulu.") {
			t.Errorf("internal note sent to the citizen: %q", all)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		action string
		body   any
		want   int
	}{
		{"reply", map[string]string{"text": "   "}, 400},
		{"reply", map[string]string{"text": strings.Repeat("a", 4001)}, 400},
		{"note", map[string]string{"text": ""}, 400},
		{"transfer", map[string]string{"opd": "NOPE", "reason": "salah"}, 400},
		{"reply", map[string]int{"text": 5}, 400},
		{"reply", map[string]string{"txt": "typo"}, 400},
		{"explode", nil, 404},
	} {
		if got := sari.postJSON(path+"/"+tt.action, tt.body, nil); got != tt.want {
			t.Errorf("%s %v: %d, want %d", tt.action, tt.body, got, tt.want)
		}
	}

	var moved result
	if got := sari.postJSON(path+"/transfer", map[string]string{"opd": "DINKES", "reason": "Soal kesehatan"}, &moved); got != 200 || !moved.OK || moved.Ticket != nil {
		t.Fatalf("transfer: %d %+v", got, moved)
	}
	if got := sari.getJSON(path, nil); got != 404 {
		t.Errorf("after transfer away the agent still sees it: %d", got)
	}
	dina := e.loggedIn("dina")
	if got := dina.postJSON(path+"/resolve", nil, &r); got != 200 || r.Ticket.Status != "resolved" {
		t.Fatalf("resolve: %d %+v", got, r.Ticket)
	}
	var l listJSON
	dina.getJSON("/api/tickets?status=resolved", &l)
	if got := l.codes(); len(got) != 1 || got[0] != code {
		t.Errorf("resolved list %v", got)
	}
}

// TestCrossSiteJSONIsRefused: a browser's cross-site request that could
// change something gets 403 (http.CrossOriginProtection). Reads are safe
// methods and pass; the browser keeps their answer from the other site,
// which gets no CORS header. Browsers send Origin with every cross-site
// POST, so a Referer alone is not what tells.
func TestCrossSiteJSONIsRefused(t *testing.T) {
	e := newTestEnv(t)
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	tests := []struct {
		name   string
		header map[string]string
		post   int
	}{
		{"no browser headers", nil, 200},
		{"same origin", map[string]string{"Origin": e.ts.URL}, 200},
		{"same-origin fetch metadata", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"same-origin referer", map[string]string{"Referer": e.ts.URL + "/queue"}, 200},
		{"other origin", map[string]string{"Origin": "https://evil.example"}, 403},
		{"null origin", map[string]string{"Origin": "null"}, 403},
		{"fetch metadata cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"fetch metadata same-site", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.loggedIn("sari")
			for k, v := range tt.header {
				c.header.Set(k, v)
			}
			if got := c.postJSON("/api/tickets/"+code+"/note", map[string]string{"text": "catatan"}, nil); got != tt.post {
				t.Errorf("POST note: %d, want %d", got, tt.post)
			}
			status, _, header := c.get("/api/tickets")
			if status != 200 || header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("GET tickets: %d, CORS %q; want 200 and no CORS header", status, header.Get("Access-Control-Allow-Origin"))
			}
		})
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newTestEnv(t)
	c := e.client()
	login := func(user, pw string) int {
		return c.postJSON("/api/login", map[string]string{"username": user, "password": pw}, nil)
	}
	const free = 5 // failures of one username from one client
	for i := range free {
		if got := login("sari", "salah"); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, got)
		}
	}
	if got := login("sari", testPassword); got != http.StatusTooManyRequests {
		t.Fatalf("after %d failures, the right password: %d, want 429", free, got)
	}
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/login", strings.NewReader(`{"username":"SARI","password":"x"}`))
	resp := c.do(req)
	var body strings.Builder
	buf := make([]byte, 512)
	n, _ := resp.Body.Read(buf)
	body.Write(buf[:n])
	resp.Body.Close()
	if resp.StatusCode != 429 || !strings.Contains(body.String(), "coba lagi dalam 1 menit") || resp.Header.Get("Retry-After") != "60" {
		t.Errorf("429 body %q (status %d, Retry-After %q); want the Indonesian explanation with the wait, case-insensitive username",
			body.String(), resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if got := login("dina", testPassword); got != http.StatusOK {
		t.Errorf("another username from the same address: %d, want 200", got)
	}
	// The guesser is slowed down, not the account locked for the window.
	e.clock.Add(time.Minute)
	if got := login("sari", testPassword); got != http.StatusOK {
		t.Errorf("after the delay: %d, want 200", got)
	}
}

func TestReports(t *testing.T) {
	e := newTestEnv(t)
	e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	tests := []struct {
		user, query string
		want        int
		ctype       string
	}{
		{"sari", "", 403, ""},
		{"kepala", "?from=2024-04-01&to=2024-05-01", 200, "application/json"},
		{"admin", "?from=2024-04-01&to=2024-05-01&format=csv", 200, "text/csv"},
		{"kepala", "?from=2024-05-01&to=2024-04-01", 400, ""},
		{"kepala", "?from=april", 400, ""},
		{"kepala", "?format=xml", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.user+tt.query, func(t *testing.T) {
			status, body, h := e.loggedIn(tt.user).get("/api/reports" + tt.query)
			if status != tt.want {
				t.Fatalf("status %d, want %d: %s", status, tt.want, body)
			}
			if tt.ctype != "" && !strings.HasPrefix(h.Get("Content-Type"), tt.ctype) {
				t.Errorf("Content-Type %q, want %s", h.Get("Content-Type"), tt.ctype)
			}
			if tt.ctype == "application/json" && !strings.Contains(body, `"opd": "DISDUKCAPIL"`) {
				t.Errorf("report lacks the DISDUKCAPIL row: %s", body)
			}
			if tt.ctype == "application/json" && !strings.Contains(body, `"channel": "tg"`) {
				t.Errorf("report lacks the Telegram row of the channels: %s", body)
			}
			if tt.ctype == "text/csv" && !strings.Contains(body, "DISDUKCAPIL,") {
				t.Errorf("CSV lacks the DISDUKCAPIL row: %s", body)
			}
		})
	}
}

// The error page leads a citizen on the web chat back to their
// conversation, not to the staff queue they cannot open; staff back to the
// queue.
func TestErrorPageLeadsBack(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct{ path, back string }{
		{"/chat", `<a href="/chat">Kembali ke percakapan</a>`},
		{"/logout", `<a href="/queue">Kembali ke antrean</a>`},
	}
	for _, tt := range tests {
		c := e.client()
		c.header.Set("Origin", "https://evil.example")
		status, page, _ := c.postForm(tt.path, url.Values{"text": {"halo"}})
		if status != http.StatusForbidden || !strings.Contains(page, tt.back) {
			t.Errorf("cross-site POST %s: %d, want 403 and a page with %s", tt.path, status, tt.back)
		}
	}
}
