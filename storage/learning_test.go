package storage

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// A question counts once per FAQ however it is spelt; the most confirmed
// candidates come first; a rejected one stays rejected and leaves the
// list; an approved one leaves the table.
func TestParaphrases(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	ani, budi := addCitizen(t, db, "tg:101"), addCitizen(t, db, "tg:102")
	add := func(faq, text string, c *sigap.Citizen, at time.Time) *sigap.Paraphrase {
		p := &sigap.Paraphrase{FAQ: faq, Text: text, CitizenID: c.ID, At: at}
		update(t, db, func(tx sigap.Tx) error { return tx.AddParaphrase(ctx, p) })
		return p
	}
	first := add("pasar-los", "sewa lapak di pasar berapa?", ani, t0)
	again := add("pasar-los", "  Sewa  lapak di PASAR berapa ", budi, t0.Add(time.Hour))
	if again.ID != first.ID || again.Count != 2 || again.CitizenID != budi.ID || again.Text != first.Text {
		t.Errorf("the same question again: %+v, want row %d counted twice, naming the later citizen, first spelling kept", again, first.ID)
	}
	other := add("pasar-jadwal", "sewa lapak di pasar berapa?", ani, t0) // another FAQ: another candidate
	single := add("pasar-los", "retribusi los pasar sehari", ani, t0.Add(2*time.Hour))
	listed := func() []int64 {
		var ids []int64
		view(t, db, func(tx sigap.Tx) error {
			list, err := tx.Paraphrases(ctx, 10)
			for _, p := range list {
				ids = append(ids, p.ID)
			}
			return err
		})
		return ids
	}
	if got, want := listed(), []int64{first.ID, single.ID, other.ID}; !slices.Equal(got, want) {
		t.Errorf("pending candidates %v, want %v (most confirmed, then newest)", got, want)
	}
	update(t, db, func(tx sigap.Tx) error { return tx.RejectParaphrase(ctx, single.ID) })
	if again := add("pasar-los", "Retribusi los pasar sehari?", budi, t0.Add(3*time.Hour)); again.Status != sigap.ParaphraseRejected {
		t.Errorf("a rejected question asked again: %+v, want it still rejected", again)
	}
	update(t, db, func(tx sigap.Tx) error { return tx.DeleteParaphrase(ctx, other.ID) })
	if got, want := listed(), []int64{first.ID}; !slices.Equal(got, want) {
		t.Errorf("after a rejection and an approval: %v, want %v", got, want)
	}
	err := db.Update(ctx, func(tx sigap.Tx) error { return tx.RejectParaphrase(ctx, single.ID) })
	wantCode(t, err, sigap.ENOTFOUND)
	err = db.Update(ctx, func(tx sigap.Tx) error { return tx.DeleteParaphrase(ctx, other.ID) })
	wantCode(t, err, sigap.ENOTFOUND)
	_, err = sigap.Read(ctx, db, func(tx sigap.Tx) (*sigap.Paraphrase, error) { return tx.ParaphraseByID(ctx, other.ID) })
	wantCode(t, err, sigap.ENOTFOUND)
}

func TestNegatives(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	ani, budi := addCitizen(t, db, "tg:101"), addCitizen(t, db, "tg:102")
	var ns []*sigap.Negative
	for _, n := range []sigap.Negative{
		{FAQ: "ktp-baru", Text: "ktp saya belum jadi", CitizenID: ani.ID},
		{FAQ: "ktp-baru", Text: "KTP saya belum jadi!", CitizenID: budi.ID},
		{FAQ: "kk-baru", Text: "ktp saya belum jadi", CitizenID: ani.ID},
	} {
		update(t, db, func(tx sigap.Tx) error { return tx.AddNegative(ctx, &n) })
		ns = append(ns, &n)
	}
	if ns[1].ID != ns[0].ID || ns[1].CitizenID != budi.ID {
		t.Errorf("the same question again: %+v, want row %d naming the later citizen", ns[1], ns[0].ID)
	}
	update(t, db, func(tx sigap.Tx) error { return tx.DeleteNegative(ctx, ns[2].ID) })
	list, err := sigap.Read(ctx, db, func(tx sigap.Tx) ([]sigap.Negative, error) { return tx.Negatives(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].FAQ != "ktp-baru" || list[0].Text != "ktp saya belum jadi" {
		t.Errorf("negatives %+v, want ktp-baru's one", list)
	}
	err = db.Update(ctx, func(tx sigap.Tx) error { return tx.DeleteNegative(ctx, ns[2].ID) })
	wantCode(t, err, sigap.ENOTFOUND)
}

// The questions no FAQ answered: recent, asked as questions (not after an
// FAQ answer), not merged away, not anonymised.
func TestUnansweredQuestions(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:101")
	old := addTicket(t, db, c.ID, "TST-OLD", "DPUPR", t0.Add(-40*24*time.Hour))
	asked := addTicket(t, db, c.ID, "TST-ASK", "DPUPR", t0.Add(-time.Hour))
	newer := addTicket(t, db, c.ID, "TST-NEW", "DINKES", t0)
	afterFAQ := addTicket(t, db, c.ID, "TST-FAQ", "DPUPR", t0)
	merged := addTicket(t, db, c.ID, "TST-MRG", "DPUPR", t0)
	erased := addTicket(t, db, c.ID, "TST-ANO", "DPUPR", t0)
	update(t, db, func(tx sigap.Tx) error {
		afterFAQ.FAQ = "jalan-rusak"
		merged.MergedInto = asked.ID
		erased.Subject = AnonymizedText
		for _, tk := range []*sigap.Ticket{afterFAQ, merged, erased} {
			if err := tx.UpdateTicket(ctx, tk); err != nil {
				return err
			}
		}
		return nil
	})
	list, err := sigap.Read(ctx, db, func(tx sigap.Tx) ([]sigap.Ticket, error) {
		return tx.UnansweredQuestions(ctx, t0.Add(-30*24*time.Hour), 10)
	})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, tk := range list {
		codes = append(codes, tk.Code)
	}
	if want := []string{newer.Code, asked.Code}; !slices.Equal(codes, want) {
		t.Errorf("unanswered questions %v, want %v (not %s: older than the window)", codes, want, old.Code)
	}
	if list[0].OPD != "DINKES" || list[0].Subject != "jalan rusak" {
		t.Errorf("first question %+v, want its OPD and subject", list[0])
	}
}
