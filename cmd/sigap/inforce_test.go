package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
)

// TestCommandsUseTheKBInForce: what an admin edited in the dashboard, and
// what the router learnt, is what staff add --opd and triage --db see, as
// serve does.
func TestCommandsUseTheKBInForce(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "sigap.db")
	db, err := openStore(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	edited := kb.Default()
	edited.OPDs = append(edited.OPDs, sigap.OPD{Code: "PERPUSDA", Name: "Dinas Kearsipan dan Perpustakaan"})
	edited.FAQs = append(edited.FAQs, sigap.FAQ{ID: "perpustakaan-keliling", OPD: "PERPUSDA",
		Questions: []string{"Kapan mobil perpustakaan keliling datang ke desa?"}, Answer: "Setiap Sabtu pagi."})
	// A citizen's "2" after the FAQ answered a question: serve's router
	// learnt it, and so does triage --db.
	const notHelped = "min, buat e-ktp pertama kali syaratnya apa?"
	err = db.Update(ctx, func(tx sigap.Tx) error {
		if err := tx.AddNegative(ctx, &sigap.Negative{FAQ: "ktp-baru", Text: notHelped}); err != nil {
			return err
		}
		return kb.Save(ctx, tx, edited)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	status, stdout, stderr := sigapRun(t, "rahasia-123\n", "staff", "add", "--db", dbPath,
		"--username", "rina", "--name", "Rina", "--role", "agent", "--opd", "PERPUSDA")
	if status != 0 || !strings.Contains(stdout, "added rina") {
		t.Errorf("staff add --opd of an OPD made in the dashboard: status %d, %q %q", status, stdout, stderr)
	}

	question := "Kapan mobil perpustakaan keliling datang ke desa?"
	for _, tt := range []struct {
		name    string
		args    []string
		wantFAQ string
	}{
		{"with the database: the dashboard's FAQ", []string{"triage", "--db", dbPath, question}, "perpustakaan-keliling"},
		{"without a database: the embedded KB", []string{"triage", question}, ""},
		{"with the database: what serve learnt", []string{"triage", "--db", dbPath, notHelped}, ""},
		{"without a database: nothing learnt", []string{"triage", notHelped}, "ktp-baru"},
	} {
		status, stdout, stderr := sigapRun(t, "", tt.args...)
		var d struct{ Action, FAQ string }
		if err := json.Unmarshal([]byte(stdout), &d); status != 0 || err != nil {
			t.Fatalf("%s: status %d, %v, stderr %q", tt.name, status, err, stderr)
		}
		if d.FAQ != tt.wantFAQ {
			t.Errorf("%s: decided %+v, want FAQ %q", tt.name, d, tt.wantFAQ)
		}
	}
}
