package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage"
)

func TestAnonymizeCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath, dataDir := filepath.Join(dir, "sigap.db"), filepath.Join(dir, "data")
	photo := filepath.Join(dataDir, "media", "whatsapp", "old.jpg")
	outside := filepath.Join(dir, "not-ours.jpg")
	for _, f := range []string{photo, outside} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte("jpeg"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	long := time.Now().AddDate(-2, 0, 0)
	err = db.Update(ctx, func(tx sigap.Tx) error {
		for i, ref := range []string{photo, outside} {
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
	if status != 0 || !strings.Contains(out, "2 citizen(s) anonymised") || !strings.Contains(out, "1 file(s) removed") {
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
