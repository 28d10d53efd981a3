package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
	"github.com/pemkab-kebumen/sigap/staff"
	"github.com/pemkab-kebumen/sigap/storage"
)

// telegramPhoto has a Telegram citizen send a photo of a road complaint
// to m's fake Bot API and returns the ticket it opened.
func telegramPhoto(ctx context.Context, t *testing.T, m *Main, tg *telegramtest.Server, chat int64, photo []byte) string {
	t.Helper()
	tg.AddFile("ph-backup", photo)
	msg := tg.NewMessage(chat, "Budi")
	msg.Photo = []tgbotapi.PhotoSize{{FileID: "ph-backup", Width: 1280, Height: 960}}
	msg.Caption = roadComplaint
	if err := tg.WaitConfirmed(ctx, tg.AddUpdate(tgbotapi.Update{Message: msg}).UpdateID); err != nil {
		t.Fatal(err)
	}
	var code string
	waitFor(ctx, t, "the photo's ticket", func() bool {
		tk, err := sigap.Read(ctx, m.Store, func(tx sigap.Tx) (*sigap.Ticket, error) {
			c, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: fmt.Sprint(chat)})
			if err != nil {
				return nil, err
			}
			return tx.OpenTicket(ctx, c.ID)
		})
		if err == nil {
			code = tk.Code
		}
		return err == nil
	})
	return code
}

// TestBackupWhileServingThenRestoreAndServe backs up a running service
// while web chat citizens keep writing, restores the backup elsewhere,
// serves it, and reads a ticket with its photo through the API.
func TestBackupWhileServingThenRestoreAndServe(t *testing.T) {
	ctx := testContext(t, 60*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	m := startMain(t, tg, func(c *Config) { c.DB = filepath.Join(t.TempDir(), "sigap.db") }) // a file to copy
	photo := []byte("jpeg bytes of a pothole")
	code := telegramPhoto(ctx, t, m, tg, 7201, photo)

	committed, stop := webChatLoad(ctx, t, m)
	waitFor(ctx, t, "the load", func() bool { return committed.Load() >= 20 })
	before := committed.Load()
	out := filepath.Join(t.TempDir(), "backup-1")
	status, stdout, stderr := runInProcess(t, "backup", "--db", m.Config.DB, "--data", m.Config.DataDir, "--out", out)
	after := committed.Load()
	stop()
	if status != 0 {
		t.Fatalf("backup: status %d, stderr %q", status, stderr)
	}
	var man storage.Manifest
	body, err := os.ReadFile(filepath.Join(out, storage.ManifestName))
	if err != nil || json.Unmarshal(body, &man) != nil {
		t.Fatalf("manifest: %v: %s", err, body)
	}
	// Each web chat message opened a ticket; the photo's opened one more.
	if n := man.Snapshot.Tables["tickets"]; n < before+1 || n > after+1 || len(man.Data) != 1 {
		t.Errorf("backup holds %d tickets and %d data files; %d+1 were committed before it began, %d+1 when it ended, with one photo:\n%s",
			n, len(man.Data), before, after, stdout)
	}

	restored, restoredData := filepath.Join(t.TempDir(), "restored.db"), filepath.Join(t.TempDir(), "data")
	if status, _, stderr := runInProcess(t, "restore", "--from", out, "--db", restored, "--data", restoredData); status != 0 {
		t.Fatalf("restore: status %d, stderr %q", status, stderr)
	}
	tg2 := telegramtest.NewServer()
	t.Cleanup(tg2.Close)
	m2 := startMain(t, tg2, func(c *Config) { c.DB, c.DataDir = restored, restoredData })
	admin := adminClient(ctx, t, m2)
	var detail apiTicket
	if err := json.Unmarshal(apiGet(ctx, t, admin, m2, "/api/tickets/"+code), &detail); err != nil {
		t.Fatal(err)
	}
	if detail.Code != code || len(detail.Messages) == 0 || detail.Messages[0].MediaURL == "" {
		t.Fatalf("the restored ticket through the API: %+v, want its photo", detail)
	}
	if got := apiGet(ctx, t, admin, m2, detail.Messages[0].MediaURL); !bytes.Equal(got, photo) {
		t.Errorf("the restored photo: %q", got)
	}
}

type apiTicket struct {
	Code     string `json:"code"`
	Messages []struct {
		Kind     string `json:"kind"`
		MediaURL string `json:"media_url"`
	} `json:"messages"`
}

// adminClient signs in to m's API as a new admin.
func adminClient(ctx context.Context, t *testing.T, m *Main) *http.Client {
	t.Helper()
	const password = "kebumen-beriman-1"
	if _, err := m.Staff.Add(ctx, sigap.ActorCLI, staff.NewAccount{Username: "admin", Name: "Admin", Role: sigap.RoleAdmin, Password: password}); err != nil {
		t.Fatal(err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	login := strings.NewReader(`{"username":"admin","password":"` + password + `"}`)
	resp, err := client.Post("http://"+m.Addr.String()+"/api/login", "application/json", login)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %s", resp.Status)
	}
	return client
}

// apiGet fetches path from m with client, which must get 200.
func apiGet(ctx context.Context, t *testing.T, client *http.Client, m *Main, path string) []byte {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+m.Addr.String()+path, nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
	}
	return body
}

// TestServeBacksUpOnItsOwn: with --backup-dir, serve writes a backup at
// once when the newest is older than --backup-every, links the photos
// that did not change from the one before, and keeps --backup-keep.
func TestServeBacksUpOnItsOwn(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	dataDir, backups := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(dataDir, "media", "telegram", "2024-04", "a.jpg"), "jpeg")
	oldDB := filepath.Join(t.TempDir(), "old.db")
	old, err := storage.Open(ctx, oldDB)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	now := time.Now()
	var earlier []string
	for _, age := range []time.Duration{72 * time.Hour, 48 * time.Hour} {
		dir := filepath.Join(backups, storage.BackupName(now.Add(-age)))
		if _, err := storage.WriteBackup(ctx, oldDB, dataDir, dir, "", now.Add(-age)); err != nil {
			t.Fatal(err)
		}
		earlier = append(earlier, dir)
	}
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	startMain(t, tg, func(c *Config) {
		c.DB, c.DataDir = filepath.Join(t.TempDir(), "sigap.db"), dataDir
		c.Backup.Dir, c.Backup.Every, c.Backup.Keep = backups, time.Hour, 2
	})
	var paths []string
	waitFor(ctx, t, "serve's backup, and the oldest deleted", func() bool {
		paths, _, _ = storage.Backups(backups)
		return len(paths) == 2 && paths[1] != earlier[1]
	})
	if paths[0] != earlier[1] {
		t.Errorf("backups %v, want the newest earlier one and serve's", paths)
	}
	newest := paths[len(paths)-1]
	if _, err := storage.VerifyBackup(ctx, newest); err != nil {
		t.Error(err)
	}
	rel := filepath.Join("data", "media", "telegram", "2024-04", "a.jpg")
	a, errA := os.Stat(filepath.Join(earlier[1], rel))
	b, errB := os.Stat(filepath.Join(newest, rel))
	if errA != nil || errB != nil || !os.SameFile(a, b) {
		t.Errorf("the unchanged photo is not linked from the backup before (%v, %v)", errA, errB)
	}
}

func TestServeRefusesBackupsInTheDataFolder(t *testing.T) {
	for _, tt := range []struct {
		dir  string
		want string
	}{
		{"./data/backups", "inside the data folder"},
		{"./data", "inside the data folder"},
		{"/var/backups/sigap", ""},
		{"./data-backups", ""},
	} {
		c := DefaultConfig()
		c.Backup.Dir = tt.dir
		err := c.Validate()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("--backup-dir %s: %v, want %q", tt.dir, err, tt.want)
		}
	}
	c := DefaultConfig()
	c.Backup.Dir, c.Backup.Keep = "/var/backups/sigap", 0
	if err := c.Validate(); err == nil {
		t.Error("--backup-keep 0 was accepted")
	}
}

func TestBackupCommandRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"backup", "--db", "postgres://sigap@db.kebumenkab.go.id/sigap", "--out", filepath.Join(dir, "b")}, 1, "pg_dump"},
		{[]string{"backup", "--db", filepath.Join(dir, "missing.db"), "--out", filepath.Join(dir, "b")}, 1, "missing.db does not exist"},
		{[]string{"backup", "--db", filepath.Join(dir, "x.db")}, 2, "--out is required"},
		{[]string{"restore", "--db", filepath.Join(dir, "x.db")}, 2, "--from is required"},
		{[]string{"restore", "--from", filepath.Join(dir, "none"), "--db", filepath.Join(dir, "x.db")}, 1, "manifest.json"},
	} {
		status, _, stderr := runInProcess(t, tt.args...)
		if status != tt.status || !strings.Contains(stderr, tt.want) {
			t.Errorf("sigap %s: status %d, stderr %q; want %d and %q", strings.Join(tt.args, " "), status, stderr, tt.status, tt.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused command left %v", entries)
	}
}
