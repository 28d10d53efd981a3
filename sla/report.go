package sla

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Report is how each OPD answered the tickets created in [From, To), as
// seen at At. Times are working minutes on the calendar. The JSON keys of
// Row, From, To, At, OPDs and Total are a published contract.
type Report struct {
	From  string    `json:"from"` // YYYY-MM-DD in the calendar's zone
	To    string    `json:"to"`   // exclusive
	At    time.Time `json:"at"`
	OPDs  []Row     `json:"opds"`
	Total Row       `json:"total"`
	// Beyond the contract.
	Staff    []StaffRow   `json:"staff"`
	TopFAQs  []FAQCount   `json:"top_faqs"`
	Weeks    []WeekRow    `json:"weeks"`
	Channels []ChannelRow `json:"channels"`
	// LowRatings are the tickets citizens rated 1 or 2, to read first.
	LowRatings []RatedTicket `json:"low_ratings"`
}

// LowRating is the highest rating LowRatings list: 1 (sangat kurang) and
// 2 of the 1–5 scale.
const LowRating = 2

// maxLowRatings bounds the list; a month with more has a problem the
// figures already show.
const maxLowRatings = 100

// RatedTicket is a ticket and the citizen's rating of it.
type RatedTicket struct {
	Code   string `json:"code"`
	OPD    string `json:"opd"`
	Staff  string `json:"staff,omitempty"` // who held the ticket
	Rating int    `json:"rating"`
}

// Row holds one OPD's figures, or the total's. Figures that have no value
// — a median of no tickets, a percentage of none — are null in JSON and
// empty in CSV, rather than a misleading 0.
type Row struct {
	OPD                 string   `json:"opd,omitempty"`
	Name                string   `json:"name,omitempty"`
	Received            int      `json:"received"`
	Answered            int      `json:"answered"` // with a staff reply by At
	Resolved            int      `json:"resolved"` // resolved by At
	Open                int      `json:"open"`     // not resolved by At
	FirstResponseMedian *float64 `json:"first_response_median_min"`
	FirstResponseP90    *float64 `json:"first_response_p90_min"`
	ResolutionMedian    *float64 `json:"resolution_median_min"`
	Met                 int      `json:"first_response_met"`
	Breached            int      `json:"first_response_breached"`
	// SLAMetPct is Met / (Met + Breached) × 100 to one decimal; null while
	// no ticket has either met or missed its target.
	SLAMetPct *float64 `json:"sla_met_pct"`
	// Total only: answers the FAQ gave without a human, and their share of
	// all questions, FAQAnswered / (FAQAnswered + Received) × 100.
	FAQAnswered      *int     `json:"faq_answered,omitempty"`
	FAQDeflectionPct *float64 `json:"faq_deflection_pct,omitempty"`
	// Backlog is the open tickets by working age at At.
	Backlog Backlog `json:"backlog"`
	// Undelivered counts the replies to citizens of these tickets that
	// could not be delivered (given up by At, not sent since).
	Undelivered int `json:"undelivered"`
	// CSATCount counts the tickets citizens rated 1–5; CSATAvg is the
	// mean rating to one decimal, null while none was rated.
	CSATCount int      `json:"csat_count"`
	CSATAvg   *float64 `json:"csat_avg"`
}

// Backlog buckets open tickets by age in working days; a working day is
// the calendar's average day (7h30m for Kebumen).
type Backlog struct {
	UnderOneDay   int `json:"under_1_day"`
	OneToThree    int `json:"1_to_3_days"`
	OverThreeDays int `json:"over_3_days"`
}

// StaffRow is one staff member's first responses and the ratings of the
// tickets they held.
type StaffRow struct {
	Staff               string   `json:"staff"`
	FirstResponses      int      `json:"first_responses"`
	FirstResponseMedian *float64 `json:"first_response_median_min"`
	CSATCount           int      `json:"csat_count"`
	CSATAvg             *float64 `json:"csat_avg"`
}

// FAQCount is how often the bot answered with one FAQ.
type FAQCount struct {
	FAQ   string `json:"faq"`
	OPD   string `json:"opd"`
	Count int    `json:"count"`
}

// WeekRow is one ISO week of the range, by ticket creation.
type WeekRow struct {
	Week                string   `json:"week"` // "2024-W14"
	Received            int      `json:"received"`
	Answered            int      `json:"answered"`
	FirstResponseMedian *float64 `json:"first_response_median_min"`
}

// ChannelRow is where citizens wrote: the tickets opened from one
// channel, those a staff member answered by At, and the questions the FAQ
// answered there without a ticket.
type ChannelRow struct {
	Channel     sigap.Channel `json:"channel"`
	Received    int           `json:"received"`
	Answered    int           `json:"answered"`
	FAQAnswered int           `json:"faq_answered"`
}

// tally accumulates one row's figures without keeping the tickets.
type tally struct {
	received, answered, resolved, open, met, breached int
	firstResponse, resolution                         histogram
	backlog                                           Backlog
	csat                                              ratings
}

// ratings sums the citizens' 1–5 ratings.
type ratings struct{ n, sum int }

func (r *ratings) add(rating int) {
	if rating >= 1 && rating <= 5 {
		r.n++
		r.sum += rating
	}
}

// mean is the mean rating to one decimal, nil with none.
func (r ratings) mean() *float64 {
	if r.n == 0 {
		return nil
	}
	v := math.Round(float64(r.sum)*10/float64(r.n)) / 10
	return &v
}

// staffTally is one staff member's first responses and ratings.
type staffTally struct {
	firstResponse histogram
	csat          ratings
}

// BuildReport reads the tickets created in [from, to) and the FAQ answers
// given then, and computes the report as seen at at. Memory depends on
// the number of OPDs, staff and weeks, not on the number of tickets.
func BuildReport(ctx context.Context, src sigap.ReportSource, kb *sigap.KB, cal *Calendar, from, to, at time.Time) (*Report, error) {
	if !to.After(from) {
		return nil, sigap.Errorf(sigap.EINVALID, "report: the end date must be after the start date")
	}
	b := &reportBuilder{kb: kb, cal: cal, at: at, total: &tally{},
		workingDay: time.Duration(cal.weekMinutes) * time.Minute / time.Duration(cal.workingWeekdays()),
		byOPD:      map[string]*tally{}, byStaff: map[string]*staffTally{}, byWeek: map[int]*tally{},
		byChannel: map[sigap.Channel]*ChannelRow{}}
	if err := src.ReportTickets(ctx, from, to, b.add); err != nil {
		return nil, fmt.Errorf("report: tickets: %w", err)
	}
	faqCounts, err := src.FAQAnswerCounts(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: FAQ answers: %w", err)
	}
	faqChannels, err := src.FAQAnswersByChannel(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: FAQ answers by channel: %w", err)
	}
	undelivered, err := src.UndeliveredCounts(ctx, from, to, at)
	if err != nil {
		return nil, fmt.Errorf("report: undelivered replies: %w", err)
	}
	r := b.report(from, to, faqCounts)
	for i := range r.OPDs {
		r.OPDs[i].Undelivered = undelivered[r.OPDs[i].OPD]
		r.Total.Undelivered += r.OPDs[i].Undelivered
	}
	r.Channels = b.channels(faqChannels)
	return r, nil
}

// reportBuilder tallies tickets one at a time.
type reportBuilder struct {
	kb         *sigap.KB
	cal        *Calendar
	at         time.Time
	workingDay time.Duration
	byOPD      map[string]*tally
	total      *tally
	byStaff    map[string]*staffTally
	byWeek     map[int]*tally // keyed by ISO year × 100 + week
	byChannel  map[sigap.Channel]*ChannelRow
	low        []RatedTicket
}

// add counts one ticket in its OPD's tally, the total and its week's.
func (b *reportBuilder) add(t sigap.ReportTicket) error {
	o := tallyOf(b.byOPD, t.OPD)
	y, w := t.CreatedAt.In(b.cal.loc).ISOWeek()
	wk := tallyOf(b.byWeek, y*100+w)
	for _, x := range []*tally{o, b.total, wk} {
		x.received++
	}
	due := t.FirstResponseDue
	if due.IsZero() {
		due = b.cal.Add(t.CreatedAt, b.kb.Policy(t.OPD).FirstResponse)
	}
	answered := !t.FirstResponseAt.IsZero() && !t.FirstResponseAt.After(b.at)
	b.channelRow(t.Channel).Received++
	if answered {
		b.channelRow(t.Channel).Answered++
		d := b.cal.Between(t.CreatedAt, t.FirstResponseAt)
		for _, x := range []*tally{o, b.total, wk} {
			x.answered++
			x.firstResponse.add(d)
		}
		if t.FirstResponder != "" {
			b.staff(t.FirstResponder).firstResponse.add(d)
		}
	}
	b.rating(t, o)
	switch {
	case answered && t.FirstResponseAt.After(due), !answered && b.at.After(due):
		o.breached++
		b.total.breached++
	case answered:
		o.met++
		b.total.met++
	}
	b.resolutionOrBacklog(t, o)
	return nil
}

// staff returns a staff member's tally, making it on first use.
func (b *reportBuilder) staff(username string) *staffTally {
	s := b.byStaff[username]
	if s == nil {
		s = &staffTally{}
		b.byStaff[username] = s
	}
	return s
}

// rating counts a citizen's rating for the OPD, the total and whoever held
// the ticket (its assignee, else who answered first), and keeps a low one
// to link.
func (b *reportBuilder) rating(t sigap.ReportTicket, o *tally) {
	if t.Rating < 1 || t.Rating > 5 {
		return
	}
	o.csat.add(t.Rating)
	b.total.csat.add(t.Rating)
	who := t.Assignee
	if who == "" {
		who = t.FirstResponder
	}
	if who != "" {
		b.staff(who).csat.add(t.Rating)
	}
	if t.Rating <= LowRating && len(b.low) < maxLowRatings {
		b.low = append(b.low, RatedTicket{Code: t.Code, OPD: t.OPD, Staff: who, Rating: t.Rating})
	}
}

// resolutionOrBacklog counts a ticket resolved by at, or else its age in
// the backlog.
func (b *reportBuilder) resolutionOrBacklog(t sigap.ReportTicket, o *tally) {
	if !t.ResolvedAt.IsZero() && !t.ResolvedAt.After(b.at) {
		d := ResolutionTime(b.cal, t.CreatedAt, t.ResolvedAt, t.PausedWork)
		for _, x := range []*tally{o, b.total} {
			x.resolved++
			x.resolution.add(d)
		}
		return
	}
	age := b.cal.Between(t.CreatedAt, b.at)
	for _, x := range []*tally{o, b.total} {
		x.open++
		switch {
		case age < b.workingDay:
			x.backlog.UnderOneDay++
		case age <= 3*b.workingDay:
			x.backlog.OneToThree++
		default:
			x.backlog.OverThreeDays++
		}
	}
}

func (b *reportBuilder) channelRow(ch sigap.Channel) *ChannelRow {
	row := b.byChannel[ch]
	if row == nil {
		row = &ChannelRow{Channel: ch}
		b.byChannel[ch] = row
	}
	return row
}

// channels lists every channel with tickets or FAQ answers, the busiest
// first.
func (b *reportBuilder) channels(faq map[sigap.Channel]int) []ChannelRow {
	for ch, n := range faq {
		b.channelRow(ch).FAQAnswered = n
	}
	out := make([]ChannelRow, 0, len(b.byChannel))
	for _, row := range b.byChannel {
		out = append(out, *row)
	}
	slices.SortFunc(out, func(x, y ChannelRow) int {
		if d := (y.Received + y.FAQAnswered) - (x.Received + x.FAQAnswered); d != 0 {
			return d
		}
		return strings.Compare(string(x.Channel), string(y.Channel))
	})
	return out
}

// tallyOf returns the tally of key, making it on first use.
func tallyOf[K comparable](m map[K]*tally, key K) *tally {
	x := m[key]
	if x == nil {
		x = &tally{}
		m[key] = x
	}
	return x
}

// report turns the tallies into the report.
func (b *reportBuilder) report(from, to time.Time, faqCounts map[string]int) *Report {
	kb, loc := b.kb, b.cal.loc
	r := &Report{
		From: from.In(loc).Format(time.DateOnly),
		To:   to.In(loc).Format(time.DateOnly),
		At:   b.at.In(loc),
		// Empty lists, not null, so JSON consumers can always iterate.
		OPDs: []Row{}, Staff: []StaffRow{}, TopFAQs: []FAQCount{}, Weeks: []WeekRow{},
		LowRatings: append([]RatedTicket{}, b.low...),
	}
	for _, code := range opdOrder(kb, b.byOPD) {
		row := b.byOPD[code].row()
		row.OPD = code
		if o, ok := kb.OPD(code); ok {
			row.Name = o.Name
		}
		r.OPDs = append(r.OPDs, row)
	}
	r.Total = b.total.row()
	faqAnswered := 0
	for id, n := range faqCounts {
		faqAnswered += n
		f, _ := kb.FAQ(id)
		r.TopFAQs = append(r.TopFAQs, FAQCount{FAQ: id, OPD: f.OPD, Count: n})
	}
	slices.SortFunc(r.TopFAQs, func(x, y FAQCount) int {
		if x.Count != y.Count {
			return y.Count - x.Count
		}
		return strings.Compare(x.FAQ, y.FAQ)
	})
	r.TopFAQs = r.TopFAQs[:min(len(r.TopFAQs), 10)]
	r.Total.FAQAnswered = &faqAnswered
	r.Total.FAQDeflectionPct = percent(faqAnswered, faqAnswered+b.total.received)
	for _, name := range sortedKeys(b.byStaff) {
		st := b.byStaff[name]
		h := &st.firstResponse
		median, _, _ := h.quantiles()
		r.Staff = append(r.Staff, StaffRow{Staff: name, FirstResponses: h.n, FirstResponseMedian: minutesOrNil(median, h.n),
			CSATCount: st.csat.n, CSATAvg: st.csat.mean()})
	}
	for _, week := range sortedKeys(b.byWeek) {
		wk := b.byWeek[week]
		median, _, _ := wk.firstResponse.quantiles()
		r.Weeks = append(r.Weeks, WeekRow{Week: fmt.Sprintf("%04d-W%02d", week/100, week%100), Received: wk.received, Answered: wk.answered,
			FirstResponseMedian: minutesOrNil(median, wk.firstResponse.n)})
	}
	return r
}

func (x *tally) row() Row {
	r := Row{
		Received: x.received, Answered: x.answered, Resolved: x.resolved, Open: x.open,
		Met: x.met, Breached: x.breached, SLAMetPct: percent(x.met, x.met+x.breached),
		Backlog: x.backlog, CSATCount: x.csat.n, CSATAvg: x.csat.mean(),
	}
	if median, p90, ok := x.firstResponse.quantiles(); ok {
		r.FirstResponseMedian, r.FirstResponseP90 = round2(median), round2(p90)
	}
	if median, _, ok := x.resolution.quantiles(); ok {
		r.ResolutionMedian = round2(median)
	}
	return r
}

// opdOrder lists the OPDs with tickets in the KB's order, then any no
// longer in the KB, alphabetically.
func opdOrder(kb *sigap.KB, byOPD map[string]*tally) []string {
	var codes []string
	for _, o := range kb.OPDs {
		if byOPD[o.Code] != nil {
			codes = append(codes, o.Code)
		}
	}
	for _, code := range sortedKeys(byOPD) {
		if _, ok := kb.OPD(code); !ok {
			codes = append(codes, code)
		}
	}
	return codes
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// percent returns part/whole × 100 to one decimal, nil when whole is 0.
func percent(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	v := math.Round(float64(part)*1000/float64(whole)) / 10
	return &v
}

// round2 keeps minutes to two decimals: exact for whole and half minutes,
// and below a second of error otherwise.
func round2(v float64) *float64 {
	v = math.Round(v*100) / 100
	return &v
}

func minutesOrNil(v float64, n int) *float64 {
	if n == 0 {
		return nil
	}
	return round2(v)
}

// workingWeekdays counts the weekdays with working hours.
func (c *Calendar) workingWeekdays() int {
	n := 0
	for _, m := range c.dayMinutes {
		if m > 0 {
			n++
		}
	}
	return n
}
