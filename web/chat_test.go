package web

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

// chatCitizen opens /chat in a fresh browser and returns it with the page.
func chatCitizen(t *testing.T, e *testEnv) (*client, string) {
	t.Helper()
	c := e.client()
	status, page, _ := c.get("/chat")
	if status != 200 {
		t.Fatalf("GET /chat: %d", status)
	}
	return c, page
}

// chatCookieValue is the browser's chat cookie.
func chatCookieValue(t *testing.T, e *testEnv, c *client) string {
	t.Helper()
	u, _ := url.Parse(e.ts.URL + "/chat")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == chatCookie {
			return ck.Value
		}
	}
	t.Fatal("no chat cookie")
	return ""
}

// chatAddress is the address of the browser's conversation, as staff see
// it.
func chatAddress(t *testing.T, e *testEnv, c *client) sigap.Address {
	t.Helper()
	id, ok := e.srv.keys.chatSecret(chatCookieValue(t, e, c))
	if !ok {
		t.Fatal("the chat cookie is not one the server signed")
	}
	return e.srv.keys.chatAddress(id)
}

func TestChatScriptRendersAsText(t *testing.T) {
	e := newTestEnv(t)
	c, page := chatCitizen(t, e)
	evil := "<script>alert(1)</script> ktp saya hilang"
	status, _, h := c.postForm("/chat/send", url.Values{"csrf": {hidden(page, "csrf")}, "msgid": {hidden(page, "msgid")}, "text": {evil}, "name": {"<b>Budi</b>"}})
	if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/chat") {
		t.Fatalf("send: %d → %q", status, h.Get("Location"))
	}
	code := e.openTicket(chatAddress(t, e, c))

	_, staffPage, _ := e.loggedIn("sari").get("/tickets/" + code)
	_, chatPage, _ := c.get("/chat")
	for name, p := range map[string]string{"staff ticket page": staffPage, "chat page": chatPage} {
		if !strings.Contains(p, "&lt;script&gt;alert(1)&lt;/script&gt; ktp saya hilang") {
			t.Errorf("%s does not show the message as text", name)
		}
		if strings.Contains(p, "<script>alert(1)") || strings.Contains(p, "<b>Budi</b>") {
			t.Errorf("%s contains the citizen's markup unescaped", name)
		}
	}
	if !strings.Contains(staffPage, "&lt;b&gt;Budi&lt;/b&gt;") {
		t.Error("staff page does not show the citizen's name as text")
	}
}

func TestChatConversationWithStaff(t *testing.T) {
	e := newTestEnv(t)
	c, page := chatCitizen(t, e)
	c.postForm("/chat/send", url.Values{"csrf": {hidden(page, "csrf")}, "msgid": {hidden(page, "msgid")}, "text": {"ktp saya hilang, bagaimana?"}})
	code := e.openTicket(chatAddress(t, e, c))

	// The chat page learns about the reply from the web channel's Send.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/chat/events", nil)
	resp := c.do(req)
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("chat events: %d", resp.StatusCode)
	}

	if got := e.loggedIn("sari").postJSON("/api/tickets/"+code+"/reply", map[string]string{"text": "Silakan urus KTP pengganti di kantor kecamatan."}, nil); got != 200 {
		t.Fatalf("reply: %d", got)
	}
	// The outbox hands the reply to the web channel's Sender.
	ctxb := context.Background()
	var due []sigap.Outbound
	e.db.View(ctxb, func(tx sigap.Tx) error {
		var err error
		due, err = tx.DueOutbound(ctxb, e.clock.Now(), 100, nil)
		return err
	})
	for _, o := range due {
		if err := e.chat.Send(ctxb, o); err != nil {
			t.Fatalf("web chat send: %v", err)
		}
	}
	r := bufio.NewReader(resp.Body)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(line) == "event: message" {
			break
		}
	}
	_, chat, _ := c.get("/chat")
	if !strings.Contains(chat, "Silakan urus KTP pengganti di kantor kecamatan.") {
		t.Error("staff reply not on the citizen's chat page")
	}
	// Another browser has its own conversation.
	_, other := chatCitizen(t, e)
	if strings.Contains(other, "kantor kecamatan") {
		t.Error("another browser sees this citizen's conversation")
	}
}

func TestChatSendRefusals(t *testing.T) {
	e := newTestEnv(t)
	c, page := chatCitizen(t, e)
	csrf, msgid := hidden(page, "csrf"), hidden(page, "msgid")
	tests := []struct {
		name string
		form url.Values
		want int
		says string
	}{
		{"no token", url.Values{"msgid": {msgid}, "text": {"ktp hilang"}}, 403, "ktp hilang"},
		{"empty", url.Values{"csrf": {csrf}, "msgid": {msgid}, "text": {"   "}}, 400, "Pesan masih kosong"},
		{"too long", url.Values{"csrf": {csrf}, "msgid": {msgid}, "text": {strings.Repeat("a", maxChatText+1)}}, 400, "terlalu panjang"},
	}
	for _, tt := range tests {
		status, body, _ := c.postForm("/chat/send", tt.form)
		if status != tt.want || !strings.Contains(body, tt.says) {
			t.Errorf("%s: %d, want %d with %q", tt.name, status, tt.want, tt.says)
		}
	}
	_, page, _ = c.get("/chat")
	if strings.Contains(page, `class="bubble mine"`) {
		t.Error("a refused message reached the conversation")
	}
}

func TestChatDoubleSubmitIsStoredOnce(t *testing.T) {
	e := newTestEnv(t)
	c, page := chatCitizen(t, e)
	form := url.Values{"csrf": {hidden(page, "csrf")}, "msgid": {hidden(page, "msgid")}, "text": {"ktp saya hilang"}}
	for range 2 {
		if status, _, _ := c.postForm("/chat/send", form); status != http.StatusSeeOther {
			t.Fatalf("send: %d", status)
		}
	}
	_, page, _ = c.get("/chat")
	if n := strings.Count(page, `class="bubble mine"`); n != 1 {
		t.Errorf("%d copies of a double-submitted message, want 1", n)
	}
	if hidden(page, "msgid") == form.Get("msgid") {
		t.Error("the next form reuses the previous message id")
	}
}
