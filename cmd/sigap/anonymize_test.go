package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
	"github.com/pemkab-kebumen/sigap/storage"
)

// writeFile writes body to path, making its folders.
func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAnonymizeCommand runs anonymize from a working directory that is
// not serve's: a photo's reference is relative to the data folder, so it
// is found through --data all the same, and a reference that leads out of
// the data folder deletes nothing.
func TestAnonymizeCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath, dataDir := filepath.Join(dir, "sigap.db"), filepath.Join(dir, "data")
	photo := filepath.Join(dataDir, "media", "whatsapp", "2024-01", "old.jpg")
	outside := filepath.Join(dir, "not-ours.jpg")
	writeFile(t, photo, "jpeg")
	writeFile(t, outside, "jpeg")
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	long := time.Now().AddDate(-2, 0, 0)
	err = db.Update(ctx, func(tx sigap.Tx) error {
		for i, ref := range []string{"media/whatsapp/2024-01/old.jpg", "../not-ours.jpg", outside} {
			c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.WhatsApp, ID: "62812000" + string(rune('1'+i))}, Name: "Warga"}
			if _, err := tx.UpsertCitizen(ctx, c); err != nil {
				return err
			}
			tk := &sigap.Ticket{Code: "KBM-OLD" + string(rune('A'+i)), CitizenID: c.ID, OPD: "DPUPR",
				Status: sigap.StatusResolved, CreatedAt: long, ResolvedAt: long.Add(time.Hour)}
			if err := tx.CreateTicket(ctx, tk); err != nil {
				return err
			}
			m := &sigap.Message{CitizenID: c.ID, TicketID: tk.ID, Channel: sigap.WhatsApp, PlatformID: "m" + tk.Code,
				Author: sigap.AuthorCitizen, Kind: sigap.KindPhoto, MediaRef: ref, At: long}
			if _, err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	status, out, stderr := runInProcess(t, "anonymize", "--db", dbPath, "--data", dataDir, "--retain-days", "365")
	if status != 0 || !strings.Contains(out, "3 citizen(s) anonymised") || !strings.Contains(out, "1 file(s) removed") {
		t.Fatalf("anonymize: status %d, stdout %q, stderr %q", status, out, stderr)
	}
	if _, err := os.Stat(photo); !os.IsNotExist(err) {
		t.Errorf("the citizen's photo in the data folder is still there: %v", err)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("a file outside the data folder was touched: %v", err)
	}
	if status, _, _ := runInProcess(t, "anonymize", "--db", dbPath, "--retain-days", "0"); status != 2 {
		t.Errorf("--retain-days 0: status %d, want 2", status)
	}
	if status, _, stderr := runInProcess(t, "anonymize", "--db", filepath.Join(dir, "missing.db")); status != 1 || !strings.Contains(stderr, "missing.db") {
		t.Errorf("missing database: status %d, stderr %q", status, stderr)
	}
}

// TestServeAnonymizesItself: serve erases a citizen whose retention period
// is over when it starts, photo included, with no cron job, and forgets
// what the router learnt from them.
func TestServeAnonymizesItself(t *testing.T) {
	ctx := testContext(t, 30*time.Second)
	dir := t.TempDir()
	dbPath, dataDir := filepath.Join(dir, "sigap.db"), filepath.Join(dir, "data")
	photo := filepath.Join(dataDir, "media", "telegram", "2023-01", "old.jpg")
	writeFile(t, photo, "jpeg")
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	long := time.Now().AddDate(-2, 0, 0)
	err = db.Update(ctx, func(tx sigap.Tx) error {
		c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: "91000001"}, Name: "Larasati"}
		if _, err := tx.UpsertCitizen(ctx, c); err != nil {
			return err
		}
		tk := &sigap.Ticket{Code: "KBM-OLDAA", CitizenID: c.ID, OPD: "DPUPR", Status: sigap.StatusResolved, CreatedAt: long, ResolvedAt: long}
		if err := tx.CreateTicket(ctx, tk); err != nil {
			return err
		}
		m := &sigap.Message{CitizenID: c.ID, TicketID: tk.ID, Channel: sigap.Telegram, PlatformID: "9:1", Author: sigap.AuthorCitizen,
			Kind: sigap.KindPhoto, Text: "mbah Larasati di gang Kenanga sering pusing", MediaRef: "media/telegram/2023-01/old.jpg", At: long}
		if _, err := tx.AddMessage(ctx, m); err != nil {
			return err
		}
		// Staff once moved it to an agency nothing else would route it to.
		return tx.AddExample(ctx, sigap.Example{Text: m.Text, OPD: "DISARPUS", TicketID: tk.ID}, long)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	m := startMain(t, tg, func(c *Config) { c.DB, c.DataDir = dbPath, dataDir })
	// Retrained last, the router shows when the whole run is over.
	waitFor(ctx, t, "the expired citizen to be anonymized and the router retrained", func() bool {
		return m.Router.Decide("mbah Larasati di gang Kenanga sering pusing").OPD != "DISARPUS"
	})
	if _, err := os.Stat(photo); !os.IsNotExist(err) {
		t.Errorf("the expired citizen's photo is still there: %v", err)
	}
	err = m.Store.View(ctx, func(tx sigap.Tx) error {
		if _, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: "91000001"}); sigap.ErrorCode(err) != sigap.ENOTFOUND {
			t.Errorf("the expired citizen is still found: %v", err)
		}
		es, err := tx.Examples(ctx)
		if len(es) != 0 {
			t.Errorf("examples left: %+v", es)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
