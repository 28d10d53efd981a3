package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/pemkab-kebumen/sigap/sla"
)

type overviewView struct {
	From, To, ToInclusive string
	Rows                  []overviewRow
	Total                 overviewRow
	CSV                   string
	Volume                *barChart
	Response              *lineChart
	FAQAnswered           int
	Staff                 []staffRowView
	LowRatings            []lowRatingView
	Channels              []overviewChannel
}

// overviewChannel is where citizens wrote: one channel's questions.
type overviewChannel struct {
	Name                            string
	Received, Answered, FAQAnswered string
}

// overviewRow is one OPD's figures, each with the queue link behind it.
type overviewRow struct {
	OPD, Name                   string
	Received, Answered, Open    string
	Median, P90, MetPct         string
	AllLink, OpenLink, LateLink string
	Breached                    string
	MetClass                    string // ok, soon, late: how the SLA met % reads
	// CSAT is the mean rating and how many rated, "4,3 (12)".
	CSAT      string
	CSATClass string
}

// staffRowView is one staff member's figures, shown by name.
type staffRowView struct {
	Name, FirstResponses, Median, CSAT string
}

// lowRatingView is a ticket rated low, linked.
type lowRatingView struct {
	Code, OPD, Staff string
	Rating           int
}

func (s *Server) overviewRow(f sla.Row, name, from, to string) overviewRow {
	row := overviewRow{
		OPD: f.OPD, Name: name,
		Received: thousands(f.Received), Answered: thousands(f.Answered), Open: thousands(f.Open), Breached: thousands(f.Breached),
		Median: minutesText(f.FirstResponseMedian), P90: minutesText(f.FirstResponseP90), MetPct: percentText(f.SLAMetPct),
		AllLink:  queueLink("all", f.OPD, from, to, false),
		OpenLink: queueLink("open", f.OPD, from, to, false),
		LateLink: queueLink("all", f.OPD, from, to, true),
		CSAT:     csatText(f.CSATAvg, f.CSATCount),
	}
	row.MetClass = grade(f.SLAMetPct, 90, 75)
	row.CSATClass = grade(f.CSATAvg, 4, 3)
	return row
}

// grade is how a figure reads, as a badge's class: ok from good up, soon
// from fair up, late below; "" when there is no figure.
func grade(v *float64, good, fair float64) string {
	switch {
	case v == nil:
		return ""
	case *v >= good:
		return "ok"
	case *v >= fair:
		return "soon"
	}
	return "late"
}

// csatText writes a mean rating and its count: "4,3 (12)"; "—" for none.
func csatText(avg *float64, n int) string {
	if avg == nil {
		return "—"
	}
	return decimal(*avg, 1) + " (" + thousands(n) + ")"
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, a *auth) {
	from, to, at, err := s.reportRange(r)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	rep, err := s.report(r, from, to, at)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	names, err := s.cfg.Desk.StaffNames(r.Context())
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	fromS, toS := from.Format(time.DateOnly), to.Format(time.DateOnly)
	// The download is the report on screen, as at the same moment.
	csv := url.Values{"format": {"csv"}, "from": {fromS}, "to": {toS}}
	if v := r.URL.Query().Get("at"); v != "" {
		csv.Set("at", v)
	}
	v := overviewView{
		From: fromS, To: toS, ToInclusive: to.AddDate(0, 0, -1).Format(time.DateOnly),
		CSV: "/api/reports?" + csv.Encode(),
	}
	if rep.Total.FAQAnswered != nil {
		v.FAQAnswered = *rep.Total.FAQAnswered
	}
	for _, o := range rep.OPDs {
		name := o.Name
		if name == "" {
			name = s.cfg.Desk.OPDName(o.OPD)
		}
		v.Rows = append(v.Rows, s.overviewRow(o, name, fromS, toS))
	}
	v.Total = s.overviewRow(rep.Total, "Semua OPD", fromS, toS)
	for _, st := range rep.Staff {
		v.Staff = append(v.Staff, staffRowView{Name: staffLabel(names, st.Staff), FirstResponses: thousands(st.FirstResponses),
			Median: minutesText(st.FirstResponseMedian), CSAT: csatText(st.CSATAvg, st.CSATCount)})
	}
	for _, t := range rep.LowRatings {
		v.LowRatings = append(v.LowRatings, lowRatingView{Code: t.Code, OPD: t.OPD, Staff: staffLabel(names, t.Staff), Rating: t.Rating})
	}
	for _, c := range rep.Channels {
		v.Channels = append(v.Channels, overviewChannel{Name: channelName(c.Channel),
			Received: thousands(c.Received), Answered: thousands(c.Answered), FAQAnswered: thousands(c.FAQAnswered)})
	}
	v.Volume, v.Response = weeklyCharts(rep.Weeks)
	d := newPage(a, "Ringkasan layanan", "overview")
	d.Body = v
	s.render(w, r, http.StatusOK, "overview", d)
}
