package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

// TestMigrationMakesMediaRefsRelative: photo paths stored as the adapters
// were given them (relative to serve's working directory, or absolute)
// become relative to the data folder; references that are no files stay.
func TestMigrationMakesMediaRefsRelative(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sigap.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c := addCitizen(t, db, "wa:6281200000001")
	refs := map[string]string{
		"data/media/whatsapp/2024-04/3EB0AA.jpg":                          "media/whatsapp/2024-04/3EB0AA.jpg",
		"./data/media/telegram/2024-05/AgAD.jpg":                          "media/telegram/2024-05/AgAD.jpg",
		"/var/lib/sigap/media/telegram/2024-05/AgAE.png":                  "media/telegram/2024-05/AgAE.png",
		"/srv/media/whatsapp/2024-01/x/data/media/whatsapp/2024-06/A.jpg": "media/whatsapp/2024-06/A.jpg",
		"media/whatsapp/2024-04/3EB0AB.jpg":                               "media/whatsapp/2024-04/3EB0AB.jpg",
		"wa-media:3EB0AC/surat-2024-04.pdf":                               "wa-media:3EB0AC/surat-2024-04.pdf",
		"AgACAgUAAxkBAAIB":                                                "AgACAgUAAxkBAAIB",
		"tg-unsupported:poll":                                             "tg-unsupported:poll",
	}
	ids := map[string]int64{}
	update(t, db, func(tx sigap.Tx) error {
		for ref := range refs {
			m := &sigap.Message{CitizenID: c.ID, Channel: sigap.WhatsApp, Author: sigap.AuthorCitizen, Kind: sigap.KindPhoto, MediaRef: ref}
			if _, err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
			ids[ref] = m.ID
		}
		return nil
	})
	defer db.Close()
	// The rows are as the Sigap before the migration left them: run it.
	ms, err := migrations(sqliteMigrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	ran := false
	for _, m := range ms {
		if strings.HasSuffix(m.name, "_media_ref_relative.sql") {
			if _, err := db.writer.Exec(m.sql); err != nil {
				t.Fatal(err)
			}
			ran = true
		}
	}
	if !ran {
		t.Fatal("no migration *_media_ref_relative.sql")
	}
	for old, want := range refs {
		var got string
		if err := db.writer.QueryRow("SELECT media_ref FROM messages WHERE id = ?", ids[old]).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%q became %q, want %q", old, got, want)
		}
	}
}
