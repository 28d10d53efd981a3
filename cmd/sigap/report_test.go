package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// The working calendar and first-response targets of testKBYAML, written
// out again for the independent computation below.
var (
	testHolidays      = map[string]bool{"2024-04-10": true, "2024-04-11": true, "2024-05-01": true}
	testFirstResponse = map[string]int{"DISKOMINFO": 240, "DPUPR": 120, "DINKES": 240, "DLH": 180} // minutes
)

// isWorkingMinute reports whether the minute starting at t is working
// time on the test calendar.
func isWorkingMinute(t time.Time) bool {
	t = t.In(jakartaZone)
	if testHolidays[t.Format(time.DateOnly)] {
		return false
	}
	hm := t.Hour()*60 + t.Minute()
	switch t.Weekday() {
	case time.Monday, time.Tuesday, time.Wednesday, time.Thursday:
		return hm >= 8*60 && hm < 16*60
	case time.Friday:
		return (hm >= 8*60 && hm < 11*60+30) || (hm >= 13*60 && hm < 16*60)
	}
	return false
}

// jakartaZone is the test calendar's zone; package sla embeds the zone database.
var jakartaZone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		panic(err)
	}
	return loc
}()

// minuteCalendar counts working minutes the slow, obvious way: it walks
// every minute of a period once and keeps a running count.
type minuteCalendar struct {
	start  time.Time
	worked []int // worked[i]: working minutes in [start, start + i minutes)
}

func newMinuteCalendar(start, end time.Time) *minuteCalendar {
	c := &minuteCalendar{start: start, worked: []int{0}}
	for t := start; t.Before(end); t = t.Add(time.Minute) {
		n := c.worked[len(c.worked)-1]
		if isWorkingMinute(t) {
			n++
		}
		c.worked = append(c.worked, n)
	}
	return c
}

func (c *minuteCalendar) index(t time.Time) int {
	d := t.Sub(c.start)
	if d%time.Minute != 0 || d < 0 || int(d/time.Minute) >= len(c.worked) {
		panic(fmt.Sprintf("minuteCalendar: %s is not a whole minute of the period", t))
	}
	return int(d / time.Minute)
}

// between is the working minutes in [a, b).
func (c *minuteCalendar) between(a, b time.Time) int {
	return c.worked[c.index(b)] - c.worked[c.index(a)]
}

// due is the first moment by which target working minutes have passed
// since created.
func (c *minuteCalendar) due(created time.Time, target int) time.Time {
	i0 := c.index(created)
	for i := i0; ; i++ {
		if c.worked[i]-c.worked[i0] >= target {
			return c.start.Add(time.Duration(i) * time.Minute)
		}
	}
}

// genTicket is a complaint of the generated month, as the generator
// planned it.
type genTicket struct {
	from       string
	created    time.Time
	transferTo string    // "" when never transferred
	firstReply time.Time // zero: never answered
	resolved   time.Time // zero: never resolved
}

// genMonth is a generated month of events and what they should do.
type genMonth struct {
	lines      []string
	tickets    []genTicket
	faqAnswers []time.Time
	faqFrom    []string // who asked each of faqAnswers
	// What the month exercises, so the test can check it exercises it.
	outsideHoursCreated, outsideHoursReplies, transfers, unanswered int
}

// generateMonth writes a month of citizen messages and staff actions for
// about 300 citizens, with tickets created from late March to early May.
func generateMonth(seed uint64) *genMonth {
	rng := rand.New(rand.NewPCG(seed, 2024))
	first := time.Date(2024, 3, 25, 0, 0, 0, 0, jakartaZone)
	last := time.Date(2024, 5, 6, 0, 0, 0, 0, jakartaZone)
	villages := []string{"Karanganyar", "Sruweng", "Petanahan", "Pejagoan", "Alian", "Klirong", "Buluspesantren"}
	complaints := [][]string{
		{"jalan di desa %s rusak parah dan berlubang", "jembatan di dusun %s retak, mohon diperbaiki", "gorong-gorong di %s mampet, air meluap ke jalan"},
		{"banyak warga %s kena demam berdarah, mohon fogging", "jadwal imunisasi anak di puskesmas %s kapan?"},
		{"sampah di tps %s belum diangkut seminggu", "lampu jalan di %s mati sejak kemarin"},
		{"website desa %s tidak bisa dibuka"},
	}
	opds := []string{"DPUPR", "DINKES", "DLH", "DISKOMINFO"}
	minutes := func(lo, hi int) time.Duration { return time.Duration(lo+rng.IntN(hi-lo+1)) * time.Minute }

	type event struct {
		at   time.Time
		seq  int
		line string
	}
	var events []event
	add := func(at time.Time, typ string, args ...any) {
		ev := map[string]any{"at": at.Format(time.RFC3339)}
		for i := 0; i+1 < len(args); i += 2 {
			ev[args[i].(string)] = args[i+1]
		}
		ev["type"] = typ
		line, _ := json.Marshal(ev)
		events = append(events, event{at, len(events), string(line)})
	}

	g := &genMonth{}
	for i := range 300 {
		from := fmt.Sprintf("tg:%d", 50000+i)
		if i%3 == 0 {
			from = fmt.Sprintf("wa:62812%07d", i)
		}
		t := first.Add(minutes(0, 40*24*60))
		name := fmt.Sprintf("Warga %d", i)
		for n := 0; n < 3 && t.Before(last); n++ {
			if rng.IntN(5) == 0 { // a question the FAQ answers, first
				add(t, "message", "from", from, "name", name, "text", "jam berapa puskesmas buka?")
				g.faqAnswers, g.faqFrom = append(g.faqAnswers, t), append(g.faqFrom, from)
				t = t.Add(minutes(1, 120))
			}
			// Most people write in the daytime, when offices are open.
			if rng.IntN(10) < 6 {
				day := time.Date(t.Year(), t.Month(), t.Day(), 7, 0, 0, 0, jakartaZone).Add(minutes(0, 10*60))
				if !day.After(t) {
					day = day.AddDate(0, 0, 1)
				}
				t = day
			}
			k := rng.IntN(len(opds))
			text := fmt.Sprintf(complaints[k][rng.IntN(len(complaints[k]))], villages[rng.IntN(len(villages))])
			add(t, "message", "from", from, "name", name, "text", text)
			tk := genTicket{from: from, created: t}
			if !isWorkingMinute(t) {
				g.outsideHoursCreated++
			}
			end := t // the ticket's last event so far
			if rng.IntN(10) < 3 {
				at := t.Add(minutes(1, 600))
				add(at, "message", "from", from, "text", "mohon segera ditindaklanjuti, terima kasih")
				end = later(end, at)
			}
			if rng.IntN(100) < 15 {
				tk.transferTo = opds[rng.IntN(len(opds))]
				at := t.Add(minutes(1, 180))
				add(at, "transfer", "from", from, "opd", tk.transferTo, "staff", "triase")
				end = later(end, at)
				g.transfers++
			}
			if rng.IntN(100) < 88 {
				var delay time.Duration
				switch r := rng.IntN(10); {
				case r < 6:
					delay = minutes(5, 480)
				case r < 9:
					delay = minutes(480, 3*24*60)
				default:
					delay = minutes(3*24*60, 7*24*60)
				}
				tk.firstReply = t.Add(delay)
				add(tk.firstReply, "reply", "from", from, "staff", "petugas", "text", "Terima kasih, laporan Bapak/Ibu kami tindak lanjuti.")
				if !isWorkingMinute(tk.firstReply) {
					g.outsideHoursReplies++
				}
				end = later(end, tk.firstReply)
				if rng.IntN(10) < 3 {
					at := tk.firstReply.Add(minutes(10, 1440))
					add(at, "reply", "from", from, "staff", "petugas", "text", "Petugas sudah dijadwalkan ke lokasi.")
					end = later(end, at)
				}
			} else {
				g.unanswered++
			}
			if (!tk.firstReply.IsZero() && rng.IntN(4) < 3) || rng.IntN(30) == 0 {
				tk.resolved = end.Add(minutes(10, 3*24*60))
				add(tk.resolved, "resolve", "from", from, "staff", "petugas")
				end = tk.resolved
				if rng.IntN(2) == 0 {
					add(end.Add(minutes(1, 60)), "message", "from", from, "text", strconv.Itoa(1+rng.IntN(5)))
				}
			}
			g.tickets = append(g.tickets, tk)
			if tk.resolved.IsZero() {
				break // later messages would be follow-ups of this ticket
			}
			t = end.Add(minutes(61, 7*24*60))
		}
	}
	// In time order; a citizen's events at the same minute keep the order
	// they were planned in.
	sort.SliceStable(events, func(a, b int) bool {
		if !events[a].at.Equal(events[b].at) {
			return events[a].at.Before(events[b].at)
		}
		return events[a].seq < events[b].seq
	})
	for _, ev := range events {
		g.lines = append(g.lines, ev.line)
	}
	return g
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// reportRow is a row of the report's JSON.
type reportRow struct {
	OPD                 string   `json:"opd"`
	Received            int      `json:"received"`
	Answered            int      `json:"answered"`
	Resolved            int      `json:"resolved"`
	Open                int      `json:"open"`
	FirstResponseMedian *float64 `json:"first_response_median_min"`
	FirstResponseP90    *float64 `json:"first_response_p90_min"`
	ResolutionMedian    *float64 `json:"resolution_median_min"`
	Met                 int      `json:"first_response_met"`
	Breached            int      `json:"first_response_breached"`
	SLAMetPct           *float64 `json:"sla_met_pct"`
	FAQAnswered         *int     `json:"faq_answered"`
}

// channelRow is a row of the report's per-channel breakdown.
type channelRow struct {
	Channel     string `json:"channel"`
	Received    int    `json:"received"`
	Answered    int    `json:"answered"`
	FAQAnswered int    `json:"faq_answered"`
}

// expectedRow holds a row's figures as the test computes them.
type expectedRow struct {
	received, answered, resolved, open, met, breached int
	firstResponse, resolution                         []int // working minutes
}

func (e *expectedRow) metPct() (float64, bool) {
	if e.met+e.breached == 0 {
		return 0, false
	}
	return 100 * float64(e.met) / float64(e.met+e.breached), true
}

// median is the middle value, or the mean of the two middle ones.
func median(v []int) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2]), true
	}
	return float64(s[n/2-1]+s[n/2]) / 2, true
}

// p90 is the nearest-rank 90th percentile: the smallest value with at
// least 90% of the values at or below it.
func p90(v []int) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	s := slices.Sorted(slices.Values(v))
	rank := 1
	for 10*rank < 9*len(s) {
		rank++
	}
	return float64(s[rank-1]), true
}

func TestReportMatchesIndependentComputation(t *testing.T) {
	loc := jakartaZone
	month := generateMonth(7)
	if month.outsideHoursCreated < 50 || month.outsideHoursReplies < 50 || month.transfers < 30 ||
		month.unanswered < 30 || len(month.faqAnswers) < 30 {
		t.Fatalf("the generated month is too tame: %d tickets created and %d answered outside hours, %d transfers, %d unanswered, %d FAQ questions",
			month.outsideHoursCreated, month.outsideHoursReplies, month.transfers, month.unanswered, len(month.faqAnswers))
	}
	kbPath, dbPath := writeTestKB(t), storagetest.DB(t)
	if status, _, stderr := runInProcess(t, "replay", "--kb", kbPath, "--db", dbPath, writeLines(t, month.lines)); status != 0 {
		t.Fatalf("replay: exit status %d; stderr:\n%s", status, stderr)
	}

	// Which OPD holds each ticket is the router's choice; read it back.
	landed := readBackOPDs(t, dbPath)
	if len(landed) != len(month.tickets) {
		t.Fatalf("replay made %d tickets, the month has %d complaints", len(landed), len(month.tickets))
	}

	from, to := time.Date(2024, 4, 1, 0, 0, 0, 0, loc), time.Date(2024, 5, 1, 0, 0, 0, 0, loc)
	at := time.Date(2024, 5, 3, 12, 0, 0, 0, loc)
	cal := newMinuteCalendar(time.Date(2024, 3, 1, 0, 0, 0, 0, loc), time.Date(2024, 7, 1, 0, 0, 0, 0, loc))
	want := map[string]*expectedRow{}
	total := &expectedRow{}
	byChannel := map[string]*channelRow{}
	channel := func(from string) *channelRow {
		ch, _, _ := strings.Cut(from, ":")
		if byChannel[ch] == nil {
			byChannel[ch] = &channelRow{Channel: ch}
		}
		return byChannel[ch]
	}
	for _, tk := range month.tickets {
		opd, ok := landed[ticketKey(tk.from, tk.created)]
		if !ok {
			t.Fatalf("no ticket of %s created at %s", tk.from, tk.created)
		}
		if tk.transferTo != "" && opd != tk.transferTo {
			t.Errorf("ticket of %s created at %s is in %s, want %s where it was transferred", tk.from, tk.created, opd, tk.transferTo)
		}
		if tk.created.Before(from) || !tk.created.Before(to) {
			continue
		}
		if want[opd] == nil {
			want[opd] = &expectedRow{}
		}
		due := cal.due(tk.created, testFirstResponse[opd])
		answered := !tk.firstReply.IsZero() && !tk.firstReply.After(at)
		resolved := !tk.resolved.IsZero() && !tk.resolved.After(at)
		channel(tk.from).Received++
		if answered {
			channel(tk.from).Answered++
		}
		for _, e := range []*expectedRow{want[opd], total} {
			e.received++
			if answered {
				e.answered++
				e.firstResponse = append(e.firstResponse, cal.between(tk.created, tk.firstReply))
			}
			switch {
			case answered && tk.firstReply.After(due), !answered && at.After(due):
				e.breached++
			case answered:
				e.met++
			}
			if resolved {
				e.resolved++
				e.resolution = append(e.resolution, cal.between(tk.created, tk.resolved))
			} else {
				e.open++
			}
		}
	}
	faqAnswered := 0
	for i, a := range month.faqAnswers {
		if !a.Before(from) && a.Before(to) {
			faqAnswered++
			channel(month.faqFrom[i]).FAQAnswered++
		}
	}
	if len(want) < 3 || total.breached == 0 || total.met == 0 || total.open == 0 {
		t.Fatalf("the month in range is too tame: %d OPDs, %d met, %d breached, %d open", len(want), total.met, total.breached, total.open)
	}

	report := func(format string) string {
		status, stdout, stderr := runInProcess(t, "report", "--db", dbPath, "--kb", kbPath,
			"--from", "2024-04-01", "--to", "2024-05-01", "--at", at.Format(time.RFC3339), "--format", format)
		if status != 0 {
			t.Fatalf("report --format %s: exit status %d; stderr:\n%s", format, status, stderr)
		}
		return stdout
	}

	t.Run("json", func(t *testing.T) {
		var got struct {
			OPDs     []reportRow  `json:"opds"`
			Total    reportRow    `json:"total"`
			Channels []channelRow `json:"channels"`
		}
		if err := json.Unmarshal([]byte(report("json")), &got); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, row := range got.OPDs {
			seen[row.OPD] = true
			if e := want[row.OPD]; e == nil {
				t.Errorf("OPD %s has a row but no ticket created in range", row.OPD)
			} else {
				compareRow(t, row.OPD, row, e)
			}
		}
		for opd := range want {
			if !seen[opd] {
				t.Errorf("OPD %s has tickets in range but no row", opd)
			}
		}
		compareRow(t, "total", got.Total, total)
		if got.Total.FAQAnswered == nil || *got.Total.FAQAnswered != faqAnswered {
			t.Errorf("total faq_answered = %v, want %d", got.Total.FAQAnswered, faqAnswered)
		}
		if len(got.Channels) != len(byChannel) {
			t.Errorf("channels %+v, want %d rows", got.Channels, len(byChannel))
		}
		for _, row := range got.Channels {
			if e := byChannel[row.Channel]; e == nil || row != *e {
				t.Errorf("channel row %+v, want %+v", row, e)
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		records, err := csv.NewReader(strings.NewReader(report("csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records) != len(want)+2 {
			t.Fatalf("%d CSV records, want a header, %d OPDs and a total", len(records), len(want))
		}
		col := map[string]int{}
		for i, name := range records[0] {
			col[name] = i
		}
		for _, rec := range records[1:] {
			opd, e := rec[col["opd"]], want[rec[col["opd"]]]
			if opd == "TOTAL" {
				e = total
				if got := rec[col["faq_answered"]]; got != strconv.Itoa(faqAnswered) {
					t.Errorf("TOTAL faq_answered = %q, want %d", got, faqAnswered)
				}
			}
			if e == nil {
				t.Errorf("CSV row for %q, which has no ticket in range", opd)
				continue
			}
			cell := func(name string) string { return rec[col[name]] }
			compareRow(t, opd, reportRow{
				Received: atoi(t, cell("received")), Answered: atoi(t, cell("answered")),
				Resolved: atoi(t, cell("resolved")), Open: atoi(t, cell("open")),
				FirstResponseMedian: parseFigure(t, cell("first_response_median_min")),
				FirstResponseP90:    parseFigure(t, cell("first_response_p90_min")),
				ResolutionMedian:    parseFigure(t, cell("resolution_median_min")),
				Met:                 atoi(t, cell("first_response_met")), Breached: atoi(t, cell("first_response_breached")),
				SLAMetPct: parseFigure(t, cell("sla_met_pct")),
			}, e)
		}
	})

	t.Run("table", func(t *testing.T) {
		rows := map[string][]string{}
		for line := range strings.Lines(report("table")) {
			f := strings.Fields(line)
			if len(f) >= 11 && (want[f[0]] != nil || f[0] == "TOTAL") {
				rows[f[0]] = f[1:11]
			}
		}
		if len(rows) != len(want)+1 {
			t.Fatalf("the table has rows for %d OPDs and the total, want %d", len(rows), len(want)+1)
		}
		for opd, f := range rows {
			e := want[opd]
			if opd == "TOTAL" {
				e = total
			}
			fm, _ := median(e.firstResponse)
			fp, _ := p90(e.firstResponse)
			rm, _ := median(e.resolution)
			pct, _ := e.metPct()
			wantFields := []string{strconv.Itoa(e.received), strconv.Itoa(e.answered), strconv.Itoa(e.resolved), strconv.Itoa(e.open),
				oneDecimal(fm, len(e.firstResponse) > 0), oneDecimal(fp, len(e.firstResponse) > 0), oneDecimal(rm, len(e.resolution) > 0),
				strconv.Itoa(e.met), strconv.Itoa(e.breached), oneDecimal(pct, e.met+e.breached > 0)}
			for i, w := range wantFields {
				// The percentage may round either way at a tie; allow the
				// last digit to differ by one there only.
				if f[i] != w && (i != 9 || !withinTenth(f[i], pct)) {
					t.Errorf("%s: table column %d = %s, want %s (row %v)", opd, i+2, f[i], w, f)
				}
			}
		}
	})
}

// ticketKey identifies a ticket by its citizen and creation time.
func ticketKey(from string, created time.Time) string {
	return from + "@" + strconv.FormatInt(created.Unix(), 10)
}

// readBackOPDs returns the OPD holding each ticket in the database.
func readBackOPDs(t *testing.T, dbPath string) map[string]string {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	err = db.View(ctx, func(tx sigap.Tx) error {
		all, err := tx.ListTickets(ctx, sigap.TicketFilter{Status: "all"})
		for _, s := range all {
			out[ticketKey(s.Citizen.Address.String(), s.CreatedAt)] = s.OPD
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func compareRow(t *testing.T, name string, got reportRow, e *expectedRow) {
	t.Helper()
	counts := []struct {
		field     string
		got, want int
	}{
		{"received", got.Received, e.received}, {"answered", got.Answered, e.answered},
		{"resolved", got.Resolved, e.resolved}, {"open", got.Open, e.open},
		{"first_response_met", got.Met, e.met}, {"first_response_breached", got.Breached, e.breached},
	}
	for _, c := range counts {
		if c.got != c.want {
			t.Errorf("%s: %s = %d, want %d", name, c.field, c.got, c.want)
		}
	}
	fm, okFM := median(e.firstResponse)
	fp, okFP := p90(e.firstResponse)
	rm, okRM := median(e.resolution)
	pct, okPct := e.metPct()
	figures := []struct {
		field string
		got   *float64
		want  float64
		ok    bool
		tol   float64
	}{
		{"first_response_median_min", got.FirstResponseMedian, fm, okFM, 1e-9},
		{"first_response_p90_min", got.FirstResponseP90, fp, okFP, 1e-9},
		{"resolution_median_min", got.ResolutionMedian, rm, okRM, 1e-9},
		{"sla_met_pct", got.SLAMetPct, pct, okPct, 0.05 + 1e-9}, // to one decimal
	}
	for _, f := range figures {
		switch {
		case !f.ok && f.got != nil:
			t.Errorf("%s: %s = %v, want none", name, f.field, *f.got)
		case f.ok && f.got == nil:
			t.Errorf("%s: %s missing, want %v", name, f.field, f.want)
		case f.ok && math.Abs(*f.got-f.want) > f.tol:
			t.Errorf("%s: %s = %v, want %v", name, f.field, *f.got, f.want)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Errorf("%q is not a count", s)
	}
	return n
}

// parseFigure reads a CSV figure; an empty cell is no value.
func parseFigure(t *testing.T, s string) *float64 {
	t.Helper()
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Errorf("%q is not a number", s)
	}
	return &v
}

// oneDecimal writes v as the table does, to one decimal with a decimal
// comma.
func oneDecimal(v float64, ok bool) string {
	if !ok {
		return "-"
	}
	return strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1)
}

// withinTenth reports whether the table's one-decimal figure s is v
// rounded either way.
func withinTenth(s string, v float64) bool {
	got, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	return err == nil && math.Abs(got-v) <= 0.05+1e-9
}
