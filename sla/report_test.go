package sla_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/sla"
)

// tickets is a ReportSource over a slice: test data, filtered like the store.
type tickets struct {
	list        []sigap.ReportTicket
	faqs        map[string]int
	faqChannels map[sigap.Channel]int
	undelivered map[string]int
}

func (s *tickets) ReportTickets(ctx context.Context, from, to time.Time, fn func(sigap.ReportTicket) error) error {
	for _, t := range s.list {
		if !t.CreatedAt.Before(from) && t.CreatedAt.Before(to) {
			if err := fn(t); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *tickets) FAQAnswerCounts(ctx context.Context, from, to time.Time) (map[string]int, error) {
	return s.faqs, nil
}

func (s *tickets) FAQAnswersByChannel(ctx context.Context, from, to time.Time) (map[sigap.Channel]int, error) {
	return s.faqChannels, nil
}

func (s *tickets) UndeliveredCounts(ctx context.Context, from, to, at time.Time) (map[string]int, error) {
	return s.undelivered, nil
}

var reportKB = &sigap.KB{
	Prefix: "KBM", TriageOPD: "DPUPR",
	SLA: sigap.SLAPolicy{FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour},
	OPDs: []sigap.OPD{
		{Code: "DPUPR", Name: "Dinas Pekerjaan Umum dan Penataan Ruang"},
		{Code: "BPBD", Name: "Badan Penanggulangan Bencana Daerah",
			SLA: sigap.SLAPolicy{FirstResponse: time.Hour, Resolution: 8 * time.Hour}},
	},
	FAQs: []sigap.FAQ{{ID: "jalan-rusak", OPD: "DPUPR"}, {ID: "bencana", OPD: "BPBD"}},
}

// reportFixture is a week of March 2024 (Monday 4th to Wednesday 6th),
// reported at Wednesday 10:00. The comments give the working minutes.
func reportFixture(t *testing.T) *tickets {
	tk := func(opd, created, due, first, who, resolved string, paused time.Duration) sigap.ReportTicket {
		r := sigap.ReportTicket{OPD: opd, CreatedAt: at(t, created), FirstResponder: who, PausedWork: paused}
		if due != "" {
			r.FirstResponseDue = at(t, due)
		}
		if first != "" {
			r.FirstResponseAt = at(t, first)
		}
		if resolved != "" {
			r.ResolvedAt = at(t, resolved)
		}
		return r
	}
	rated := func(r sigap.ReportTicket, code, assignee string, rating int) sigap.ReportTicket {
		r.Code, r.Assignee, r.Rating = code, assignee, rating
		return r
	}
	return &tickets{
		faqs:        map[string]int{"jalan-rusak": 3, "bencana": 1},
		undelivered: map[string]int{"BPBD": 2},
		list: []sigap.ReportTicket{
			// T1: first response 60, met; resolved after 480 + 30 = 510;
			// held by budi, rated 5.
			rated(tk("DPUPR", "2024-03-04 08:00", "2024-03-04 12:00", "2024-03-04 09:00", "budi", "2024-03-05 08:00", 0), "KBM-T1", "budi", 5),
			// T2: 180, met (due 13:00); open.
			tk("DPUPR", "2024-03-04 09:00", "2024-03-04 13:00", "2024-03-04 12:00", "budi", "", 0),
			// T3: 360 + 150 = 510, answered after its 14:00 due: breached;
			// resolved after 360 + 510 - 30 paused = 840; rated 2, low.
			rated(tk("DPUPR", "2024-03-04 10:00", "2024-03-04 14:00", "2024-03-05 10:00", "sari", "2024-03-06 07:30", 30*time.Minute), "KBM-T3", "sari", 2),
			// T4: created on Saturday, the clock starts Monday 07:30: 60;
			// no stored due, so 4h from Saturday gives Monday 11:30: met.
			tk("DPUPR", "2024-03-02 10:00", "", "2024-03-04 08:30", "budi", "", 0),
			// T5: unanswered, due Wednesday 08:00 (30 + 30): breached at 10:00.
			tk("BPBD", "2024-03-05 15:30", "2024-03-06 08:00", "", "", "", 0),
			// T6: unanswered, due 10:30, not yet passed: neither met nor breached.
			tk("BPBD", "2024-03-06 09:30", "2024-03-06 10:30", "", "", "", 0),
			// T7: 45, met; resolved after 120; rated 4, held by nobody, so
			// by andi, who answered.
			rated(tk("BPBD", "2024-03-04 13:00", "2024-03-04 14:00", "2024-03-04 13:45", "andi", "2024-03-04 15:00", 0), "KBM-T7", "", 4),
			// T8: answered at 11:00, after the report's moment: still
			// unanswered at 10:00 with its 09:00 due passed: breached.
			tk("BPBD", "2024-03-06 08:00", "2024-03-06 09:00", "2024-03-06 11:00", "andi", "", 0),
		},
	}
}

func f(v float64) *float64 { return &v }

func TestBuildReport(t *testing.T) {
	cal := calendar(t, lebaran2024)
	from, to, now := at(t, "2024-03-01 00:00"), at(t, "2024-04-01 00:00"), at(t, "2024-03-06 10:00")
	r, err := sla.BuildReport(context.Background(), reportFixture(t), reportKB, cal, from, to, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.From != "2024-03-01" || r.To != "2024-04-01" || !r.At.Equal(now) {
		t.Errorf("from, to, at = %s, %s, %s", r.From, r.To, r.At)
	}
	faq := 4
	want := []sla.Row{
		{OPD: "DPUPR", Name: "Dinas Pekerjaan Umum dan Penataan Ruang",
			Received: 4, Answered: 4, Resolved: 2, Open: 2,
			// 60 60 180 510: median (60+180)/2, p90 the ceil(3.6) = 4th.
			FirstResponseMedian: f(120), FirstResponseP90: f(510), ResolutionMedian: f(675),
			Met: 3, Breached: 1, SLAMetPct: f(75),
			// T2 is 420 + 510 + 150 = 1080 old, T4 510 + 510 + 150 = 1170;
			// a working day is (4×510 + 210) / 5 = 450.
			Backlog: sla.Backlog{OneToThree: 2}, CSATCount: 2, CSATAvg: f(3.5)},
		{OPD: "BPBD", Name: "Badan Penanggulangan Bencana Daerah",
			Received: 4, Answered: 1, Resolved: 1, Open: 3,
			FirstResponseMedian: f(45), FirstResponseP90: f(45), ResolutionMedian: f(120),
			Met: 1, Breached: 2, SLAMetPct: f(33.3),
			Backlog: sla.Backlog{UnderOneDay: 3}, Undelivered: 2, CSATCount: 1, CSATAvg: f(4)},
	}
	total := sla.Row{
		Received: 8, Answered: 5, Resolved: 3, Open: 5,
		// 45 60 60 180 510: median the 3rd, p90 the ceil(4.5) = 5th.
		FirstResponseMedian: f(60), FirstResponseP90: f(510), ResolutionMedian: f(510),
		Met: 4, Breached: 3, SLAMetPct: f(57.1),
		FAQAnswered: &faq, FAQDeflectionPct: f(33.3), // 4 / (4 + 8)
		Backlog: sla.Backlog{UnderOneDay: 3, OneToThree: 2}, Undelivered: 2,
		CSATCount: 3, CSATAvg: f(3.7), // 11 / 3
	}
	if len(r.OPDs) != len(want) {
		t.Fatalf("%d OPD rows, want %d", len(r.OPDs), len(want))
	}
	for i := range want {
		if got := rowJSON(t, r.OPDs[i]); got != rowJSON(t, want[i]) {
			t.Errorf("row %d:\n got %s\nwant %s", i, got, rowJSON(t, want[i]))
		}
	}
	if got := rowJSON(t, r.Total); got != rowJSON(t, total) {
		t.Errorf("total:\n got %s\nwant %s", got, rowJSON(t, total))
	}

	wantStaff := []sla.StaffRow{
		{Staff: "andi", FirstResponses: 1, FirstResponseMedian: f(45), CSATCount: 1, CSATAvg: f(4)},
		{Staff: "budi", FirstResponses: 3, FirstResponseMedian: f(60), CSATCount: 1, CSATAvg: f(5)},
		{Staff: "sari", FirstResponses: 1, FirstResponseMedian: f(510), CSATCount: 1, CSATAvg: f(2)},
	}
	if got, want := toJSON(t, r.Staff), toJSON(t, wantStaff); got != want {
		t.Errorf("staff:\n got %s\nwant %s", got, want)
	}
	wantLow := []sla.RatedTicket{{Code: "KBM-T3", OPD: "DPUPR", Staff: "sari", Rating: 2}}
	if got, want := toJSON(t, r.LowRatings), toJSON(t, wantLow); got != want {
		t.Errorf("low ratings:\n got %s\nwant %s", got, want)
	}
	wantFAQs := []sla.FAQCount{{FAQ: "jalan-rusak", OPD: "DPUPR", Count: 3}, {FAQ: "bencana", OPD: "BPBD", Count: 1}}
	if got, want := toJSON(t, r.TopFAQs), toJSON(t, wantFAQs); got != want {
		t.Errorf("top FAQs:\n got %s\nwant %s", got, want)
	}
	// T4 was created on Saturday 2 March, in ISO week 9.
	wantWeeks := []sla.WeekRow{
		{Week: "2024-W09", Received: 1, Answered: 1, FirstResponseMedian: f(60)},
		{Week: "2024-W10", Received: 7, Answered: 4, FirstResponseMedian: f(120)},
	}
	if got, want := toJSON(t, r.Weeks), toJSON(t, wantWeeks); got != want {
		t.Errorf("weeks:\n got %s\nwant %s", got, want)
	}
}

func TestBuildReportEmpty(t *testing.T) {
	cal := calendar(t, lebaran2024)
	r, err := sla.BuildReport(context.Background(), &tickets{}, reportKB, cal,
		at(t, "2024-03-01 00:00"), at(t, "2024-04-01 00:00"), at(t, "2024-04-01 00:00"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		OPDs  []any          `json:"opds"`
		Total map[string]any `json:"total"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.OPDs) != 0 {
		t.Errorf("opds = %v, want none", got.OPDs)
	}
	for _, key := range []string{"sla_met_pct", "first_response_median_min", "first_response_p90_min", "resolution_median_min"} {
		if v, ok := got.Total[key]; !ok || v != nil {
			t.Errorf("total.%s = %v (present %v), want null", key, v, ok)
		}
	}
	if got.Total["faq_answered"] != 0.0 || got.Total["received"] != 0.0 {
		t.Errorf("total = %v, want zero counts", got.Total)
	}
	if _, err := sla.BuildReport(context.Background(), &tickets{}, reportKB, cal,
		at(t, "2024-04-01 00:00"), at(t, "2024-03-01 00:00"), at(t, "2024-04-01 00:00")); sigap.ErrorCode(err) != sigap.EINVALID {
		t.Errorf("to before from: %v, want EINVALID", err)
	}
}

// The contract's JSON keys, exactly.
func TestReportJSONKeys(t *testing.T) {
	r := buildFixtureReport(t)
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		From, To, At string
		OPDs         []map[string]any `json:"opds"`
		Total        map[string]any   `json:"total"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.From != "2024-03-01" || got.To != "2024-04-01" || got.At != "2024-03-06T10:00:00+07:00" {
		t.Errorf("from, to, at = %q, %q, %q", got.From, got.To, got.At)
	}
	keys := []string{"received", "answered", "resolved", "open", "first_response_median_min",
		"first_response_p90_min", "resolution_median_min", "first_response_met",
		"first_response_breached", "sla_met_pct", "undelivered", "csat_count", "csat_avg"}
	for _, k := range append(keys, "opd") {
		if _, ok := got.OPDs[0][k]; !ok {
			t.Errorf("opds[0] lacks %q", k)
		}
	}
	for _, k := range append(keys, "faq_answered") {
		if _, ok := got.Total[k]; !ok {
			t.Errorf("total lacks %q", k)
		}
	}
	if got.OPDs[0]["opd"] != "DPUPR" || got.OPDs[0]["first_response_median_min"] != 120.0 || got.Total["faq_answered"] != 4.0 {
		t.Errorf("opds[0] = %v, total = %v", got.OPDs[0], got.Total)
	}
}

func TestReportCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := buildFixtureReport(t).WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"opd", "name", "received", "answered", "resolved", "open", "first_response_median_min", "first_response_p90_min",
			"resolution_median_min", "first_response_met", "first_response_breached", "sla_met_pct", "faq_answered",
			"csat_count", "csat_avg", "undelivered"},
		{"DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "4", "4", "2", "2", "120", "510", "675", "3", "1", "75", "", "2", "3.5", "0"},
		{"BPBD", "Badan Penanggulangan Bencana Daerah", "4", "1", "1", "3", "45", "45", "120", "1", "2", "33.3", "", "1", "4", "2"},
		{"TOTAL", "", "8", "5", "3", "5", "60", "510", "510", "4", "3", "57.1", "4", "3", "3.7", "2"},
	}
	if toJSON(t, rows) != toJSON(t, want) {
		t.Errorf("CSV:\n got %v\nwant %v", rows, want)
	}
}

func TestReportTable(t *testing.T) {
	var buf bytes.Buffer
	if err := buildFixtureReport(t).WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// People read the table: decimal commas, weeks by their Indonesian
	// name, the low ratings to look into.
	for _, want := range []string{"Badan Penanggulangan Bencana Daerah", "TOTAL", "Dijawab FAQ tanpa petugas: 4 (33,3%",
		"Minggu 10 (2024)", "budi", "57,1", "Nilai rendah", "KBM-T3"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Columns are aligned: both OPD names start in the same column.
	var dpupr, bpbd int
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "DPUPR ") {
			dpupr = strings.Index(line, "Dinas Pekerjaan")
		}
		if strings.HasPrefix(line, "BPBD ") {
			bpbd = strings.Index(line, "Badan Penanggulangan")
		}
	}
	if dpupr <= 0 || dpupr != bpbd {
		t.Errorf("OPD names start at columns %d and %d:\n%s", dpupr, bpbd, out)
	}
}

func buildFixtureReport(t *testing.T) *sla.Report {
	t.Helper()
	r, err := sla.BuildReport(context.Background(), reportFixture(t), reportKB, calendar(t, lebaran2024),
		at(t, "2024-03-01 00:00"), at(t, "2024-04-01 00:00"), at(t, "2024-03-06 10:00"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func rowJSON(t *testing.T, r sla.Row) string { return toJSON(t, r) }

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// generated is a ReportSource of n tickets spread over [start, end),
// made up on the fly so that the benchmark measures the report, not a
// slice of a million tickets.
type generated struct {
	n          int
	start, end time.Time
	opds       []string
}

func (g *generated) ReportTickets(ctx context.Context, from, to time.Time, fn func(sigap.ReportTicket) error) error {
	rng := rand.New(rand.NewPCG(7, 11))
	span := int64(g.end.Sub(g.start))
	for i := range g.n {
		created := g.start.Add(time.Duration(rng.Int64N(span)))
		t := sigap.ReportTicket{
			OPD:              g.opds[i%len(g.opds)],
			CreatedAt:        created,
			FirstResponseDue: created.Add(6 * time.Hour),
		}
		if rng.IntN(100) < 85 {
			t.FirstResponseAt = created.Add(time.Duration(rng.Int64N(int64(48 * time.Hour))))
			t.FirstResponder = staffNames[rng.IntN(len(staffNames))]
			if rng.IntN(100) < 80 {
				t.ResolvedAt = t.FirstResponseAt.Add(time.Duration(rng.Int64N(int64(96 * time.Hour))))
			}
		}
		if created.Before(from) || !created.Before(to) {
			continue // the store's WHERE clause
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
}

func (g *generated) FAQAnswerCounts(ctx context.Context, from, to time.Time) (map[string]int, error) {
	return map[string]int{"jalan-rusak": 1000}, nil
}

func (g *generated) FAQAnswersByChannel(ctx context.Context, from, to time.Time) (map[sigap.Channel]int, error) {
	return map[sigap.Channel]int{sigap.WhatsApp: 1000}, nil
}

func (g *generated) UndeliveredCounts(ctx context.Context, from, to, at time.Time) (map[string]int, error) {
	return nil, nil
}

var staffNames = []string{"andi", "budi", "citra", "dewi", "eko", "fajar", "gita", "hadi", "indah", "joko"}

// BenchmarkBuildReport1M reports one month out of a million tickets over
// four months (about 250,000 of them in the month).
func BenchmarkBuildReport1M(b *testing.B) {
	cal := kebumenCalendar(b)
	loc := cal.Location()
	src := &generated{
		n:     1_000_000,
		start: time.Date(2025, 1, 1, 0, 0, 0, 0, loc),
		end:   time.Date(2025, 5, 1, 0, 0, 0, 0, loc),
		opds:  []string{"DPUPR", "BPBD", "DINKES", "DISDUKCAPIL", "DINSOS", "DISKOMINFO"},
	}
	now := time.Date(2025, 5, 1, 0, 0, 0, 0, loc)
	run := func(b *testing.B, from, to time.Time) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sla.BuildReport(context.Background(), src, reportKB, cal, from, to, now); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("one month of four", func(b *testing.B) {
		run(b, time.Date(2025, 3, 1, 0, 0, 0, 0, loc), time.Date(2025, 4, 1, 0, 0, 0, 0, loc))
	})
	// The heaviest case: every one of the million tickets is in the range.
	b.Run("all four months", func(b *testing.B) { run(b, src.start, src.end) })
}

// TestBuildReportByChannel: tickets received and answered, and FAQ
// answers, per channel the citizens wrote on, the busiest first.
func TestBuildReportByChannel(t *testing.T) {
	cal := calendar(t, lebaran2024)
	tk := func(ch sigap.Channel, created, first string) sigap.ReportTicket {
		r := sigap.ReportTicket{OPD: "DPUPR", Channel: ch, CreatedAt: at(t, created)}
		if first != "" {
			r.FirstResponseAt, r.FirstResponder = at(t, first), "andi"
		}
		return r
	}
	src := &tickets{
		list: []sigap.ReportTicket{
			tk(sigap.Instagram, "2024-03-04 08:00", "2024-03-04 09:00"),
			tk(sigap.Instagram, "2024-03-04 10:00", ""),
			tk(sigap.Instagram, "2024-03-05 08:00", "2024-03-06 11:00"), // answered after the report's moment
			tk(sigap.WhatsApp, "2024-03-04 08:30", "2024-03-04 08:45"),
		},
		faqChannels: map[sigap.Channel]int{sigap.Instagram: 3, sigap.Telegram: 1},
	}
	r, err := sla.BuildReport(context.Background(), src, reportKB, cal,
		at(t, "2024-03-01 00:00"), at(t, "2024-04-01 00:00"), at(t, "2024-03-06 10:00"))
	if err != nil {
		t.Fatal(err)
	}
	want := []sla.ChannelRow{
		{Channel: sigap.Instagram, Received: 3, Answered: 1, FAQAnswered: 3},
		{Channel: sigap.Telegram, FAQAnswered: 1},
		{Channel: sigap.WhatsApp, Received: 1, Answered: 1},
	}
	if got, want := toJSON(t, r.Channels), toJSON(t, want); got != want {
		t.Errorf("channels:\n got %s\nwant %s", got, want)
	}
	var table bytes.Buffer
	if err := r.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "Kanal") || !strings.Contains(table.String(), "ig ") {
		t.Errorf("the table has no channel section:\n%s", table.String())
	}
	empty, err := sla.BuildReport(context.Background(), &tickets{}, reportKB, cal,
		at(t, "2024-03-01 00:00"), at(t, "2024-04-01 00:00"), at(t, "2024-04-01 00:00"))
	if err != nil {
		t.Fatal(err)
	}
	if got := toJSON(t, empty.Channels); got != "[]" {
		t.Errorf("no tickets: channels %s, want []", got)
	}
}
