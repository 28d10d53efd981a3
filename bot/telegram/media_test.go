package telegram

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
)

// A photo is saved under the data folder so staff can see it; one that
// cannot be fetched keeps its file id and is received all the same.
func TestPollSavesPhotos(t *testing.T) {
	ctx := testContext(t)
	srv := telegramtest.NewServer()
	defer srv.Close()
	dir := t.TempDir()
	a, _, logs := newAdapter(t, srv, Config{DataDir: dir})
	srv.AddFile("ph-ok", []byte("jpeg bytes"))
	photo := func(fileID, caption string) tgbotapi.Update {
		m := srv.NewMessage(6001, "Sari")
		m.Photo = []tgbotapi.PhotoSize{{FileID: "small", Width: 90, Height: 90}, {FileID: fileID, Width: 1280, Height: 960}}
		m.Caption = caption
		return srv.AddUpdate(tgbotapi.Update{Message: m})
	}
	photo("ph-ok", "lubang di depan SD")
	last := photo("ph-missing", "jembatan retak")

	recv := &recorder{srv: srv}
	stop := poll(ctx, a, recv)
	if err := srv.WaitConfirmed(ctx, last.UpdateID); err != nil {
		t.Fatal(err)
	}
	stop()

	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.calls) != 2 {
		t.Fatalf("received %d messages, want 2", len(recv.calls))
	}
	saved, kept := recv.calls[0], recv.calls[1]
	if saved.Kind != sigap.KindPhoto || saved.Text != "lubang di depan SD" || !strings.HasPrefix(saved.MediaRef, "media/telegram/") {
		t.Errorf("saved photo: %+v, want a reference media/telegram/… relative to the data folder", saved)
	}
	if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(saved.MediaRef))); err != nil || string(b) != "jpeg bytes" {
		t.Errorf("saved file: %q, %v", b, err)
	}
	if kept.MediaRef != "ph-missing" || kept.Text != "jembatan retak" {
		t.Errorf("photo that could not be fetched: %+v, want its file id kept", kept)
	}
	if !strings.Contains(logs.String(), "photo not downloaded") {
		t.Errorf("the failed download is not logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), telegramtest.Token) {
		t.Error("the bot token leaked into the log")
	}
}
