package storage

import (
	"context"
	"math"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

func TestHeldMessages(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a := sigap.Address{Channel: sigap.Web, ID: "aa"}
	b := sigap.Address{Channel: sigap.Web, ID: "bb"}
	hold := func(from sigap.Address, pid string) (bool, int64) {
		m := &sigap.HeldMessage{From: from, PlatformID: pid, Text: "halo " + pid, Reason: "test"}
		var dup bool
		update(t, db, func(tx sigap.Tx) (err error) { dup, err = tx.HoldMessage(ctx, m); return err })
		return dup, m.ID
	}
	_, first := hold(a, "1")
	if dup, _ := hold(a, "1"); !dup {
		t.Error("the same message held twice")
	}
	if dup, _ := hold(b, "1"); dup {
		t.Error("another chat's message with the same id was taken for a duplicate")
	}
	_, last := hold(a, "2")
	view(t, db, func(tx sigap.Tx) error {
		if all, err := tx.HeldMessages(ctx, sigap.Address{}, 0); err != nil || len(all) != 3 {
			t.Errorf("all held = %v, %v; want 3", all, err)
		}
		of, err := tx.HeldMessages(ctx, a, 0)
		if err != nil || len(of) != 2 || of[0].ID != first || of[0].Text != "halo 1" || !of[0].At.Equal(t0) {
			t.Errorf("held of %s = %+v, %v", a, of, err)
		}
		return nil
	})
	var n int
	update(t, db, func(tx sigap.Tx) (err error) { n, err = tx.DeleteHeld(ctx, first, math.MaxInt64); return err })
	if n != 1 {
		t.Errorf("deleted %d, want 1", n)
	}
	// "Delete all" up to what the admin saw spares what came after.
	update(t, db, func(tx sigap.Tx) (err error) { n, err = tx.DeleteHeld(ctx, 0, last-1); return err })
	view(t, db, func(tx sigap.Tx) error {
		left, err := tx.CountHeld(ctx)
		if err != nil || n != 1 || left != 1 {
			t.Errorf("delete all up to %d: %d deleted, %d left (%v); want 1 and 1", last-1, n, left, err)
		}
		_, err = tx.HeldMessageByID(ctx, first)
		wantCode(t, err, sigap.ENOTFOUND)
		return nil
	})
}
