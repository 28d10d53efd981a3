package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
)

var citizen = sigap.Address{Channel: sigap.Telegram, ID: "5001"}

func TestSendPlainTextWithoutPreview(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})

	// Markup a citizen typed must reach them as typed.
	text := "Tiket <b>KBM-7K3QX</b> *diterima* https://kebumenkab.go.id"
	if err := a.Send(context.Background(), sigap.Outbound{ID: 1, To: citizen, Text: text}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	sent := srv.Sent()
	want := telegramtest.Sent{ChatID: 5001, Text: text, DisableWebPagePreview: true}
	if len(sent) != 1 || sent[0] != want {
		t.Errorf("sent %+v, want [%+v]", sent, want)
	}
}

func TestSendLongTextInOrder(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, ft, _ := newAdapter(t, srv, Config{})

	var b strings.Builder
	for i := 0; b.Len() < 9000; i++ {
		b.WriteString("Informasi layanan kependudukan bagian ")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(".\n")
	}
	text := b.String()[:9000]
	if err := a.Send(context.Background(), sigap.Outbound{ID: 2, To: citizen, Text: text}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	sent := srv.Sent()
	if len(sent) != 3 {
		t.Fatalf("sent %d messages, want 3", len(sent))
	}
	var joined strings.Builder
	for _, s := range sent {
		joined.WriteString(s.Text)
	}
	if joined.String() != text {
		t.Errorf("the messages joined differ from the text (%d of %d bytes)", joined.Len(), len(text))
	}
	// One chat gets one message a second.
	if got, want := ft.Waits(), []time.Duration{0, time.Second, time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name        string
		failure     telegramtest.Failure
		wantRetry   time.Duration // > 0: a RetryAfterError with this wait
		wantPerm    bool
		wantNotSent time.Duration // > 0: a NotSentError holding the channel this long
		wantMention string
	}{
		{"429 with retry_after", telegramtest.Failure{Code: 429, Description: "Too Many Requests: retry after 7", RetryAfter: 7}, 7 * time.Second, false, 0, "retry after"},
		{"429 without retry_after", telegramtest.Failure{Code: 429, Description: "Too Many Requests"}, time.Second, false, 0, "Too Many"},
		{"blocked by the user", telegramtest.Failure{Code: 403, Description: "Forbidden: bot was blocked by the user"}, 0, true, 0,
			"message 3 to tg:5001 not delivered: the citizen blocked the bot (telegram: sendMessage: Forbidden: bot was blocked by the user)"},
		{"user deactivated", telegramtest.Failure{Code: 403, Description: "Forbidden: user is deactivated"}, 0, true, 0,
			"not delivered: warga sudah menghapus akun Telegram-nya (telegram: sendMessage: Forbidden: user is deactivated)"},
		{"chat not found", telegramtest.Failure{Code: 400, Description: "Bad Request: chat not found"}, 0, true, 0, "not delivered: percakapan Telegram dengan warga tidak ditemukan"},
		{"server error", telegramtest.Failure{Code: 500, Description: "Internal Server Error"}, 0, false, 0, "Internal"},
		{"proxy error page", telegramtest.Failure{Code: 502, Raw: "<html>502 Bad Gateway</html>"}, 0, false, 0, "sendMessage"},
		// Every send fails alike until the token is fixed: no try counts.
		{"token revoked", telegramtest.Failure{Code: 401, Description: "Unauthorized"}, 0, false, tokenRejectedWait, "Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.NewServer()
			defer srv.Close()
			a, _, _ := newAdapter(t, srv, Config{})
			srv.Fail("sendMessage", tt.failure)

			err := a.Send(context.Background(), sigap.Outbound{ID: 3, To: citizen, Text: "Halo Bapak/Ibu"})
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			var retry *sigap.RetryAfterError
			var perm *sigap.PermanentError
			var notSent *sigap.NotSentError
			isRetry, isPerm, isNotSent := errors.As(err, &retry), errors.As(err, &perm), errors.As(err, &notSent)
			switch {
			case tt.wantNotSent > 0:
				if !isNotSent || notSent.Wait != tt.wantNotSent || a.State().State != StateUnauthorized {
					t.Errorf("err = %v (%T), state %q, want NotSentError waiting %s and state %q", err, err, a.State().State, tt.wantNotSent, StateUnauthorized)
				}
			case tt.wantRetry > 0:
				if !isRetry || retry.Wait != tt.wantRetry {
					t.Errorf("err = %v, want RetryAfterError waiting %s", err, tt.wantRetry)
				}
			case tt.wantPerm:
				if !isPerm {
					t.Errorf("err = %v (%T), want PermanentError", err, err)
				}
			default:
				if isRetry || isPerm || isNotSent {
					t.Errorf("err = %v (%T), want a plain error worth retrying", err, err)
				}
			}
			if !strings.Contains(err.Error(), tt.wantMention) {
				t.Errorf("err = %q, want it to mention %q", err, tt.wantMention)
			}
			if blocked := errors.Is(err, ErrBlocked); blocked != (tt.name == "blocked by the user") {
				t.Errorf("errors.Is(err, ErrBlocked) = %v for %v", blocked, err)
			}
			if len(srv.Sent()) != 0 {
				t.Errorf("a message was recorded as sent")
			}
		})
	}
}

// Quick replies go under the last part as a one-time keyboard whose
// buttons send "1" or "2"; the next message takes the keyboard away.
func TestSendQuickReplies(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})
	ctx := context.Background()
	question := strings.Repeat("Jawaban FAQ. ", 400) + "\n\nApakah jawaban ini membantu? Balas 1 jika ya, 2 jika ingin diteruskan ke petugas."
	if err := a.Send(ctx, sigap.Outbound{ID: 1, To: citizen, Text: question, Replies: []string{"1", "2"}}); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"Terima kasih.", "Ada lagi yang bisa dibantu?"} {
		if err := a.Send(ctx, sigap.Outbound{ID: 2, To: citizen, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	sent := srv.Sent()
	if len(sent) != 4 {
		t.Fatalf("sent %d messages, want the answer in 2 parts and 2 more", len(sent))
	}
	type markup struct {
		Keyboard [][]struct {
			Text string `json:"text"`
		} `json:"keyboard"`
		OneTime bool `json:"one_time_keyboard"`
		Resize  bool `json:"resize_keyboard"`
		Remove  bool `json:"remove_keyboard"`
	}
	var got []markup
	for _, s := range sent {
		var m markup
		if s.ReplyMarkup != "" {
			if err := json.Unmarshal([]byte(s.ReplyMarkup), &m); err != nil {
				t.Fatalf("reply_markup %q: %v", s.ReplyMarkup, err)
			}
		}
		got = append(got, m)
	}
	if sent[0].ReplyMarkup != "" {
		t.Errorf("first part has markup %s, want the buttons on the last part only", sent[0].ReplyMarkup)
	}
	if kb := got[1]; len(kb.Keyboard) != 1 || len(kb.Keyboard[0]) != 2 || kb.Keyboard[0][0].Text != "1" || kb.Keyboard[0][1].Text != "2" || !kb.OneTime || !kb.Resize {
		t.Errorf("last part has markup %s, want a one-time keyboard with 1 and 2", sent[1].ReplyMarkup)
	}
	if !got[2].Remove {
		t.Errorf("next message has markup %q, want the keyboard removed", sent[2].ReplyMarkup)
	}
	if sent[3].ReplyMarkup != "" {
		t.Errorf("message after that has markup %q, want none", sent[3].ReplyMarkup)
	}
}

func TestSendNetworkErrorHidesToken(t *testing.T) {
	srv := telegramtest.NewServer()
	a, _, _ := newAdapter(t, srv, Config{})
	srv.Close()

	err := a.Send(context.Background(), sigap.Outbound{ID: 4, To: citizen, Text: "Halo"})
	var retry *sigap.RetryAfterError
	var perm *sigap.PermanentError
	if err == nil || errors.As(err, &retry) || errors.As(err, &perm) {
		t.Fatalf("err = %v, want a plain error", err)
	}
	if strings.Contains(err.Error(), telegramtest.Token) {
		t.Errorf("error leaks the token: %v", err)
	}
	if st := a.State(); st.State != StateError {
		t.Errorf("state = %q, want %q", st.State, StateError)
	}
}

func TestSendBadAddress(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})
	tests := []struct {
		name string
		msg  sigap.Outbound
	}{
		{"other channel", sigap.Outbound{To: sigap.Address{Channel: sigap.WhatsApp, ID: "628123"}, Text: "Halo"}},
		{"chat id not a number", sigap.Outbound{To: sigap.Address{Channel: sigap.Telegram, ID: "budi"}, Text: "Halo"}},
		{"no text", sigap.Outbound{To: citizen, Text: " \n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Send(context.Background(), tt.msg)
			var perm *sigap.PermanentError
			if !errors.As(err, &perm) || sigap.ErrorCode(err) != sigap.EINVALID {
				t.Errorf("err = %v, want a PermanentError with code %s", err, sigap.EINVALID)
			}
		})
	}
	if len(srv.Sent()) != 0 {
		t.Errorf("sent %v, want nothing", srv.Sent())
	}
}

// A split message that fails halfway resumes on retry after the parts
// recorded as sent, so the citizen does not read them twice, even when the
// retry comes from a new process (a restart) that only has the record.
func TestSendResumesSplitMessage(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})
	text := strings.Repeat("a", 4000) + "\n" + strings.Repeat("b", 4000) + "\n" + strings.Repeat("c", 100)
	srv.Fail("sendMessage", telegramtest.Failure{Code: 429, Description: "Too Many Requests", RetryAfter: 3, After: 1})

	var recorded []int
	msg := sigap.Outbound{ID: 9, To: citizen, Text: text, PartSent: func(_ context.Context, n int) error {
		recorded = append(recorded, n)
		return nil
	}}
	var retry *sigap.RetryAfterError
	if err := a.Send(context.Background(), msg); !errors.As(err, &retry) {
		t.Fatalf("first attempt: %v, want RetryAfterError", err)
	}
	if !slices.Equal(recorded, []int{1}) {
		t.Fatalf("recorded parts sent %v, want [1]", recorded)
	}
	restarted, _, _ := newAdapter(t, srv, Config{})
	msg.PartsSent = recorded[len(recorded)-1]
	if err := restarted.Send(context.Background(), msg); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if !slices.Equal(recorded, []int{1, 2}) {
		t.Errorf("recorded parts sent %v, want [1 2]: never the last part, which the outbox marks sent", recorded)
	}
	sent := srv.Sent()
	if len(sent) != 3 {
		t.Fatalf("sent %d messages, want 3 with none repeated", len(sent))
	}
	for i, first := range []byte{'a', 'b', 'c'} {
		if sent[i].Text[0] != first {
			t.Errorf("message %d starts with %q, want %q", i, sent[i].Text[0], first)
		}
	}
}

// A part that went out but cannot be recorded ends the send, so that the
// outbox retries it instead of racing on unrecorded.
func TestSendStopsWhenAPartCannotBeRecorded(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})
	text := strings.Repeat("a", 4000) + "\n" + strings.Repeat("b", 4000)
	msg := sigap.Outbound{ID: 10, To: citizen, Text: text, PartSent: func(context.Context, int) error {
		return errors.New("database is locked")
	}}
	if err := a.Send(context.Background(), msg); err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Fatalf("Send: %v, want the recording error", err)
	}
	if n := len(srv.Sent()); n != 1 {
		t.Errorf("sent %d messages, want only the first part", n)
	}
}

// After a 429, the chat stays quiet for retry_after even if the caller
// retries sooner.
func TestSendHoldsChatAfter429(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, ft, _ := newAdapter(t, srv, Config{})
	srv.Fail("sendMessage", telegramtest.Failure{Code: 429, Description: "Too Many Requests", RetryAfter: 10})
	_ = a.Send(context.Background(), sigap.Outbound{ID: 5, To: citizen, Text: "Halo"})
	if err := a.Send(context.Background(), sigap.Outbound{ID: 5, To: citizen, Text: "Halo"}); err != nil {
		t.Fatalf("retry: %v", err)
	}
	waits := ft.Waits()
	if last := waits[len(waits)-1]; last != 10*time.Second {
		t.Errorf("retry waited %s, want 10s", last)
	}
}

// BenchmarkSend measures a send through the fake Bot API over loopback
// HTTP, with pacing waits skipped.
func BenchmarkSend(b *testing.B) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, err := New(context.Background(), Config{Token: telegramtest.Token, APIEndpoint: srv.Endpoint(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	a.wait = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	msg := sigap.Outbound{ID: 1, To: citizen, Text: "Tiket KBM-7K3QX diteruskan ke DPUPR."}
	for b.Loop() {
		if err := a.Send(context.Background(), msg); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSendFiles(t *testing.T) {
	srv := telegramtest.NewServer()
	defer srv.Close()
	a, _, _ := newAdapter(t, srv, Config{})
	dir := t.TempDir()
	photo := filepath.Join(dir, "lubang.jpg")
	doc := filepath.Join(dir, "jadwal-perbaikan.pdf")
	if err := os.WriteFile(photo, []byte("\xff\xd8\xff foto"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte("%PDF-1.4 jadwal"), 0o600); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Jadwal perbaikan jalan kabupaten. ", 40) // over a caption's 1,024
	tests := []struct {
		name string
		msg  sigap.Outbound
		want []telegramtest.Sent
	}{
		{"a photo with its caption",
			sigap.Outbound{ID: 10, To: citizen, Text: "[DPUPR] Foto lokasi", MediaRef: photo, MediaKind: sigap.KindPhoto},
			[]telegramtest.Sent{{ChatID: 5001, Photo: "lubang.jpg", File: "\xff\xd8\xff foto", Caption: "[DPUPR] Foto lokasi"}}},
		{"a document with a text too long for a caption",
			sigap.Outbound{ID: 11, To: citizen, Text: long, MediaRef: doc, MediaKind: sigap.KindDocument},
			[]telegramtest.Sent{{ChatID: 5001, Document: "jadwal-perbaikan.pdf", File: "%PDF-1.4 jadwal"},
				{ChatID: 5001, Text: long, DisableWebPagePreview: true}}},
		{"a file without text",
			sigap.Outbound{ID: 12, To: citizen, MediaRef: doc, MediaKind: sigap.KindDocument},
			[]telegramtest.Sent{{ChatID: 5001, Document: "jadwal-perbaikan.pdf", File: "%PDF-1.4 jadwal"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(srv.Sent())
			if err := a.Send(context.Background(), tt.msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := srv.Sent()[before:]; !slices.Equal(got, tt.want) {
				t.Errorf("sent %+v\nwant %+v", got, tt.want)
			}
		})
	}

	// A file that is gone cannot be sent however often it is tried.
	err := a.Send(context.Background(), sigap.Outbound{ID: 13, To: citizen, Text: "x", MediaRef: filepath.Join(dir, "hilang.jpg"), MediaKind: sigap.KindPhoto})
	var perm *sigap.PermanentError
	if !errors.As(err, &perm) {
		t.Errorf("a missing file: %v, want a permanent error", err)
	}
}
