package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
)

func TestWebhookHandler(t *testing.T) {
	const secret = "s3cret-Token_1"
	text := tgbotapi.Update{UpdateID: 1, Message: private(func(m *tgbotapi.Message) { m.Text = "cek KBM-7K3QX" })}
	group := tgbotapi.Update{UpdateID: 2, Message: private(func(m *tgbotapi.Message) {
		m.Chat = &tgbotapi.Chat{ID: -1, Type: "group"}
		m.Text = "halo"
	})}
	body := func(u tgbotapi.Update) string {
		b, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	tests := []struct {
		name        string
		method      string
		handlerKey  string // secret the handler was made with
		header      string // secret the request carries; "-" for none
		body        string
		receiveErr  error
		wantStatus  int
		wantReceive bool
	}{
		{"right secret", "POST", secret, secret, body(text), nil, http.StatusOK, true},
		{"wrong secret", "POST", secret, "guess", body(text), nil, http.StatusUnauthorized, false},
		{"missing secret", "POST", secret, "-", body(text), nil, http.StatusUnauthorized, false},
		{"secret prefix only", "POST", secret, secret[:5], body(text), nil, http.StatusUnauthorized, false},
		{"handler without a secret rejects all", "POST", "", "-", body(text), nil, http.StatusUnauthorized, false},
		{"GET", "GET", secret, secret, "", nil, http.StatusMethodNotAllowed, false},
		{"not JSON", "POST", secret, secret, "{update", nil, http.StatusBadRequest, false},
		{"receive failed: Telegram must resend", "POST", secret, secret, body(text), errors.New("disk full"), http.StatusInternalServerError, true},
		{"ignored update is acknowledged", "POST", secret, secret, body(group), nil, http.StatusOK, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.NewServer()
			defer srv.Close()
			a, _, _ := newAdapter(t, srv, Config{})
			var got []sigap.Inbound
			recv := receiverFunc(func(_ context.Context, in sigap.Inbound) error {
				got = append(got, in)
				return tt.receiveErr
			})
			req := httptest.NewRequest(tt.method, "/telegram/webhook", strings.NewReader(tt.body))
			if tt.header != "-" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tt.header)
			}
			rec := httptest.NewRecorder()
			a.WebhookHandler(tt.handlerKey, recv).ServeHTTP(rec, req)

			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
			}
			if received := len(got) == 1; received != tt.wantReceive {
				t.Fatalf("received %v, want received=%v", got, tt.wantReceive)
			}
			if tt.wantReceive && got[0].PlatformID != "5001:77" {
				t.Errorf("PlatformID %q, want 5001:77", got[0].PlatformID)
			}
		})
	}
}

func TestSetWebhook(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})
	ctx := context.Background()

	bad := []struct{ url, secret, want string }{
		{"http://sigap.kebumenkab.go.id/tg", "abc", "https"},
		{"https://sigap.kebumenkab.go.id/tg", "", "secret"},
		{"https://sigap.kebumenkab.go.id/tg", "has space", "secret"},
		{"https://sigap.kebumenkab.go.id/tg", strings.Repeat("a", 257), "secret"},
	}
	for _, b := range bad {
		if err := a.SetWebhook(ctx, b.url, b.secret); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("SetWebhook(%q, %q) = %v, want an error about %s", b.url, b.secret, err, b.want)
		}
	}

	if err := a.SetWebhook(ctx, "https://sigap.kebumenkab.go.id/tg", "abc-DEF_123"); err != nil {
		t.Fatalf("SetWebhook: %v", err)
	}
	if url, secret := srv.Webhook(); url != "https://sigap.kebumenkab.go.id/tg" || secret != "abc-DEF_123" {
		t.Errorf("server has webhook %q secret %q", url, secret)
	}
	// One update at a time keeps each chat in order.
	if got := srv.WebhookParam("max_connections"); got != "1" {
		t.Errorf("max_connections = %q, want 1", got)
	}
	if err := a.DeleteWebhook(ctx); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	if url, _ := srv.Webhook(); url != "" {
		t.Errorf("webhook %q still set", url)
	}
}

// In webhook mode too, an unreadable update and one the receiver keeps
// failing on are set aside and answered 200, so Telegram moves on.
func TestWebhookSetsAside(t *testing.T) {
	const secret = "s3cret-Token_1"
	srv := telegramtest.NewServer()
	defer srv.Close()
	kept := &setAsideStore{}
	a, _, _ := newAdapter(t, srv, Config{SetAside: kept.SetAside})
	recv := receiverFunc(func(context.Context, sigap.Inbound) error { return errors.New("disk full") })
	post := func(body string) int {
		req := httptest.NewRequest("POST", "/telegram/webhook", strings.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		rec := httptest.NewRecorder()
		a.WebhookHandler(secret, recv).ServeHTTP(rec, req)
		return rec.Code
	}
	if code := post(`{"update_id":41,"message":{"message_id":1,"date":"kemarin","chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"Sri"}}}`); code != http.StatusOK {
		t.Errorf("unreadable update answered %d, want 200", code)
	}
	failing := `{"update_id":42,"message":{"message_id":2,"date":1712190600,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"Sri"},"text":"halo"}}`
	var codes []int
	for range maxUpdateTries {
		codes = append(codes, post(failing))
	}
	want := []int{500, 500, 500, 500, 200}
	if !slices.Equal(codes, want) {
		t.Errorf("answers %v to the resent update, want %v", codes, want)
	}
	k := kept.Kept()
	if len(k) != 2 || k[0].UpdateID != "41" || k[1].UpdateID != "42" {
		t.Errorf("set aside %+v, want updates 41 and 42", k)
	}
}
