package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

func TestProfileLinksTelegramForSLAWarnings(t *testing.T) {
	e := newTestEnv(t)
	e.addStaff("rina", sigap.RoleAgent, "DINKES")
	c := e.loggedIn("rina")
	ctx := context.Background()

	status, page, _ := c.get("/profile")
	if status != http.StatusOK || !strings.Contains(page, "Buat kode tautan") {
		t.Fatalf("profile: status %d, no link button:\n%s", status, page)
	}
	if !strings.Contains(page, "<dt>Peran</dt><dd>Petugas</dd>") {
		t.Errorf("profile does not name the role in Indonesian:\n%s", page)
	}
	if status, _, _ := c.postForm("/profile/telegram", url.Values{}); status != http.StatusForbidden {
		t.Errorf("making a link code without the CSRF token: status %d, want 403", status)
	}
	if status, _, _ := c.postForm("/profile/telegram", url.Values{"csrf": {hidden(page, "csrf")}}); status != http.StatusSeeOther {
		t.Fatalf("making a link code: status %d, want 303", status)
	}
	_, page, _ = c.get("/profile")
	m := regexp.MustCompile(`/link ([A-Z2-7]{8})`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("profile shows no link code:\n%s", page)
	}
	if !strings.Contains(page, "sampai 03/04/2024 16:15") {
		t.Errorf("profile does not say until when the code is good:\n%s", page)
	}

	// The staff member sends the code to the bot from their Telegram.
	link := func(chat, text string) {
		t.Helper()
		in := sigap.Inbound{From: sigap.Address{Channel: sigap.Telegram, ID: chat}, PlatformID: chat + text, Kind: sigap.KindText, Text: text}
		if err := e.bot.Receive(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	link("555", "/link "+strings.ToLower(m[1]))
	linked := func() string {
		var chat string
		e.db.View(ctx, func(tx sigap.Tx) error {
			s, err := tx.StaffByUsername(ctx, "rina")
			if err == nil {
				chat = s.TelegramChatID
			}
			return err
		})
		return chat
	}
	if got := linked(); got != "555" {
		t.Fatalf("after /link the staff's Telegram chat is %q, want 555", got)
	}
	// The code works once: someone else replaying it links nothing.
	link("666", "/link "+m[1])
	if got := linked(); got != "555" {
		t.Errorf("a used code linked chat %q", got)
	}

	_, page, _ = c.get("/profile")
	if !strings.Contains(page, "sudah tertaut") {
		t.Errorf("profile does not say Telegram is linked:\n%s", page)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "action": {"unlink"}}
	if status, _, _ := c.postForm("/profile/telegram", form); status != http.StatusSeeOther {
		t.Fatalf("unlink: status %d", status)
	}
	if got := linked(); got != "" {
		t.Errorf("after unlink the Telegram chat is %q, want none", got)
	}
}
