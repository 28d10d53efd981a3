package storage

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// enqueueAll commits the messages in order and returns them with their ids.
func enqueueAll(t *testing.T, db *DB, msgs ...*sigap.Outbound) {
	t.Helper()
	update(t, db, func(tx sigap.Tx) error {
		for _, o := range msgs {
			if err := tx.Enqueue(context.Background(), o); err != nil {
				return err
			}
		}
		return nil
	})
}

func dueTexts(t *testing.T, db *DB, now time.Time, skip ...sigap.Channel) []string {
	t.Helper()
	var texts []string
	view(t, db, func(tx sigap.Tx) error {
		due, err := tx.DueOutbound(context.Background(), now, 100, skip)
		for _, o := range due {
			texts = append(texts, o.Text)
		}
		return err
	})
	return texts
}

// Citizen replies come before staff notices enqueued earlier; a held
// channel's messages are left out; quick replies and the queue time are
// kept.
func TestDueOutboundLanesAndSkippedChannels(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	staff := sigap.Address{Channel: sigap.Telegram, ID: "300"}
	citizen := sigap.Address{Channel: sigap.Telegram, ID: "1001"}
	wa := sigap.Address{Channel: sigap.WhatsApp, ID: "6281234567890"}
	alert := &sigap.Outbound{To: staff, Lane: sigap.LaneStaff, Text: "peringatan"}
	faq := &sigap.Outbound{To: citizen, Text: "jawaban", Replies: []string{"1", "2"}}
	other := &sigap.Outbound{To: wa, Text: "balasan wa"}
	enqueueAll(t, db, alert, faq, other)

	if got, want := dueTexts(t, db, t0), []string{"jawaban", "balasan wa", "peringatan"}; !slices.Equal(got, want) {
		t.Errorf("due %q, want %q: citizen replies first", got, want)
	}
	if got, want := dueTexts(t, db, t0, sigap.WhatsApp), []string{"jawaban", "peringatan"}; !slices.Equal(got, want) {
		t.Errorf("due without WhatsApp %q, want %q", got, want)
	}
	view(t, db, func(tx sigap.Tx) error {
		due, err := tx.DueOutbound(ctx, t0, 1, nil)
		if err != nil {
			return err
		}
		got := due[0]
		if !slices.Equal(got.Replies, []string{"1", "2"}) || got.Lane != sigap.LaneCitizen || !got.Queued.Equal(t0) || !got.Created.Equal(t0) {
			t.Errorf("due %+v, want the FAQ answer with its replies, queued and created at %v", got, t0)
		}
		return nil
	})
}

// A message given up on shows on its ticket until staff put it back in the
// queue, which starts its tries and its age anew and keeps its sent parts.
func TestUndeliveredAndRequeue(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	tk := addTicket(t, db, c.ID, "KBM-AAAAA", "DPUPR", t0)
	reply := &sigap.Outbound{To: c.Address, TicketID: tk.ID, Text: "balasan panjang"}
	notice := &sigap.Outbound{To: sigap.Address{Channel: sigap.Telegram, ID: "300"}, TicketID: tk.ID, Lane: sigap.LaneStaff, Text: "catatan staf"}
	enqueueAll(t, db, reply, notice)
	failedAt := t0.Add(time.Hour)
	update(t, db, func(tx sigap.Tx) error {
		if err := tx.MarkPartsSent(ctx, reply.ID, 1); err != nil {
			return err
		}
		if err := tx.MarkRetry(ctx, reply.ID, t0.Add(time.Minute), "502"); err != nil {
			return err
		}
		if err := tx.MarkFailed(ctx, reply.ID, failedAt, sigap.FailureBlocked, "the citizen blocked the bot"); err != nil {
			return err
		}
		return tx.MarkFailed(ctx, notice.ID, failedAt, sigap.FailureRefused, "chat not found")
	})
	undelivered := func() []sigap.Outbound {
		var list []sigap.Outbound
		view(t, db, func(tx sigap.Tx) (err error) { list, err = tx.Undelivered(ctx, tk.ID); return err })
		return list
	}
	got := undelivered()
	if len(got) != 1 || got[0].ID != reply.ID || got[0].Failure != sigap.FailureBlocked || !got[0].FailedAt.Equal(failedAt) ||
		got[0].LastError != "the citizen blocked the bot" || got[0].Attempts != 2 || got[0].PartsSent != 1 {
		t.Fatalf("undelivered %+v, want only the citizen reply, blocked at %v after 2 tries with 1 part sent", got, failedAt)
	}

	again := t0.Add(2 * time.Hour)
	for _, bad := range []struct {
		name       string
		ticket, id int64
	}{
		{"another ticket's id", tk.ID + 1, reply.ID},
		{"a staff notice", tk.ID, notice.ID},
	} {
		err := db.Update(ctx, func(tx sigap.Tx) error { _, err := tx.Requeue(ctx, bad.ticket, bad.id, again); return err })
		if sigap.ErrorCode(err) != sigap.ENOTFOUND {
			t.Errorf("requeue %s: %v, want not found", bad.name, err)
		}
	}
	update(t, db, func(tx sigap.Tx) error {
		o, err := tx.Requeue(ctx, tk.ID, reply.ID, again)
		if err == nil && (o.Attempts != 0 || !o.Queued.Equal(again) || o.PartsSent != 1 || !o.FailedAt.IsZero()) {
			t.Errorf("requeued %+v, want no tries, queued at %v, its part still sent", o, again)
		}
		return err
	})
	if got := undelivered(); len(got) != 0 {
		t.Errorf("undelivered after the requeue: %+v", got)
	}
	if got := dueTexts(t, db, again); !slices.Equal(got, []string{"balasan panjang"}) {
		t.Errorf("due after the requeue %q, want the reply", got)
	}
	err := db.Update(ctx, func(tx sigap.Tx) error { _, err := tx.Requeue(ctx, tk.ID, reply.ID, again); return err })
	wantCode(t, err, sigap.ENOTFOUND) // no longer undelivered
}

// The outbox gives up by age: what joined the queue before the cut-off,
// tried or not, and nothing else.
func TestExpireOutbound(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	to := sigap.Address{Channel: sigap.WhatsApp, ID: "6281234567890"}
	old := &sigap.Outbound{To: to, Text: "lama", Created: t0.Add(-8 * 24 * time.Hour)}
	retried := &sigap.Outbound{To: to, Text: "dicoba lagi", Created: t0.Add(-9 * 24 * time.Hour), Queued: t0.Add(-time.Hour)}
	sent := &sigap.Outbound{To: to, Text: "terkirim", Created: t0.Add(-10 * 24 * time.Hour)}
	fresh := &sigap.Outbound{To: to, Text: "baru"}
	enqueueAll(t, db, old, retried, sent, fresh)
	update(t, db, func(tx sigap.Tx) error { return tx.MarkSent(ctx, sent.ID, t0) })

	var expired []sigap.Outbound
	update(t, db, func(tx sigap.Tx) (err error) {
		expired, err = tx.ExpireOutbound(ctx, t0.Add(-7*24*time.Hour), t0)
		return err
	})
	if len(expired) != 1 || expired[0].ID != old.ID || expired[0].Failure != sigap.FailureExpired || !expired[0].FailedAt.Equal(t0) {
		t.Fatalf("expired %+v, want only the message queued 8 days ago, given up at %v", expired, t0)
	}
	if got := dueTexts(t, db, t0); !slices.Equal(got, []string{"dicoba lagi", "baru"}) {
		t.Errorf("due %q, want the messages queued within 7 days", got)
	}
}

func TestWaitingChats(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a := sigap.Address{Channel: sigap.Telegram, ID: "1"}
	b := sigap.Address{Channel: sigap.WhatsApp, ID: "62812"}
	first, second, third := &sigap.Outbound{To: a, Text: "1"}, &sigap.Outbound{To: a, Text: "2"}, &sigap.Outbound{To: b, Text: "3"}
	enqueueAll(t, db, first, second, third)
	next := t0.Add(time.Minute)
	update(t, db, func(tx sigap.Tx) error { return tx.MarkRetry(ctx, first.ID, next, "timeout") })
	view(t, db, func(tx sigap.Tx) error {
		waiting, err := tx.WaitingChats(ctx, t0)
		if err != nil {
			return err
		}
		if len(waiting) != 1 || !waiting[a].Equal(next) {
			t.Errorf("waiting %v, want only %s until %v", waiting, a, next)
		}
		return nil
	})
}

// Sent messages past the cut-off go; the newest stays whatever its age, so
// that SQLite never gives its id out again; unsent and failed ones stay.
func TestPruneSent(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	to := sigap.Address{Channel: sigap.Telegram, ID: "1"}
	var msgs []*sigap.Outbound
	for i := range 5 {
		msgs = append(msgs, &sigap.Outbound{To: to, Text: string(rune('a' + i))})
	}
	enqueueAll(t, db, msgs...)
	old := t0.Add(-40 * 24 * time.Hour)
	update(t, db, func(tx sigap.Tx) error {
		for _, i := range []int{0, 1, 4} {
			if err := tx.MarkSent(ctx, msgs[i].ID, old); err != nil {
				return err
			}
		}
		return tx.MarkFailed(ctx, msgs[2].ID, old, sigap.FailureRefused, "x")
	})
	var deleted int
	update(t, db, func(tx sigap.Tx) (err error) {
		deleted, err = tx.PruneSent(ctx, t0.Add(-30*24*time.Hour), 100)
		return err
	})
	if deleted != 2 {
		t.Errorf("deleted %d, want the two old sent messages but the newest", deleted)
	}
	var ids []int64
	view(t, db, func(tx sigap.Tx) error {
		list, err := rows(ctx, tx.(*Tx), func(id *int64) []any { return []any{id} }, `SELECT id FROM outbox ORDER BY id`)
		ids = list
		return err
	})
	if want := []int64{msgs[2].ID, msgs[3].ID, msgs[4].ID}; !slices.Equal(ids, want) {
		t.Errorf("left %v, want %v", ids, want)
	}
	next := &sigap.Outbound{To: to, Text: "f"}
	enqueueAll(t, db, next)
	if next.ID != msgs[4].ID+1 {
		t.Errorf("next id %d, want %d: an id is never given out twice", next.ID, msgs[4].ID+1)
	}
}

// The report counts the undelivered citizen replies by the OPD holding the
// ticket, for tickets created in the range and given up by the moment of
// the report.
func TestUndeliveredCounts(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	inRange := addTicket(t, db, c.ID, "KBM-AAAAA", "DPUPR", t0)
	later := addTicket(t, db, c.ID, "KBM-BBBBB", "DINKES", t0.Add(48*time.Hour))
	msgs := []*sigap.Outbound{
		{To: c.Address, TicketID: inRange.ID, Text: "1"},
		{To: c.Address, TicketID: inRange.ID, Text: "2"},
		{To: c.Address, TicketID: inRange.ID, Text: "terkirim setelah dicoba lagi"},
		{To: c.Address, TicketID: later.ID, Text: "di luar rentang"},
		{To: sigap.Address{Channel: sigap.Telegram, ID: "300"}, TicketID: inRange.ID, Lane: sigap.LaneStaff, Text: "staf"},
	}
	enqueueAll(t, db, msgs...)
	update(t, db, func(tx sigap.Tx) error {
		for i, o := range msgs {
			at := t0.Add(time.Hour)
			if i == 1 {
				at = t0.Add(30 * time.Hour) // after the report's moment
			}
			if err := tx.MarkFailed(ctx, o.ID, at, sigap.FailureExpired, ""); err != nil {
				return err
			}
		}
		if _, err := tx.Requeue(ctx, inRange.ID, msgs[2].ID, t0.Add(2*time.Hour)); err != nil {
			return err
		}
		return tx.MarkSent(ctx, msgs[2].ID, t0.Add(3*time.Hour))
	})
	view(t, db, func(tx sigap.Tx) error {
		counts, err := tx.UndeliveredCounts(ctx, t0.Add(-time.Hour), t0.Add(24*time.Hour), t0.Add(24*time.Hour))
		if len(counts) != 1 || counts["DPUPR"] != 1 {
			t.Errorf("counts %v, want DPUPR 1", counts)
		}
		return err
	})
}

func TestSetAside(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	for i, raw := range []string{`{"update_id":41}`, `{"update_id":42,"message":{"date":"kemarin"}}`} {
		u := &sigap.SetAsideUpdate{Channel: sigap.Telegram, UpdateID: string(rune('1' + i)), Raw: raw, Reason: "cannot decode"}
		update(t, db, func(tx sigap.Tx) error { return tx.AddSetAside(ctx, u) })
		if u.ID == 0 || !u.At.Equal(t0) {
			t.Errorf("stored %+v, want an id and the clock's time", u)
		}
	}
	view(t, db, func(tx sigap.Tx) error {
		list, total, err := tx.SetAsideUpdates(ctx, 1)
		if total != 2 || len(list) != 1 || list[0].UpdateID != "2" || list[0].Raw != `{"update_id":42,"message":{"date":"kemarin"}}` || list[0].Channel != sigap.Telegram {
			t.Errorf("got %+v of %d, want the newest of 2, raw", list, total)
		}
		return err
	})
}
