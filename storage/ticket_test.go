package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// queueFixture stores tickets in several states and OPDs:
//
//	DUE-SOON   DPUPR  open, unanswered, first response due t0+1h
//	DUE-LATER  DPUPR  open, unanswered, first response due t0+3h
//	ANSWERED   DINKES open, answered, resolution due t0+2h
//	PENDING    DPUPR  pending, resolution due t0 (stopped while pending)
//	DONE-OLD   DPUPR  resolved at t0+1h
//	DONE-NEW   DINKES resolved at t0+5h
func queueFixture(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	c := addCitizen(t, db, "tg:1001")
	type spec struct {
		code, opd     string
		status        sigap.TicketStatus
		frDue, resDue time.Duration
		answered      bool
		resolvedAfter time.Duration
		lastMessage   string
	}
	specs := []spec{
		{"DONE-OLD", "DPUPR", sigap.StatusResolved, 0, 0, true, time.Hour, "selesai lama"},
		{"DUE-LATER", "DPUPR", sigap.StatusOpen, 3 * time.Hour, 9 * time.Hour, false, 0, "jembatan putus"},
		{"ANSWERED", "DINKES", sigap.StatusOpen, -time.Hour, 2 * time.Hour, true, 0, "balasan petugas"},
		{"PENDING", "DPUPR", sigap.StatusPending, -time.Hour, 0, true, 0, "mohon kirim foto"},
		{"DUE-SOON", "DPUPR", sigap.StatusOpen, time.Hour, 8 * time.Hour, false, 0, "jalan rusak"},
		{"DONE-NEW", "DINKES", sigap.StatusResolved, 0, 0, true, 5 * time.Hour, "selesai baru"},
	}
	update(t, db, func(tx sigap.Tx) error {
		for i, s := range specs {
			tk := &sigap.Ticket{Code: s.code, CitizenID: c.ID, OPD: s.opd, Status: s.status,
				CreatedAt: t0.Add(time.Duration(i) * time.Minute), FirstResponseDue: t0.Add(s.frDue),
				ResolutionDue: t0.Add(s.resDue)}
			if s.answered {
				tk.FirstResponseAt = t0
			}
			if s.resolvedAfter > 0 {
				tk.ResolvedAt = t0.Add(s.resolvedAfter)
			}
			if err := tx.CreateTicket(ctx, tk); err != nil {
				return err
			}
			// The bot's acknowledgement and an internal note come last but
			// are not what a queue shows as the last message.
			thread := []struct {
				author sigap.Author
				text   string
			}{{sigap.AuthorCitizen, "pesan pertama"}, {sigap.AuthorCitizen, s.lastMessage},
				{sigap.AuthorBot, "Terima kasih, tiket dibuat"}, {sigap.AuthorNote, "catatan internal"}}
			for j, e := range thread {
				m := &sigap.Message{CitizenID: c.ID, TicketID: tk.ID, Channel: sigap.Telegram,
					Author: e.author, Kind: sigap.KindText, Text: e.text, At: t0.Add(time.Duration(j) * time.Second)}
				if _, err := tx.AddMessage(ctx, m); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func TestListTickets(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	queueFixture(t, db)

	tests := []struct {
		name   string
		filter sigap.TicketFilter
		want   []string
	}{
		{"open queue, most urgent first, pending last",
			sigap.TicketFilter{Status: "open"}, []string{"DUE-SOON", "ANSWERED", "DUE-LATER", "PENDING"}},
		{"one OPD's open queue", sigap.TicketFilter{Status: "open", OPD: "DPUPR"},
			[]string{"DUE-SOON", "DUE-LATER", "PENDING"}},
		{"an OPD with no tickets", sigap.TicketFilter{Status: "open", OPD: "DISDUKCAPIL"}, nil},
		{"resolved, newest first", sigap.TicketFilter{Status: "resolved"}, []string{"DONE-NEW", "DONE-OLD"}},
		{"all: open before resolved", sigap.TicketFilter{Status: "all"},
			[]string{"DUE-SOON", "ANSWERED", "DUE-LATER", "PENDING", "DONE-NEW", "DONE-OLD"}},
		{"limit", sigap.TicketFilter{Status: "open", Limit: 2}, []string{"DUE-SOON", "ANSWERED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view(t, db, func(tx sigap.Tx) error {
				list, err := tx.ListTickets(ctx, tt.filter)
				if err != nil {
					return err
				}
				var got []string
				for _, s := range list {
					got = append(got, s.Code)
				}
				if !equal(got, tt.want) {
					t.Errorf("got %q, want %q", got, tt.want)
				}
				return nil
			})
		})
	}

	view(t, db, func(tx sigap.Tx) error {
		list, err := tx.ListTickets(ctx, sigap.TicketFilter{Status: "open", Limit: 1})
		if err != nil {
			return err
		}
		s := list[0]
		if s.LastMessage != "jalan rusak" || s.LastAuthor != sigap.AuthorCitizen || !s.LastAt.Equal(t0.Add(time.Second)) ||
			s.Citizen.ID != s.CitizenID || s.Citizen.Address.String() != "tg:1001" || s.Citizen.Name != "Budi" {
			t.Errorf("summary %+v: want last message %q by the citizen at t0+1s and citizen tg:1001 Budi", s, "jalan rusak")
		}
		_, err = tx.ListTickets(ctx, sigap.TicketFilter{Status: "closed"})
		wantCode(t, err, sigap.EINVALID)
		return nil
	})
}

func TestTicketsNeedingAlert(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	queueFixture(t, db)

	codes := func(kind string, now time.Time, lead time.Duration) (got []string) {
		view(t, db, func(tx sigap.Tx) error {
			ts, err := tx.TicketsNeedingAlert(ctx, kind, now, lead)
			for _, tk := range ts {
				got = append(got, tk.Code)
			}
			return err
		})
		return got
	}
	tests := []struct {
		name string
		kind string
		now  time.Time
		lead time.Duration
		want []string
	}{
		{"nothing due yet", "breach", t0, 0, nil},
		{"warn ahead of the due time", "warn", t0.Add(30 * time.Minute), 30 * time.Minute, []string{"DUE-SOON"}},
		{"exactly at the due time", "breach", t0.Add(time.Hour), 0, []string{"DUE-SOON"}},
		{"earliest due first; answered and resolved never", "breach", t0.Add(4 * time.Hour), 0, []string{"DUE-SOON", "DUE-LATER"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(tt.kind, tt.now, tt.lead); !equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}

	// Once raised, an alert of that kind is not asked for again; another
	// kind still is.
	var firsts []bool
	update(t, db, func(tx sigap.Tx) error {
		tk, err := tx.TicketByCode(ctx, "DUE-SOON")
		if err != nil {
			return err
		}
		for range 2 {
			first, err := tx.MarkAlert(ctx, tk.ID, "breach", t0.Add(time.Hour))
			if err != nil {
				return err
			}
			firsts = append(firsts, first)
		}
		return nil
	})
	if !equal(firsts, []bool{true, false}) {
		t.Errorf("MarkAlert twice: first = %v, want [true false]", firsts)
	}
	if got := codes("breach", t0.Add(4*time.Hour), 0); !equal(got, []string{"DUE-LATER"}) {
		t.Errorf("breach after marking DUE-SOON: %q, want [DUE-LATER]", got)
	}
	if got := codes("warn", t0.Add(4*time.Hour), 0); !equal(got, []string{"DUE-SOON", "DUE-LATER"}) {
		t.Errorf("warn after marking a breach: %q, want both", got)
	}
}

func TestReportTickets(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	april := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	may := april.AddDate(0, 1, 0)
	addTicket(t, db, c.ID, "MARCH", "DPUPR", april.Add(-time.Nanosecond))
	first := addTicket(t, db, c.ID, "APRIL-1", "DPUPR", april)
	last := addTicket(t, db, c.ID, "APRIL-30", "DINKES", may.Add(-time.Nanosecond))
	addTicket(t, db, c.ID, "MAY", "DINKES", may)

	last.FirstResponseAt, last.FirstResponder = last.CreatedAt.Add(time.Hour), "sari"
	last.ResolvedAt, last.Status, last.PausedWork = last.CreatedAt.Add(2*time.Hour), sigap.StatusResolved, 15*time.Minute
	last.Assignee, last.Rating = "sari", 4
	// A duplicate merged into APRIL-1 counts once: as APRIL-1.
	dup := addTicket(t, db, c.ID, "APRIL-DUP", "DPUPR", april.Add(time.Hour))
	dup.MergedInto = first.ID
	update(t, db, func(tx sigap.Tx) error {
		if err := tx.UpdateTicket(ctx, dup); err != nil {
			return err
		}
		return tx.UpdateTicket(ctx, last)
	})

	var got []sigap.ReportTicket
	view(t, db, func(tx sigap.Tx) error {
		return tx.ReportTickets(ctx, april, may, func(r sigap.ReportTicket) error {
			got = append(got, r)
			return nil
		})
	})
	want := []sigap.ReportTicket{
		{Code: "APRIL-1", OPD: "DPUPR", Channel: sigap.Telegram, CreatedAt: first.CreatedAt, FirstResponseDue: first.FirstResponseDue},
		{Code: "APRIL-30", OPD: "DINKES", Channel: sigap.Telegram, CreatedAt: last.CreatedAt, FirstResponseDue: last.FirstResponseDue,
			FirstResponseAt: last.FirstResponseAt, FirstResponder: "sari", ResolvedAt: last.ResolvedAt,
			PausedWork: 15 * time.Minute, Assignee: "sari", Rating: 4},
	}
	if !equal(got, want) {
		t.Errorf("April report\n%+v\nwant\n%+v", got, want)
	}

	stop := errors.New("enough")
	calls := 0
	err := db.View(ctx, func(tx sigap.Tx) error {
		return tx.ReportTickets(ctx, time.Time{}, may.AddDate(1000, 0, 0), func(sigap.ReportTicket) error {
			calls++
			return stop
		})
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("fn's error: got %v after %d calls, want %v after 1", err, calls, stop)
	}
}
