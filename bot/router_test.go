package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// What was learnt for an OPD an admin has since removed from the KB
// teaches nothing, and does not stop the router from being built (at the
// next start, or when the edited KB comes into force); what was learnt for
// the OPDs that remain still counts.
func TestTrainSkipsLessonsOfRemovedOPDs(t *testing.T) {
	ctx := context.Background()
	db := storagetest.Open(t)
	text := "lapak pedagang kaki lima menutup trotoar alun-alun"
	err := db.Update(ctx, func(tx sigap.Tx) error {
		for range 3 {
			if err := tx.AddExample(ctx, sigap.Example{Text: text, OPD: "DPUPR"}, time.Now()); err != nil {
				return err
			}
		}
		return tx.AddExample(ctx, sigap.Example{Text: "lampu taman mati", OPD: "DINASLAMA"}, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := bot.Train(ctx, db, kb.Default())
	if err != nil {
		t.Fatalf("train with a lesson of a removed OPD: %v", err)
	}
	if d := r.Decide(text); d.OPD != "DPUPR" {
		t.Errorf("after three lessons for DPUPR, %q is decided %+v", text, d)
	}
}
