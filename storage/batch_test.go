package storage

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

func TestBatchGroupsUpdatesAndRollsBackOnlyTheFailedOne(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	citizen := func(tx sigap.Tx, id string) error {
		_, err := tx.UpsertCitizen(ctx, &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: id}})
		return err
	}
	exists := func(tx sigap.Tx, id string) bool {
		_, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: id})
		return err == nil
	}
	boom := errors.New("boom")
	n := batchUpdates + 10 // crosses one intermediate commit
	err := db.Batch(ctx, func() error {
		for i := range n {
			if err := db.Update(ctx, func(tx sigap.Tx) error { return citizen(tx, fmt.Sprint(i)) }); err != nil {
				return err
			}
		}
		err := db.Update(ctx, func(tx sigap.Tx) error {
			if err := citizen(tx, "failed"); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Errorf("a failing update returned %v, want its own error", err)
		}
		// Views inside the batch see its writes, and not the rolled back one.
		return db.View(ctx, func(tx sigap.Tx) error {
			if !exists(tx, "0") || !exists(tx, fmt.Sprint(n-1)) || exists(tx, "failed") {
				t.Error("inside the batch: wrong citizens visible")
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	view(t, db, func(tx sigap.Tx) error {
		for _, id := range []string{"0", fmt.Sprint(batchUpdates), fmt.Sprint(n - 1)} {
			if !exists(tx, id) {
				t.Errorf("citizen %s not committed by the batch", id)
			}
		}
		if exists(tx, "failed") {
			t.Error("the failed update was committed")
		}
		return nil
	})

	// Outside a batch, Update commits on its own again.
	update(t, db, func(tx sigap.Tx) error { return citizen(tx, "after") })
	view(t, db, func(tx sigap.Tx) error {
		if !exists(tx, "after") {
			t.Error("update after the batch not committed")
		}
		return nil
	})
}

func TestBatchCommitsWhatSucceededWhenItsWorkFails(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	stop := errors.New("stop")
	err := db.Batch(ctx, func() error {
		if err := db.Update(ctx, func(tx sigap.Tx) error {
			_, err := tx.UpsertCitizen(ctx, &sigap.Citizen{Address: sigap.Address{Channel: sigap.Web, ID: "kept"}})
			return err
		}); err != nil {
			return err
		}
		if err := db.Batch(ctx, func() error { return nil }); err == nil {
			t.Error("a batch inside a batch was allowed")
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Batch returned %v, want the work's error", err)
	}
	view(t, db, func(tx sigap.Tx) error {
		if _, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Web, ID: "kept"}); err != nil {
			t.Errorf("a successful update of a failed batch was lost: %v", err)
		}
		return nil
	})
}
