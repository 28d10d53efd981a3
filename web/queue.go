package web

import (
	"cmp"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

type queueView struct {
	Rows []ticketRow
	// The filter as the form shows it.
	Status, OPD, Query, Assignee, SLA, Channel, From, To string
	Late                                                 bool
	// OPDs fills the OPD filter; empty for agents, who see one queue.
	OPDs      []sigap.OPD
	Statuses  []option
	Assignees []option
	SLAs      []option
	Channels  []option
	// Filtered says something beyond the status narrows the list.
	Filtered bool
	// The page: which rows of how many, and the links around it.
	First, Last, Total            string
	NextLink, PrevLink, FirstLink string
	// Live is the event stream of this list's rows; LastPage tells the
	// page's script that a row sorting after the last belongs here too.
	Live     string
	LastPage bool
}

type option struct{ Value, Label string }

var (
	statusOptions  = []option{{"open", "Belum selesai"}, {"resolved", "Selesai"}, {"all", "Semua"}}
	slaOptions     = []option{{"", "Semua SLA"}, {"late", "Terlambat"}, {"soon", "Segera jatuh tempo"}, {"ok", "Tepat waktu"}, {"done", "Sudah dijawab"}}
	channelOptions = func() []option {
		out := []option{{"", "Semua kanal"}}
		for _, c := range []sigap.Channel{sigap.WhatsApp, sigap.Telegram, sigap.Web, sigap.Facebook, sigap.Instagram} {
			out = append(out, option{string(c), c.Name()})
		}
		return out
	}()
)

// queuePage lists a page of the tickets a staff member may see, searched
// and filtered as /api/tickets is (see queueFilter): every figure of the
// overview links here with its filter.
func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, a *auth) {
	f, err := s.queueFilter(r, a)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	ctx := r.Context()
	list, err := s.cfg.Desk.Tickets(ctx, a.staff, f)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	staff, err := s.cfg.Staff.List(ctx)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	names := namesOf(staff)
	q := r.URL.Query()
	v := queueView{Status: f.Status, OPD: q.Get("opd"), Query: f.Query, Assignee: q.Get("assignee"),
		SLA: q.Get("sla"), Channel: q.Get("channel"), From: q.Get("from"), To: q.Get("to"), Late: f.FirstResponseLate,
		Statuses: statusOptions, SLAs: slaOptions, Channels: channelOptions, Total: thousands(list.Total),
		LastPage: list.Next == nil}
	v.Filtered = v.Query != "" || v.Assignee != "" || v.SLA != "" || v.Channel != "" || v.From != "" || v.To != "" || v.Late
	now := s.cfg.Now()
	for _, ts := range list.Tickets {
		v.Rows = append(v.Rows, s.ticketRow(ts, names, now))
	}
	v.pageLinks(q, list.Next, len(list.Tickets), cmp.Or(f.Limit, desk.DefaultPage))
	if a.staff.Role != sigap.RoleAgent {
		v.OPDs = s.cfg.KB.Get().OPDs
	}
	v.Assignees = assigneeOptions(a, staff, names)
	title := "Antrean"
	if a.staff.Role == sigap.RoleAgent {
		title = "Antrean " + s.cfg.Desk.OPDName(a.staff.OPD)
	}
	d := newPage(a, title, "queue")
	d.Flash = flashText(q.Get("ok"))
	d.Body = v
	s.render(w, r, http.StatusOK, "queue", d)
}

// pageLinks fills the rows shown, the links to the first, previous and
// next pages, and the stream of live rows, which watches the same filter.
// Pages follow one another by a cursor (after); a link carries the
// cursors of the pages before it (back, at most maxBack), so that
// "Sebelumnya" goes back one page without a cursor that runs backwards.
func (v *queueView) pageLinks(q url.Values, next *sigap.Cursor, rows, pageSize int) {
	after := q.Get("after")
	first, back := 0, []string(nil)
	if after != "" {
		first, _ = strconv.Atoi(q.Get("from_row"))
		back = pageTrail(q.Get("back"))
	}
	if rows > 0 {
		v.First, v.Last = thousands(first+1), thousands(first+rows)
	}
	filter := url.Values{}
	for k, vs := range q {
		if k != "after" && k != "from_row" && k != "back" && k != "ok" {
			filter[k] = vs
		}
	}
	link := func(after string, fromRow int, back []string) string {
		nq := maps.Clone(filter)
		if after != "" {
			nq.Set("after", after)
			nq.Set("from_row", strconv.Itoa(max(0, fromRow)))
			if len(back) > 0 {
				nq.Set("back", strings.Join(back, " "))
			}
		}
		return "/queue?" + nq.Encode()
	}
	if after != "" {
		v.FirstLink = link("", 0, nil)
		if len(back) > 0 { // else the previous page is the first
			v.PrevLink = link(back[len(back)-1], first-pageSize, back[:len(back)-1])
		}
	}
	if next != nil {
		trail := back
		if after != "" {
			trail = append(slices.Clone(back), after)
		}
		if len(trail) > maxBack {
			trail = trail[len(trail)-maxBack:]
		}
		v.NextLink = link(next.String(), first+rows, trail)
	}
	live := maps.Clone(filter)
	live.Set("rows", "1")
	v.Live = "/events?" + live.Encode()
}

// maxBack is how many earlier pages a link remembers; from deeper,
// "Sebelumnya" comes back to the first page in the end.
const maxBack = 20

// pageTrail reads the cursors of a back parameter, dropping any that is
// not one (a hand-edited link).
func pageTrail(s string) []string {
	var out []string
	for _, c := range strings.Fields(s) {
		if _, err := sigap.ParseCursor(c); err == nil {
			out = append(out, c)
		}
	}
	return out[max(0, len(out)-maxBack):]
}

// assigneeOptions fills the assignee filter: anyone, the viewer, nobody,
// and each colleague of staff who may work the viewer's tickets, by name.
func assigneeOptions(a *auth, staff []sigap.Staff, names map[string]string) []option {
	out := []option{{"", "Semua petugas"}, {"me", "Saya"}, {"none", "Belum ditangani"}}
	for _, st := range staff {
		if st.Disabled || st.Username == a.staff.Username || (a.staff.Role == sigap.RoleAgent && !st.CanSee(a.staff.OPD)) {
			continue
		}
		out = append(out, option{st.Username, staffLabel(names, st.Username)})
	}
	return out
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
		return "Tiket sudah Anda ambil."
	case "assign":
		return "Tiket diberikan kepada rekan; ia diberi tahu lewat Telegram bila akunnya tertaut."
	case "unassign":
		return "Tiket dilepas ke antrean OPD."
	case "merge":
		return "Tiket digabung. Balasan berikutnya sampai ke setiap warga pelapor."
	case "merged":
		return "Tiket yang Anda buka sudah digabung ke tiket ini."
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
