package storage

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// seedQueue stores n tickets that vary in every way a filter looks at:
// status, OPD, assignee, channel, creation and due times, and some with
// the same due time, so that paging must break ties by ID.
func seedQueue(t testing.TB, db *DB, n int) {
	t.Helper()
	ctx := context.Background()
	opds := []string{"DPUPR", "DINKES", "DISDUKCAPIL"}
	channels := []string{"tg", "wa", "web"}
	assignees := []string{"", "budi", "sari"}
	update(t, db, func(tx sigap.Tx) error {
		for i := range n {
			a, _ := sigap.ParseAddress(fmt.Sprintf("%s:%d", channels[i%3], 5000+i%7))
			c := &sigap.Citizen{Address: a, Name: fmt.Sprintf("Warga %d", i%7)}
			if _, err := tx.UpsertCitizen(ctx, c); err != nil {
				return err
			}
			created := t0.Add(time.Duration(i) * time.Minute)
			tk := &sigap.Ticket{Code: fmt.Sprintf("Q-%03d", i), CitizenID: c.ID, OPD: opds[i%len(opds)],
				Status: sigap.StatusOpen, Assignee: assignees[i%len(assignees)], CreatedAt: created,
				FirstResponseDue: t0.Add(time.Duration(i%5) * time.Hour), ResolutionDue: t0.Add(time.Duration(i%4) * 3 * time.Hour)}
			switch i % 6 {
			case 1:
				tk.FirstResponseAt = created.Add(30 * time.Minute)
			case 2:
				tk.Status, tk.FirstResponseAt = sigap.StatusPending, created.Add(time.Hour)
			case 3, 4:
				tk.Status, tk.FirstResponseAt = sigap.StatusResolved, created.Add(20*time.Minute)
				tk.ResolvedAt = t0.Add(time.Duration(i%9) * time.Hour)
			case 5:
				tk.Status, tk.ResolvedAt = sigap.StatusResolved, t0.Add(time.Duration(i%9)*time.Hour)
			}
			if err := tx.CreateTicket(ctx, tk); err != nil {
				return err
			}
			m := &sigap.Message{CitizenID: c.ID, TicketID: tk.ID, Channel: a.Channel, Author: sigap.AuthorCitizen,
				Kind: sigap.KindText, Text: fmt.Sprintf("laporan nomor %d", i), At: created}
			if _, err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// listCodes lists the codes of every ticket f selects, page after page of
// size, each continuing after the cursor of the last.
func listCodes(t *testing.T, db *DB, f sigap.TicketFilter, size int) []string {
	t.Helper()
	ctx := context.Background()
	var codes []string
	f.Limit, f.After = size, nil
	for range 1000 {
		var page []sigap.TicketSummary
		view(t, db, func(tx sigap.Tx) error {
			var err error
			page, err = tx.ListTickets(ctx, f)
			return err
		})
		for _, s := range page {
			codes = append(codes, s.Code)
		}
		if size == 0 || len(page) < size {
			return codes
		}
		c := sigap.CursorOf(&page[len(page)-1].Ticket)
		f.After = &c
	}
	t.Fatalf("paging %+v does not end", f)
	return nil
}

func countTickets(t *testing.T, db *DB, f sigap.TicketFilter) int {
	t.Helper()
	var n int
	view(t, db, func(tx sigap.Tx) error {
		var err error
		n, err = tx.CountTickets(context.Background(), f)
		return err
	})
	return n
}

// The filters the tests page through and explain.
func testFilters(now time.Time) map[string]sigap.TicketFilter {
	clock := sigap.SLAClock{Now: now, SoonBefore: map[string]time.Time{"DPUPR": now.Add(2 * time.Hour)},
		SoonBeforeDefault: now.Add(time.Hour)}
	return map[string]sigap.TicketFilter{
		"open":                {Status: "open"},
		"resolved":            {Status: "resolved"},
		"all":                 {Status: "all"},
		"one OPD":             {Status: "all", OPD: "DINKES"},
		"one OPD, resolved":   {Status: "resolved", OPD: "DPUPR"},
		"nobody's":            {Status: "open", Assignee: sigap.AssigneeNone},
		"budi's":              {Status: "all", Assignee: "budi"},
		"WhatsApp":            {Status: "all", Channel: sigap.WhatsApp},
		"created in a range":  {Status: "all", CreatedFrom: t0.Add(10 * time.Minute), CreatedTo: t0.Add(40 * time.Minute)},
		"late":                {Status: "all", SLA: sigap.SLALate, Clock: clock},
		"soon":                {Status: "open", SLA: sigap.SLASoon, Clock: clock},
		"ok":                  {Status: "open", SLA: sigap.SLAOK, Clock: clock},
		"done":                {Status: "all", SLA: sigap.SLADone, Clock: clock},
		"first response late": {Status: "all", FirstResponseLate: true, Clock: clock},
		"search":              {Status: "all", Query: "laporan 1"},
		"everything at once": {Status: "open", OPD: "DPUPR", Assignee: "sari", Channel: sigap.Telegram,
			CreatedFrom: t0, CreatedTo: t0.Add(time.Hour), SLA: sigap.SLALate, Clock: clock, Query: "Warga"},
	}
}

func TestListTicketsPaging(t *testing.T) {
	db := openTest(t)
	seedQueue(t, db, 61)
	for name, f := range testFilters(t0.Add(2 * time.Hour)) {
		t.Run(name, func(t *testing.T) {
			all := listCodes(t, db, f, 0)
			if name != "everything at once" && len(all) == 0 {
				t.Fatalf("the filter selects nothing of the fixture: a test of nothing")
			}
			if n := countTickets(t, db, f); n != len(all) {
				t.Errorf("CountTickets = %d, ListTickets lists %d", n, len(all))
			}
			for _, size := range []int{1, 4, 50} {
				if got := listCodes(t, db, f, size); !equal(got, all) {
					t.Errorf("pages of %d:\n%q\nwant the whole list\n%q", size, got, all)
				}
			}
		})
	}
}

// TestListTicketsFilters checks what each filter keeps against the
// fixture's own rules, so a condition that keeps too much or too little
// fails.
func TestListTicketsFilters(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	seedQueue(t, db, 61)
	now := t0.Add(2 * time.Hour)
	var all []sigap.TicketSummary
	view(t, db, func(tx sigap.Tx) error {
		var err error
		all, err = tx.ListTickets(ctx, sigap.TicketFilter{Status: "all"})
		return err
	})
	filters := testFilters(now)
	clock := filters["late"].Clock
	soonBefore := func(opd string) time.Time {
		if b, ok := clock.SoonBefore[opd]; ok {
			return b
		}
		return clock.SoonBeforeDefault
	}
	state := func(tk sigap.Ticket) sigap.SLAState {
		switch {
		case !tk.FirstResponseAt.IsZero() && ((tk.Status == sigap.StatusOpen && !now.Before(tk.ResolutionDue)) || tk.FirstResponseAt.After(tk.FirstResponseDue)):
			return sigap.SLALate
		case !tk.FirstResponseAt.IsZero() || tk.Status == sigap.StatusResolved:
			return sigap.SLADone
		case !now.Before(tk.FirstResponseDue):
			return sigap.SLALate
		case tk.FirstResponseDue.Before(soonBefore(tk.OPD)):
			return sigap.SLASoon
		}
		return sigap.SLAOK
	}
	rules := map[string]func(s sigap.TicketSummary) bool{
		"nobody's": func(s sigap.TicketSummary) bool { return s.Open() && s.Assignee == "" },
		"budi's":   func(s sigap.TicketSummary) bool { return s.Assignee == "budi" },
		"WhatsApp": func(s sigap.TicketSummary) bool { return s.Citizen.Address.Channel == sigap.WhatsApp },
		"created in a range": func(s sigap.TicketSummary) bool {
			return !s.CreatedAt.Before(t0.Add(10*time.Minute)) && s.CreatedAt.Before(t0.Add(40*time.Minute))
		},
		"late": func(s sigap.TicketSummary) bool { return state(s.Ticket) == sigap.SLALate },
		"soon": func(s sigap.TicketSummary) bool { return s.Open() && state(s.Ticket) == sigap.SLASoon },
		"ok":   func(s sigap.TicketSummary) bool { return s.Open() && state(s.Ticket) == sigap.SLAOK },
		"done": func(s sigap.TicketSummary) bool { return state(s.Ticket) == sigap.SLADone },
		"first response late": func(s sigap.TicketSummary) bool {
			if s.FirstResponseAt.IsZero() {
				return !now.Before(s.FirstResponseDue)
			}
			return s.FirstResponseAt.After(s.FirstResponseDue)
		},
	}
	for name, keep := range rules {
		t.Run(name, func(t *testing.T) {
			var want []string
			for _, s := range all {
				if keep(s) {
					want = append(want, s.Code)
				}
			}
			if len(want) == 0 {
				t.Fatal("the rule keeps nothing of the fixture: a test of nothing")
			}
			if got := listCodes(t, db, filters[name], 0); !equal(got, want) {
				t.Errorf("got\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func TestListTicketsLeavesMergedOut(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "wa:628111")
	kept := addTicket(t, db, c.ID, "KEPT", "BPBD", t0)
	dup := addTicket(t, db, c.ID, "DUP", "BPBD", t0.Add(time.Minute))
	dup.MergedInto = kept.ID
	update(t, db, func(tx sigap.Tx) error { return tx.UpdateTicket(ctx, dup) })
	f := sigap.TicketFilter{Status: "all"}
	if got := listCodes(t, db, f, 0); !equal(got, []string{"KEPT"}) {
		t.Errorf("list %q, want only KEPT", got)
	}
	if n := countTickets(t, db, f); n != 1 {
		t.Errorf("count %d, want 1", n)
	}
	view(t, db, func(tx sigap.Tx) error {
		list, err := tx.ListTickets(ctx, f)
		if err == nil && list[0].Merged != 1 {
			t.Errorf("KEPT shows %d merged tickets, want 1", list[0].Merged)
		}
		merged, err2 := tx.MergedTickets(ctx, kept.ID)
		if err2 == nil && (len(merged) != 1 || merged[0].Code != "DUP" || merged[0].MergedInto != kept.ID) {
			t.Errorf("MergedTickets(KEPT) = %+v, want DUP", merged)
		}
		return cmpErr(err, err2)
	})
}

func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestSearchTickets(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	say := func(tk *sigap.Ticket, author sigap.Author, text string) *sigap.Message {
		m := &sigap.Message{CitizenID: tk.CitizenID, TicketID: tk.ID, Channel: sigap.WhatsApp, Author: author,
			Kind: sigap.KindText, Text: text, At: t0}
		update(t, db, func(tx sigap.Tx) error { _, err := tx.AddMessage(ctx, m); return err })
		return m
	}
	siti := &sigap.Citizen{Address: sigap.Address{Channel: sigap.WhatsApp, ID: "62811"}, Name: "Siti Aminah"}
	joko := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: "42"}, Name: "Joko Susilo"}
	upsert(t, db, siti)
	upsert(t, db, joko)
	road := addTicket(t, db, siti.ID, "KBM-7K3QX", "DPUPR", t0)
	say(road, sigap.AuthorCitizen, "Jalan di Désa Kembaran berlubang")
	say(road, sigap.AuthorStaff, "Tim kami meninjau lokasi hari Kamis")
	flood := addTicket(t, db, joko.ID, "KBM-B4NJR", "BPBD", t0.Add(time.Minute))
	say(flood, sigap.AuthorCitizen, "Banjir setinggi lutut")
	say(flood, sigap.AuthorBot, "Terima kasih, laporan Bapak/Ibu kami catat")
	note := say(flood, sigap.AuthorNote, "Koordinasi dengan relawan Sruweng")
	dupOwner := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Web, ID: "abc"}, Name: "Rina"}
	upsert(t, db, dupOwner)
	dup := addTicket(t, db, dupOwner.ID, "KBM-DUP22", "BPBD", t0.Add(2*time.Minute))
	say(dup, sigap.AuthorCitizen, "Air naik di jembatan Karanganyar")
	dup.MergedInto = flood.ID
	update(t, db, func(tx sigap.Tx) error { return tx.UpdateTicket(ctx, dup) })

	search := func(q string) []string { return listCodes(t, db, sigap.TicketFilter{Status: "all", Query: q}, 0) }
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"berlubang", []string{"KBM-7K3QX"}},
		{"BERLUBANG", []string{"KBM-7K3QX"}},
		{"desa", []string{"KBM-7K3QX"}},                // accents ignored
		{"désa", []string{"KBM-7K3QX"}},                // both ways
		{"lubang", nil},                                // a prefix, not any part
		{"berlub", []string{"KBM-7K3QX"}},              // prefixes match
		{"kembaran kamis", []string{"KBM-7K3QX"}},      // words of two messages of one ticket
		{"kembaran banjir", nil},                       // every word must match
		{"siti", []string{"KBM-7K3QX"}},                // the citizen's name
		{"amin jalan", []string{"KBM-7K3QX"}},          // name and text together
		{"7K3QX", []string{"KBM-7K3QX"}},               // the code without its prefix
		{"kbm-7k3", []string{"KBM-7K3QX"}},             // a code's prefix
		{"sruweng", []string{"KBM-B4NJR"}},             // internal notes are searched
		{"catat", nil},                                 // the bot's texts are not
		{"karanganyar", []string{"KBM-B4NJR"}},         // a merged ticket's message finds the ticket it joined
		{"rina", []string{"KBM-B4NJR"}},                // and its citizen's name
		{"  ¡¿  ", []string{"KBM-7K3QX", "KBM-B4NJR"}}, // no words: no search
	} {
		if got := search(tt.q); !equal(got, tt.want) {
			t.Errorf("search %q: %q, want %q", tt.q, got, tt.want)
		}
	}

	// What an erasure removes is no longer found; a new name is.
	note.Text = ""
	update(t, db, func(tx sigap.Tx) error {
		if _, err := tx.(*Tx).tx.ExecContext(ctx, `UPDATE messages SET text = '' WHERE id = ?`, note.ID); err != nil {
			return err
		}
		_, err := tx.(*Tx).tx.ExecContext(ctx, `UPDATE citizens SET name = 'Joko Widodo' WHERE id = ?`, joko.ID)
		return err
	})
	if got := search("sruweng"); got != nil {
		t.Errorf("search of an erased note's word: %q, want nothing", got)
	}
	if got := search("widodo"); !equal(got, []string{"KBM-B4NJR"}) {
		t.Errorf("search of a changed name: %q, want KBM-B4NJR", got)
	}
	if got := search("susilo"); got != nil {
		t.Errorf("search of a replaced name: %q, want nothing", got)
	}
}

// planProblem matches what a list query must never do on a large
// database: scan a table instead of walking an index, or sort in a
// temporary B-tree instead of reading in the index's order.
var planProblem = regexp.MustCompile(`^SCAN \w+$|USE TEMP B-TREE`)

// TestListQueryPlans explains every list query, for each filter, on a
// database without statistics and again after ANALYZE (PRAGMA optimize
// may run it), and fails on a full scan or a sort.
func TestListQueryPlans(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTest(t)
	seedQueue(t, db, 300)
	now := t0.Add(2 * time.Hour)
	cursor := func(st sigap.TicketStatus) *sigap.Cursor { return &sigap.Cursor{Status: st, Key: t0, ID: 10} }
	var queries []struct {
		name string
		q    query
	}
	add := func(name string, q query) {
		queries = append(queries, struct {
			name string
			q    query
		}{name, q})
	}
	for name, f := range testFilters(now) {
		for _, after := range []*sigap.Cursor{nil, cursor(sigap.StatusOpen), cursor(sigap.StatusPending), cursor(sigap.StatusResolved)} {
			f.After = after
			qs, err := listQueries(f, false)
			if err != nil {
				t.Fatal(err)
			}
			for i, q := range qs {
				q.args = append(q.args, 50)
				add(fmt.Sprintf("list %s after %v, segment %d", name, after, i), q)
			}
		}
		q, err := countQuery(f, false)
		if err != nil {
			t.Fatal(err)
		}
		add("count "+name, q)
	}
	for name, sql := range fixedListQueries {
		add(name, query{sql: sql, args: []any{1, 50}[:strings.Count(sql, "?")]})
	}
	for _, stats := range []string{"without statistics", "after ANALYZE"} {
		if stats == "after ANALYZE" {
			if _, err := db.writer.ExecContext(ctx, "ANALYZE"); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range queries {
			plan := explain(t, db, q.q)
			for _, line := range plan {
				if planProblem.MatchString(line) {
					t.Errorf("%s, %s: %q in the plan\n%s\n%s", q.name, stats, line, strings.Join(plan, "\n"), q.q.sql)
					break
				}
			}
		}
	}
}

// fixedListQueries are the list queries of storage/ticket*.go, message.go
// and report.go that take no filter, each with at most two arguments (an
// id and a limit), a limit written into the query as its caller does.
var fixedListQueries = map[string]string{
	"citizen tickets": citizenTicketsQuery + limitText(50),
	"merged tickets":  mergedTicketsQuery,
	"ticket messages": ticketMessagesQuery,
	"report tickets":  reportTicketsQuery,
}

func explain(t *testing.T, db *DB, q query) []string {
	t.Helper()
	rs, err := db.reader.Query("EXPLAIN QUERY PLAN "+q.sql, q.args...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, q.sql)
	}
	defer rs.Close()
	var plan []string
	for rs.Next() {
		var id, parent, unused int
		var detail string
		if err := rs.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}

// TestSearchInsideWrites searches for words written in the same write
// transaction, in a group commit's and in a batch's, and in a View of a
// batch: each finds them, though the search documents of a transaction
// are otherwise brought up to date only when it commits.
func TestSearchInsideWrites(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: "7"}, Name: "Warga"}
	upsert(t, db, c)
	tk := addTicket(t, db, c.ID, "KBM-SRCH1", "DPUPR", t0)
	say := func(tx sigap.Tx, text string) error {
		_, err := tx.AddMessage(ctx, &sigap.Message{CitizenID: c.ID, TicketID: tk.ID, Channel: sigap.Telegram,
			Author: sigap.AuthorCitizen, Kind: sigap.KindText, Text: text, At: t0})
		return err
	}
	search := func(tx sigap.Tx, q string) (int, error) {
		list, err := tx.ListTickets(ctx, sigap.TicketFilter{Status: "all", Query: q})
		if err != nil {
			return 0, err
		}
		n, err := tx.CountTickets(ctx, sigap.TicketFilter{Status: "all", Query: q})
		if err == nil && n != len(list) {
			err = fmt.Errorf("counted %d, listed %d", n, len(list))
		}
		return len(list), err
	}
	for _, tt := range []struct {
		name string
		run  func(word string) (found int, err error)
	}{
		{"update", func(word string) (found int, err error) {
			err = db.Update(ctx, func(tx sigap.Tx) error {
				if err := say(tx, word); err != nil {
					return err
				}
				found, err = search(tx, word)
				return err
			})
			return found, err
		}},
		{"batch update", func(word string) (found int, err error) {
			err = db.Batch(ctx, func() error {
				return db.Update(ctx, func(tx sigap.Tx) error {
					if err := say(tx, word); err != nil {
						return err
					}
					found, err = search(tx, word)
					return err
				})
			})
			return found, err
		}},
		{"batch view", func(word string) (found int, err error) {
			err = db.Batch(ctx, func() error {
				if err := db.Update(ctx, func(tx sigap.Tx) error { return say(tx, word) }); err != nil {
					return err
				}
				return db.View(ctx, func(tx sigap.Tx) error {
					found, err = search(tx, word)
					return err
				})
			})
			return found, err
		}},
	} {
		word := "kata" + strings.ReplaceAll(tt.name, " ", "")
		found, err := tt.run(word)
		if err != nil || found != 1 {
			t.Errorf("%s: searching %q found %d tickets, %v; want 1", tt.name, word, found, err)
		}
		if got := listCodes(t, db, sigap.TicketFilter{Status: "all", Query: word}, 0); !equal(got, []string{"KBM-SRCH1"}) {
			t.Errorf("%s: after the commit, searching %q found %q, want KBM-SRCH1", tt.name, word, got)
		}
	}
}
