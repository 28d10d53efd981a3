package web

import (
	"net/http"
	"net/url"

	"github.com/pemkab-kebumen/sigap"
)

type queueView struct {
	Rows   []ticketRow
	Status string
	OPD    string
	From   string
	To     string
	Late   bool
	// OPDs fills the OPD filter; empty for agents, who see one queue.
	OPDs     []sigap.OPD
	Statuses []option
	// Filtered says a date or SLA filter narrows the list, as the links of
	// the supervisor overview do.
	Filtered bool
}

type option struct{ Value, Label string }

var statusOptions = []option{{"open", "Belum selesai"}, {"resolved", "Selesai"}, {"all", "Semua"}}

// queuePage lists the tickets a staff member may see. Besides status and
// OPD it takes from/to (creation dates) and late=1 (first-response target
// breached), so every figure of the overview can link to its tickets.
func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, a *auth) {
	f, err := s.queueFilter(r)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	q := r.URL.Query()
	v := queueView{Status: f.Status, OPD: q.Get("opd"), From: q.Get("from"), To: q.Get("to"), Late: q.Get("late") == "1", Statuses: statusOptions}
	loc := s.cfg.Calendar.Location()
	from, err := queryDate(r, "from", loc)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	to, err := queryDate(r, "to", loc)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	v.Filtered = v.From != "" || v.To != "" || v.Late
	list, err := s.tickets(r, a, f)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	now := s.cfg.Now()
	for _, ts := range list {
		if (!from.IsZero() && ts.CreatedAt.Before(from)) || (!to.IsZero() && !ts.CreatedAt.Before(to)) || (v.Late && !late(ts.Ticket, now)) {
			continue
		}
		v.Rows = append(v.Rows, s.ticketRow(ts, now))
	}
	if a.staff.Role != sigap.RoleAgent {
		v.OPDs = s.cfg.KB.Get().OPDs
	}
	title := "Antrean"
	if a.staff.Role == sigap.RoleAgent {
		title = "Antrean " + s.cfg.Desk.OPDName(a.staff.OPD)
	}
	d := newPage(a, title, "queue")
	d.Flash = flashText(r.URL.Query().Get("ok"))
	d.Body = v
	s.render(w, r, http.StatusOK, "queue", d)
}

// queueLink is the queue URL behind a figure of the overview.
func queueLink(status, opd, from, to string, lateOnly bool) string {
	q := url.Values{"status": {status}, "from": {from}, "to": {to}}
	if opd != "" {
		q.Set("opd", opd)
	}
	if lateOnly {
		q.Set("late", "1")
	}
	return "/queue?" + q.Encode()
}

// flashText is the confirmation shown after a form redirected back.
func flashText(ok string) string {
	switch ok {
	case "reply":
		return "Balasan terkirim ke warga."
	case "note":
		return "Catatan internal disimpan."
	case "transfer":
		return "Tiket dialihkan."
	case "claim":
		return "Tiket Anda ambil."
	case "resolve":
		return "Tiket diselesaikan. Warga diminta memberi penilaian."
	case "reopen":
		return "Tiket dibuka kembali."
	case "saved":
		return "Perubahan disimpan."
	case "resend":
		return "Balasan dimasukkan lagi ke antrean pengiriman."
	}
	return ""
}
