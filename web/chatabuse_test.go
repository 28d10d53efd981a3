package web

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// sendChat posts a message from the chat page the client last loaded.
func sendChat(c *client, page, text string) (int, http.Header) {
	status, _, h := c.postForm("/chat/send", url.Values{"csrf": {hidden(page, "csrf")}, "msgid": {hidden(page, "msgid")}, "text": {text}})
	return status, h
}

// countRows counts a table's rows straight from the store.
func (e *testEnv) count(what string) int {
	e.t.Helper()
	ctx := context.Background()
	n, err := sigap.Read(ctx, e.db, func(tx sigap.Tx) (int, error) {
		switch what {
		case "held":
			return tx.CountHeld(ctx)
		case "tickets":
			list, err := tx.ListTickets(ctx, sigap.TicketFilter{Status: "all"})
			return len(list), err
		}
		return 0, fmt.Errorf("nothing to count as %q", what)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestChatTakesOnlyConversationsTheServerIssued(t *testing.T) {
	e := newTestEnv(t)
	made := strings.Repeat("ab", 16) // any 32 hex digits used to be a conversation
	c := e.client()
	u, _ := url.Parse(e.ts.URL + "/chat")
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: chatCookie, Value: made, Path: "/chat"}})
	status, _, _ := c.postForm("/chat/send", url.Values{"csrf": {made}, "msgid": {made}, "text": {"jalan rusak"}})
	if status != http.StatusForbidden {
		t.Errorf("a message under a made-up conversation: %d, want 403", status)
	}
	if got := chatCookieValue(t, e, c); got == made {
		t.Error("the made-up cookie was kept")
	}
	if n := e.count("tickets"); n != 0 {
		t.Errorf("%d tickets opened under a made-up conversation", n)
	}
}

func TestAnonymousFormsRefuseATokenThatRepeatsTheCookie(t *testing.T) {
	e := newTestEnv(t)
	c := e.client()
	token := randomToken(32)
	for _, path := range []string{"/login", "/chat"} {
		u, _ := url.Parse(e.ts.URL + path)
		c.http.Jar.SetCookies(u, []*http.Cookie{{Name: anonCSRFCookie, Value: token, Path: "/"}})
	}
	status, _, _ := c.postForm("/login", url.Values{"csrf": {token}, "username": {"sari"}, "password": {testPassword}})
	if status != http.StatusForbidden {
		t.Errorf("login with the cookie repeated as its token: %d, want 403", status)
	}
	chat, _ := chatCitizen(t, e)
	if status, _, _ := chat.postForm("/chat/send", url.Values{"csrf": {chatCookieValue(t, e, chat)}, "msgid": {randomHex(16)}, "text": {"ktp hilang"}}); status != http.StatusForbidden {
		t.Errorf("a chat message with the cookie repeated as its token: %d, want 403", status)
	}
	// The real forms still work.
	browser := e.client()
	_, login, _ := browser.get("/login")
	if status, _, _ := browser.postForm("/login", url.Values{"csrf": {hidden(login, "csrf")}, "username": {"sari"}, "password": {testPassword}}); status != http.StatusSeeOther {
		t.Errorf("login with the form's token: %d, want 303", status)
	}
}

func TestKnowingTheChatAddressGivesNoAccess(t *testing.T) {
	e := newTestEnv(t)
	citizen, page := chatCitizen(t, e)
	sendChat(citizen, page, "ktp saya hilang, rahasia pribadi saya")
	addr := chatAddress(t, e, citizen)
	code := e.openTicket(addr)
	_, ticketPage, _ := e.loggedIn("sari").get("/tickets/" + code)
	if !strings.Contains(ticketPage, addr.String()) {
		t.Fatalf("the ticket page does not show the address %s", addr)
	}
	if strings.Contains(ticketPage, chatCookieValue(t, e, citizen)) {
		t.Fatal("the ticket page shows the chat's secret")
	}
	for _, forged := range []string{addr.ID, addr.String(), addr.ID + "." + addr.ID} {
		agent := e.client()
		u, _ := url.Parse(e.ts.URL + "/chat")
		agent.http.Jar.SetCookies(u, []*http.Cookie{{Name: chatCookie, Value: forged, Path: "/chat"}})
		if _, p, _ := agent.get("/chat"); strings.Contains(p, "rahasia pribadi") {
			t.Errorf("cookie %q reads the conversation", forged)
		}
		agent.http.Jar.SetCookies(u, []*http.Cookie{{Name: chatCookie, Value: forged, Path: "/chat"}})
		if status, _, _ := agent.get("/chat/events"); status != http.StatusUnauthorized {
			t.Errorf("cookie %q: chat events %d, want 401", forged, status)
		}
		agent.http.Jar.SetCookies(u, []*http.Cookie{{Name: chatCookie, Value: forged, Path: "/chat"}})
		agent.postForm("/chat/send", url.Values{"csrf": {hidden(page, "csrf")}, "msgid": {randomHex(16)}, "text": {"5"}})
	}
	// Nothing reached the citizen's conversation.
	_, mine, _ := citizen.get("/chat")
	if n := strings.Count(mine, `class="bubble mine"`); n != 1 {
		t.Errorf("the citizen's conversation has %d messages of theirs, want 1", n)
	}
}

// floodLimits make a flood quick to provoke.
func floodLimits(c *Config) {
	c.ChatLimits = ChatLimits{NewPerMinute: 5, NewPerClient: 1000, MessagesPerMinute: 3, Streams: 2, StreamsPerClient: 1}
}

func TestChatFloodHoldsNewConversationsAndServesOngoingOnes(t *testing.T) {
	e := newTestEnv(t, floodLimits)
	citizen, page := chatCitizen(t, e)
	sendChat(citizen, page, "jalan di desa kami rusak parah")
	before := e.count("tickets")
	const flood = 40
	for i := range flood {
		bot, page := chatCitizen(t, e)
		if status, h := sendChat(bot, page, fmt.Sprintf("spam nomor %d", i)); status != http.StatusSeeOther {
			t.Fatalf("flood message %d: %d → %q", i, status, h.Get("Location"))
		}
	}
	opened := e.count("tickets") - before
	if opened > 4 { // the cap of 5 a minute, one taken by the citizen
		t.Errorf("a flood of %d new conversations opened %d tickets, want at most 4", flood, opened)
	}
	if held := e.count("held"); held != flood-opened {
		t.Errorf("%d messages held, want the %d beyond the cap: none lost", held, flood-opened)
	}
	// The citizen in the ongoing conversation is still answered.
	_, page, _ = citizen.get("/chat")
	status, h := sendChat(citizen, page, "tolong segera diperbaiki")
	if status != http.StatusSeeOther || strings.Contains(h.Get("Location"), "held") {
		t.Fatalf("the ongoing conversation during the flood: %d → %q, want it served", status, h.Get("Location"))
	}
	_, page, _ = citizen.get("/chat")
	if !strings.Contains(page, "tolong segera diperbaiki") || strings.Count(page, `class="bubble theirs"`) < 3 {
		t.Errorf("the ongoing conversation got no answer during the flood:\n%s", page)
	}
}

func TestChatPaceHoldsWhatComesTooFastAndTellsTheCitizen(t *testing.T) {
	e := newTestEnv(t, floodLimits)
	c, page := chatCitizen(t, e)
	var last http.Header
	for i := range 4 {
		_, last = sendChat(c, page, fmt.Sprintf("pesan ke-%d", i))
		_, page, _ = c.get("/chat")
	}
	if !strings.Contains(last.Get("Location"), "held=1") {
		t.Errorf("the 4th message in a minute went to %q, want it held", last.Get("Location"))
	}
	_, page, _ = c.get(last.Get("Location"))
	if !strings.Contains(page, "diperiksa petugas") || !strings.Contains(page, "menunggu pemeriksaan petugas") {
		t.Error("the chat page does not say the message waits for a check")
	}
	e.clock.Add(time.Minute)
	if _, h := sendChat(c, page, "pesan sesudah semenit"); strings.Contains(h.Get("Location"), "held") {
		t.Error("a message a minute later is still held")
	}
}

func TestAdminReleasesOrDeletesHeldMessages(t *testing.T) {
	e := newTestEnv(t, func(c *Config) { floodLimits(c); c.ChatLimits.NewPerMinute = 1 })
	first, page := chatCitizen(t, e)
	sendChat(first, page, "pertanyaan pertama")
	var held []*client
	for _, text := range []string{"ktp saya hilang", "iklan obat kuat", "iklan pinjol"} {
		c, page := chatCitizen(t, e)
		sendChat(c, page, text)
		held = append(held, c)
	}
	if status, _, _ := e.loggedIn("sari").get("/admin/held"); status != http.StatusForbidden {
		t.Errorf("an agent on the held page: %d, want 403", status)
	}
	admin := e.loggedIn("admin")
	_, list, _ := admin.get("/admin/held")
	for _, want := range []string{"ktp saya hilang", "iklan pinjol", heldNewAll, "3 pesan tertahan"} {
		if !strings.Contains(list, want) {
			t.Errorf("the held page lacks %q", want)
		}
	}
	ctx := context.Background()
	msgs, _ := sigap.Read(ctx, e.db, func(tx sigap.Tx) ([]sigap.HeldMessage, error) { return tx.HeldMessages(ctx, sigap.Address{}, 0) })
	release := url.Values{"csrf": {admin.csrf}, "action": {"release"}, "id": {fmt.Sprint(msgs[0].ID)}}
	if status, _, _ := admin.postForm("/admin/held", release); status != http.StatusSeeOther {
		t.Fatalf("release: %d", status)
	}
	// Released, the message is the citizen's question: it opens a ticket.
	code := e.openTicket(chatAddress(t, e, held[0]))
	if code == "" {
		t.Error("the released message opened no ticket")
	}
	if status, _, _ := admin.postForm("/admin/held", release); status != http.StatusNotFound {
		t.Errorf("releasing it twice: %d, want 404", status)
	}
	all := url.Values{"csrf": {admin.csrf}, "action": {"delete-all"}, "upto": {fmt.Sprint(msgs[2].ID)}}
	if status, _, _ := admin.postForm("/admin/held", all); status != http.StatusSeeOther || e.count("held") != 0 {
		t.Errorf("delete all: %d, %d left", status, e.count("held"))
	}
	log := e.auditLog()
	for _, want := range []string{
		fmt.Sprintf("staff:admin held_release pesan tertahan %d dari %s", msgs[0].ID, msgs[0].From),
		fmt.Sprintf("staff:admin held_delete semua pesan tertahan sampai nomor %d (2 pesan)", msgs[2].ID),
	} {
		if !slices.Contains(log, want) {
			t.Errorf("audit log lacks %q:\n%s", want, strings.Join(log, "\n"))
		}
	}
}

// auditLog reads every audit entry as "actor action detail", oldest
// first: most of it is on no ticket.
func (e *testEnv) auditLog() []string {
	e.t.Helper()
	return storagetest.AuditLog(e.t, e.db)
}

func TestChatEventStreamsAreCapped(t *testing.T) {
	proxy := netip.MustParsePrefix("127.0.0.0/8")
	e := newTestEnv(t, func(c *Config) { floodLimits(c); c.TrustedProxies = []netip.Prefix{proxy} })
	open := func(from string) int {
		c, page := chatCitizen(t, e)
		sendChat(c, page, "halo")
		c.header.Set("X-Forwarded-For", from)
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/chat/events", nil)
		// A 200's headers come once the stream is counted; it stays open
		// until the test ends.
		return c.do(req).StatusCode
	}
	for _, tt := range []struct {
		from string
		want int
	}{
		{"203.0.113.1", 200},
		{"203.0.113.1", 503}, // one per client address
		{"203.0.113.2", 200},
		{"203.0.113.3", 503}, // two in all
	} {
		if got := open(tt.from); got != tt.want {
			t.Errorf("a stream from %s: %d, want %d", tt.from, got, tt.want)
		}
	}
}

func TestBigBodiesAreTooLargeNotExpired(t *testing.T) {
	e := newTestEnv(t)
	big := strings.Repeat("a", 10<<20)
	c, page := chatCitizen(t, e)
	status, body, _ := c.postForm("/chat/send", url.Values{"csrf": {hidden(page, "csrf")}, "msgid": {hidden(page, "msgid")}, "text": {big}})
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "terlalu besar") || strings.Contains(body, "kedaluwarsa") {
		t.Errorf("a 10 MB chat message: %d; want 413 saying it is too large", status)
	}
	_, login, _ := c.get("/login")
	status, body, _ = c.postForm("/login", url.Values{"csrf": {hidden(login, "csrf")}, "username": {big}})
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "terlalu besar") {
		t.Errorf("a 10 MB login form: %d; want 413 saying it is too large", status)
	}
	sari := e.loggedIn("sari")
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	status, body, _ = sari.postForm("/tickets/"+code+"/note", url.Values{"csrf": {sari.csrf}, "text": {big}})
	if status != http.StatusRequestEntityTooLarge || strings.Contains(body, "kedaluwarsa") {
		t.Errorf("a 10 MB staff form: %d; want 413, not an expired form", status)
	}
	if got := sari.postJSON("/api/tickets/"+code+"/note", map[string]string{"text": big}, nil); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a 10 MB API body: %d, want 413", got)
	}
}

// BenchmarkChatFlood measures what a flood of new conversations costs now
// that they are held: each op is a fresh browser's GET /chat and message.
// The floor is the GET alone, in the same run. The tickets metric is how
// many tickets the whole flood opened (the cap is NewPerMinute).
func BenchmarkChatFlood(b *testing.B) {
	for _, bench := range []struct {
		name string
		send bool
	}{{"floor: GET /chat", false}, {"new conversation, held", true}} {
		b.Run(bench.name, func(b *testing.B) {
			e := newTestEnv(b, func(c *Config) { c.ChatLimits.NewPerClient = 1 << 30 })
			b.ResetTimer()
			for range b.N {
				c := e.client()
				_, page, _ := c.get("/chat")
				if bench.send {
					sendChat(c, page, "spam")
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(e.count("tickets")), "tickets")
		})
	}
}

// TestChatGateRemembersDeliveredConversations: a conversation that
// delivered a message is known for knownFor, so its next messages skip
// the store's lookup and the limits on new conversations; after that it
// is forgotten, and pruning drops it.
func TestChatGateRemembersDeliveredConversations(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	g := newChatGate(DefaultChatLimits(), func() time.Time { return now })
	g.delivered("a")
	start := now
	tests := []struct {
		after time.Duration
		chat  string
		known bool
	}{
		{0, "a", true},
		{0, "b", false},
		{time.Minute, "a", true},
		{knownFor - time.Second, "a", true},
		{knownFor, "a", false},
	}
	for _, tt := range tests {
		now = start.Add(tt.after)
		if got := g.knows(tt.chat); got != tt.known {
			t.Errorf("%v after delivery: knows(%q) = %v, want %v", tt.after, tt.chat, got, tt.known)
		}
	}
	now = start.Add(knownFor + time.Minute)
	g.admit("client", "c", false) // prunes
	if _, ok := g.known["a"]; ok {
		t.Error("a conversation silent for longer than knownFor is still remembered after pruning")
	}
}
