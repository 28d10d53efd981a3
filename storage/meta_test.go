package storage

import (
	"context"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func TestMetaContact(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	thread := sigap.Address{Channel: sigap.Instagram, ID: "17841400000000001@17895695668004550"}
	view(t, db, func(tx sigap.Tx) error {
		_, err := tx.MetaContact(ctx, thread)
		wantCode(t, err, sigap.ENOTFOUND)
		return nil
	})
	puts := []sigap.MetaContact{
		{Address: thread, Account: "17841400000000099", LastIn: t0.Add(time.Hour), Post: "17895695668004550"},
		// A late redelivery: the window does not move back; the learnt
		// messaging id is added, the post kept.
		{Address: thread, Account: "17841400000000099", LastIn: t0, DMID: "17841400000000001"},
	}
	for _, c := range puts {
		update(t, db, func(tx sigap.Tx) error { return tx.PutMetaContact(ctx, &c) })
	}
	want := sigap.MetaContact{Address: thread, Account: "17841400000000099", LastIn: t0.Add(time.Hour).UTC(),
		Post: "17895695668004550", DMID: "17841400000000001"}
	view(t, db, func(tx sigap.Tx) error {
		got, err := tx.MetaContact(ctx, thread)
		if err != nil {
			return err
		}
		if *got != want {
			t.Errorf("contact %+v, want %+v", *got, want)
		}
		return nil
	})
}

func TestMetaCommentsPrivateReplyOnce(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	thread := sigap.Address{Channel: sigap.Facebook, ID: "5551@100_200"}
	other := sigap.Address{Channel: sigap.Facebook, ID: "5552@100_200"}
	var outboxID int64
	update(t, db, func(tx sigap.Tx) error {
		for _, c := range []sigap.MetaComment{
			{ID: "200_1", Thread: thread, At: t0},
			{ID: "200_2", Thread: thread, At: t0.Add(time.Minute)},
			{ID: "200_2", Thread: thread, At: t0.Add(time.Hour)}, // redelivered: kept as it was
			{ID: "200_3", Thread: other, At: t0.Add(2 * time.Minute)},
		} {
			if err := tx.AddMetaComment(ctx, &c); err != nil {
				return err
			}
		}
		o := &sigap.Outbound{To: thread, Text: "jawaban"}
		err := tx.Enqueue(ctx, o)
		outboxID = o.ID
		return err
	})
	unreplied := func(since time.Time) string {
		c, err := sigap.Read(ctx, db, func(tx sigap.Tx) (*sigap.MetaComment, error) {
			return tx.UnrepliedMetaComment(ctx, thread, since)
		})
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			return ""
		} else if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	if got := unreplied(t0); got != "200_2" {
		t.Fatalf("newest unreplied comment %q, want 200_2", got)
	}
	if got := unreplied(t0.Add(time.Hour)); got != "" {
		t.Errorf("no comment since an hour later, got %q", got)
	}
	// Taking 200_2's reply for a message leaves 200_1 free.
	update(t, db, func(tx sigap.Tx) error {
		return tx.UpdateMetaComment(ctx, &sigap.MetaComment{ID: "200_2", Thread: thread, At: t0.Add(time.Minute), Outbound: outboxID})
	})
	if got := unreplied(t0); got != "200_1" {
		t.Errorf("after taking 200_2: %q, want 200_1", got)
	}
	view(t, db, func(tx sigap.Tx) error {
		c, err := tx.MetaCommentByOutbound(ctx, outboxID)
		if err != nil {
			return err
		}
		if c.ID != "200_2" || c.Thread != thread || !c.At.Equal(t0.Add(time.Minute)) || !c.PrivateAt.IsZero() {
			t.Errorf("comment of outbox message %d: %+v", outboxID, *c)
		}
		_, err = tx.MetaCommentByOutbound(ctx, outboxID+1)
		wantCode(t, err, sigap.ENOTFOUND)
		return nil
	})
	// A private reply recorded as sent stays taken when its outbox message
	// is deleted (anonymisation deletes old delivered messages).
	update(t, db, func(tx sigap.Tx) error {
		if err := tx.UpdateMetaComment(ctx, &sigap.MetaComment{ID: "200_1", Thread: thread, At: t0, PrivateAt: t0.Add(time.Hour)}); err != nil {
			return err
		}
		err := tx.UpdateMetaComment(ctx, &sigap.MetaComment{ID: "200_9"})
		wantCode(t, err, sigap.ENOTFOUND)
		return nil
	})
	if got := unreplied(t0); got != "" {
		t.Errorf("every reply taken, got %q", got)
	}
}

func TestAnonymizeForgetsMetaRecords(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	thread := sigap.Address{Channel: sigap.Instagram, ID: "178001@179001"}
	kept := sigap.Address{Channel: sigap.Instagram, ID: "178002"}
	update(t, db, func(tx sigap.Tx) error {
		for _, a := range []sigap.Address{thread, kept} {
			c := &sigap.Citizen{Address: a, CreatedAt: t0}
			if _, err := tx.UpsertCitizen(ctx, c); err != nil {
				return err
			}
			at := t0
			if a == kept {
				at = t0.Add(60 * 24 * time.Hour) // wrote after the cutoff
			}
			m := &sigap.Message{CitizenID: c.ID, Channel: a.Channel, PlatformID: "m-" + a.ID, Author: sigap.AuthorCitizen, Text: "halo", At: at}
			if _, err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
			if err := tx.PutMetaContact(ctx, &sigap.MetaContact{Address: a, Account: "1784", LastIn: at}); err != nil {
				return err
			}
			if err := tx.AddMetaComment(ctx, &sigap.MetaComment{ID: "c-" + a.ID, Thread: a, At: at}); err != nil {
				return err
			}
		}
		n, _, err := tx.Anonymize(ctx, t0.Add(30*24*time.Hour))
		if n != 1 {
			t.Errorf("anonymised %d citizens, want 1", n)
		}
		return err
	})
	view(t, db, func(tx sigap.Tx) error {
		_, err := tx.MetaContact(ctx, thread)
		wantCode(t, err, sigap.ENOTFOUND)
		if _, err := tx.MetaContact(ctx, kept); err != nil {
			t.Errorf("the other citizen's contact: %v", err)
		}
		for a, want := range map[sigap.Address]int{thread: 0, kept: 1} {
			var n int
			if err := tx.(*Tx).tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meta_comments WHERE platform_id = ?`, a.ID).Scan(&n); err != nil {
				return err
			}
			if n != want {
				t.Errorf("%s has %d comments left, want %d", a, n, want)
			}
		}
		return nil
	})
}
