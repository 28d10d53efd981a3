package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
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
	Channels              []overviewChannel
}

// overviewChannel is where citizens wrote: one channel's questions.
type overviewChannel struct {
	Name                            string
	Received, Answered, FAQAnswered int
}

// overviewRow is one OPD's figures, each with the queue link behind it.
type overviewRow struct {
	OPD, Name                   string
	Received, Answered, Open    int
	Median, P90, MetPct         string
	AllLink, OpenLink, LateLink string
	Breached                    int
	MetClass                    string // ok, soon, late: how the SLA met % reads
}

func minutes(v *float64) string {
	if v == nil {
		return "—"
	}
	m := *v
	if m >= 60 {
		return fmt.Sprintf("%d j %02d m", int(m)/60, int(math.Round(m))%60)
	}
	return fmt.Sprintf("%s m", strconv.FormatFloat(math.Round(m*10)/10, 'f', -1, 64))
}

func (s *Server) overviewRow(f sla.Row, name, from, to string) overviewRow {
	row := overviewRow{
		OPD: f.OPD, Name: name,
		Received: f.Received, Answered: f.Answered, Open: f.Open, Breached: f.Breached,
		Median: minutes(f.FirstResponseMedian), P90: minutes(f.FirstResponseP90), MetPct: "—",
		AllLink:  queueLink("all", f.OPD, from, to, false),
		OpenLink: queueLink("open", f.OPD, from, to, false),
		LateLink: queueLink("all", f.OPD, from, to, true),
	}
	if f.SLAMetPct != nil {
		row.MetPct = strconv.FormatFloat(*f.SLAMetPct, 'f', 1, 64) + "%"
		switch {
		case *f.SLAMetPct >= 90:
			row.MetClass = "ok"
		case *f.SLAMetPct >= 75:
			row.MetClass = "soon"
		default:
			row.MetClass = "late"
		}
	}
	return row
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
	for _, c := range rep.Channels {
		v.Channels = append(v.Channels, overviewChannel{Name: channelName(c.Channel),
			Received: c.Received, Answered: c.Answered, FAQAnswered: c.FAQAnswered})
	}
	v.Volume, v.Response = weeklyCharts(rep.Weeks)
	d := newPage(a, "Ringkasan layanan", "overview")
	d.Body = v
	s.render(w, r, http.StatusOK, "overview", d)
}
