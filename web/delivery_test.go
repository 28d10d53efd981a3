package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

type blockedChannel struct{}

func (blockedChannel) Send(context.Context, sigap.Outbound) error {
	return &sigap.PermanentError{Err: fmt.Errorf("telegram: %w", sigap.ErrBlocked)}
}

// undelivered is the ticket's list of undelivered replies, through the API.
func undelivered(t *testing.T, c *client, code string) []undeliveredJSON {
	t.Helper()
	var v ticketDetailJSON
	if status := c.getJSON("/api/tickets/"+code, &v); status != http.StatusOK {
		t.Fatalf("GET ticket %s: %d", code, status)
	}
	return v.Undelivered
}

// A reply the citizen did not get shows on the ticket page and in the API
// with why, and staff of the ticket's OPD can send it again from either.
func TestUndeliveredRepliesAndTheirRetryButton(t *testing.T) {
	e := newTestEnv(t)
	code := e.citizenAsks("tg:1001", "Budi", "", "syarat ktp hilang")
	sari := e.loggedIn("sari")
	if status := sari.postJSON("/api/tickets/"+code+"/reply", map[string]string{"text": "Silakan datang ke kantor."}, nil); status != http.StatusOK {
		t.Fatalf("reply: %d", status)
	}
	ob := &desk.Outbox{Store: e.db, Desk: e.desk, Now: e.clock.Now, Senders: map[sigap.Channel]sigap.Sender{sigap.Telegram: blockedChannel{}}}
	if _, err := ob.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	list := undelivered(t, sari, code)
	if len(list) != 2 || list[1].Failure != "blocked" || !strings.Contains(list[1].Text, "Silakan datang ke kantor.") || list[1].Reason != desk.FailureText(sigap.FailureBlocked) {
		t.Fatalf("undelivered %+v, want the acknowledgement and the reply, blocked", list)
	}

	_, page, _ := sari.get("/tickets/" + code)
	action := fmt.Sprintf(`action="/tickets/%s/outbox/%d/retry"`, code, list[1].ID)
	for _, want := range []string{"Balasan tidak terkirim", "warga memblokir akun Sigap", action, "Silakan datang ke kantor."} {
		if !strings.Contains(page, want) {
			t.Errorf("ticket page lacks %q", want)
		}
	}
	status, _, h := sari.postForm(fmt.Sprintf("/tickets/%s/outbox/%d/retry", code, list[1].ID), url.Values{"csrf": {hidden(page, "csrf")}})
	if status != http.StatusSeeOther || h.Get("Location") != "/tickets/"+code+"?ok=resend" {
		t.Errorf("retry form: %d to %q, want 303 back to the ticket", status, h.Get("Location"))
	}
	if got := undelivered(t, sari, code); len(got) != 1 || got[0].ID != list[0].ID {
		t.Errorf("after the retry undelivered %+v, want only the acknowledgement", got)
	}

	dina := e.loggedIn("dina")
	retry := fmt.Sprintf("/api/tickets/%s/outbox/%d/retry", code, list[0].ID)
	if status := dina.postJSON(retry, nil, nil); status != http.StatusNotFound {
		t.Errorf("another OPD's agent retried: %d, want 404", status)
	}
	if status := sari.postJSON("/api/tickets/"+code+"/outbox/abc/retry", nil, nil); status != http.StatusNotFound {
		t.Errorf("retry of id abc: %d, want 404", status)
	}
	var out struct {
		OK     bool             `json:"ok"`
		Ticket ticketDetailJSON `json:"ticket"`
	}
	if status := sari.postJSON(retry, nil, &out); status != http.StatusOK || !out.OK || len(out.Ticket.Undelivered) != 0 {
		t.Errorf("API retry: %d %+v, want ok and nothing undelivered", status, out)
	}
	if status := sari.postJSON(retry, nil, nil); status != http.StatusNotFound {
		t.Errorf("retry of a queued reply: %d, want 404", status)
	}
}

// Every dashboard page warns of a channel down for five minutes.
func TestOutageBanner(t *testing.T) {
	e := newTestEnv(t)
	down := e.clock.Now()
	e.channels = func() []sigap.ChannelState {
		return []sigap.ChannelState{
			{Channel: sigap.Telegram, State: sigap.StateConnected, Since: down},
			{Channel: sigap.WhatsApp, State: "logged_out", Since: down},
		}
	}
	banner := "Kanal WhatsApp tidak tersambung sejak"
	admin, agent := e.loggedIn("admin"), e.loggedIn("sari")
	e.clock.Add(4 * time.Minute)
	if _, page, _ := agent.get("/queue"); strings.Contains(page, banner) {
		t.Error("a banner after four minutes")
	}
	e.clock.Add(time.Minute)
	_, page, _ := agent.get("/queue")
	if !strings.Contains(page, banner) || strings.Contains(page, `href="/admin#kanal"`) || strings.Contains(page, "Kanal Telegram") {
		t.Errorf("agent's queue: want the WhatsApp banner alone, without the admin's link:\n%s", page)
	}
	if _, page, _ := admin.get("/admin"); !strings.Contains(page, banner) || !strings.Contains(page, `href="/admin#kanal"`) {
		t.Error("admin's page lacks the banner with its link to the channels")
	}
}

// Admins see what channels set aside, and the reminder that keeps the
// WhatsApp link alive.
func TestAdminPageShowsSetAsideUpdatesAndThePhoneReminder(t *testing.T) {
	e := newTestEnv(t)
	e.srv.cfg.WhatsAppLink = func(context.Context) ([]byte, bool, error) { return nil, true, nil }
	u := sigap.SetAsideUpdate{Channel: sigap.Telegram, UpdateID: "4242", Raw: `{"update_id":4242,"message":{"text":"<b>x</b>"}}`, Reason: "cannot decode"}
	if err := e.bot.SetAside(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	_, page, _ := e.loggedIn("admin").get("/admin")
	for _, want := range []string{"Pembaruan yang disisihkan", "4242", "cannot decode", "&lt;b&gt;x&lt;/b&gt;", "setidaknya sekali setiap 14 hari"} {
		if !strings.Contains(page, want) {
			t.Errorf("admin page lacks %q", want)
		}
	}
	if strings.Contains(page, "<b>x</b>") {
		t.Error("a set-aside update is shown unescaped")
	}
}
