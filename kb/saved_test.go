package kb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage"
)

func TestSaveAndSaved(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "sigap.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if k, err := Saved(ctx, db); k != nil || err != nil {
		t.Fatalf("fresh database: Saved = %v, %v; want none", k, err)
	}
	k := Default()
	k.FAQs[0].Answer = "Jawaban yang sudah diubah admin."
	if err := db.Update(ctx, func(tx sigap.Tx) error { return Save(ctx, tx, k) }); err != nil {
		t.Fatal(err)
	}
	got, err := Saved(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || got.FAQs[0].Answer != "Jawaban yang sudah diubah admin." || len(got.OPDs) != len(k.OPDs) {
		t.Errorf("Saved did not return the saved KB: %+v", got)
	}
}

func TestInForce(t *testing.T) {
	ctx := context.Background()
	fresh, err := storage.Open(ctx, filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	edited, err := storage.Open(ctx, filepath.Join(t.TempDir(), "edited.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer edited.Close()
	saved := Default()
	saved.Prefix = "EDT"
	if err := edited.Update(ctx, func(tx sigap.Tx) error { return Save(ctx, tx, saved) }); err != nil {
		t.Fatal(err)
	}
	file := Default()
	file.Prefix = "FIL"
	tests := []struct {
		name       string
		store      sigap.Store
		file       *sigap.KB
		wantPrefix string
		wantHides  bool
	}{
		{"no database, no file: the embedded default", nil, nil, "KBM", false},
		{"a database nobody edited: the default", fresh, nil, "KBM", false},
		{"an edited database: the dashboard's KB", edited, nil, "EDT", false},
		{"a file wins over the dashboard's KB", edited, file, "FIL", true},
		{"a file and a database nobody edited", fresh, file, "FIL", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, hides, err := InForce(ctx, tt.store, tt.file)
			if err != nil || k.Prefix != tt.wantPrefix || hides != tt.wantHides {
				t.Errorf("InForce = %s, hides %v, %v; want %s, hides %v", k.Prefix, hides, err, tt.wantPrefix, tt.wantHides)
			}
		})
	}
}
