package telegramtest

import (
	"context"
	"errors"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func newBot(t *testing.T, s *Server) *tgbotapi.BotAPI {
	t.Helper()
	bot, err := tgbotapi.NewBotAPIWithAPIEndpoint(Token, s.Endpoint())
	if err != nil {
		t.Fatalf("NewBotAPI: %v", err)
	}
	if bot.Self.UserName != Bot.UserName {
		t.Fatalf("getMe answered %q, want %q", bot.Self.UserName, Bot.UserName)
	}
	return bot
}

func TestOffsetsConfirmUpdates(t *testing.T) {
	s := NewServer()
	defer s.Close()
	bot := newBot(t, s)
	u1 := s.AddText(1, "satu")
	u2 := s.AddText(1, "dua")

	got, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(got) != 2 {
		t.Fatalf("first getUpdates: %d updates, %v; want 2", len(got), err)
	}
	// Asking again without moving the offset redelivers both.
	got, _ = bot.GetUpdates(tgbotapi.UpdateConfig{})
	if len(got) != 2 || got[0].Message.Text != "satu" {
		t.Fatalf("redelivery: %d updates, want 2", len(got))
	}
	got, _ = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: u1.UpdateID + 1})
	if len(got) != 1 || got[0].UpdateID != u2.UpdateID {
		t.Fatalf("after confirming u1: %+v, want only u2", got)
	}
	if s.Confirmed() != u1.UpdateID+1 || s.Pending() != 1 {
		t.Errorf("confirmed below %d with %d pending, want %d and 1", s.Confirmed(), s.Pending(), u1.UpdateID+1)
	}
	// A lower offset later does not bring confirmed updates back.
	got, _ = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: u1.UpdateID})
	if len(got) != 1 || got[0].UpdateID != u2.UpdateID {
		t.Errorf("confirmed update came back: %+v", got)
	}
}

func TestLongPollWakesOnUpdate(t *testing.T) {
	s := NewServer()
	defer s.Close()
	bot := newBot(t, s)
	done := make(chan []tgbotapi.Update, 1)
	go func() {
		got, _ := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
		done <- got
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Wait until the long poll is in, then queue an update for it.
	if err := s.waitFor(ctx, func() bool { return len(s.offsets) == 1 }); err != nil {
		t.Fatal(err)
	}
	s.AddText(1, "halo")
	select {
	case got := <-done:
		if len(got) != 1 || got[0].Message.Text != "halo" {
			t.Errorf("long poll answered %+v, want the new update", got)
		}
	case <-ctx.Done():
		t.Fatal("long poll did not wake for the new update")
	}
}

func TestFailuresAndSends(t *testing.T) {
	s := NewServer()
	defer s.Close()
	bot := newBot(t, s)
	s.Fail("sendMessage", Failure{Code: 429, Description: "Too Many Requests", RetryAfter: 3, After: 1})

	if _, err := bot.Send(tgbotapi.NewMessage(7, "pertama")); err != nil {
		t.Fatalf("first send: %v", err)
	}
	_, err := bot.Send(tgbotapi.NewMessage(7, "kedua"))
	var te *tgbotapi.Error
	if !errors.As(err, &te) || te.Code != 429 || te.RetryAfter != 3 {
		t.Fatalf("second send: %v, want 429 retry after 3", err)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(7, "kedua")); err != nil {
		t.Fatalf("third send: %v", err)
	}
	sent, err := s.WaitSent(context.Background(), 2)
	if err != nil || sent[0].Text != "pertama" || sent[1].Text != "kedua" {
		t.Errorf("sent %+v (%v), want pertama, kedua", sent, err)
	}
}

func TestWebhookBlocksGetUpdates(t *testing.T) {
	s := NewServer()
	defer s.Close()
	bot := newBot(t, s)
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://example.org/tg", "secret_token": "x"}); err != nil {
		t.Fatal(err)
	}
	_, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	var te *tgbotapi.Error
	if !errors.As(err, &te) || te.Code != 409 {
		t.Errorf("getUpdates with a webhook set: %v, want 409", err)
	}
}

func TestWrongToken(t *testing.T) {
	s := NewServer()
	defer s.Close()
	_, err := tgbotapi.NewBotAPIWithAPIEndpoint("1:wrong", s.Endpoint())
	var te *tgbotapi.Error
	if !errors.As(err, &te) || te.Code != 401 {
		t.Errorf("getMe with a wrong token: %v, want 401", err)
	}
}
