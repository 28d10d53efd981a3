package kb

import (
	"context"
	"path/filepath"
	"testing"

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
	if err := Save(ctx, db, k); err != nil {
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
