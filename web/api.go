package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/sla"
)

// ticketJSON is a ticket in the API. The first fields are the published
// contract; the rest are extras for integrations.
type ticketJSON struct {
	Code        string      `json:"code"`
	OPD         string      `json:"opd"`
	Status      string      `json:"status"`
	CreatedAt   string      `json:"created_at"`
	DueAt       string      `json:"due_at"`
	Citizen     citizenJSON `json:"citizen"`
	LastMessage string      `json:"last_message"`

	Subject          string `json:"subject"`
	Assignee         string `json:"assignee,omitempty"`
	AssigneeName     string `json:"assignee_name,omitempty"`
	LastAuthor       string `json:"last_author,omitempty"` // citizen or staff
	SLA              string `json:"sla"`                   // ok, soon, late, done
	FirstResponseDue string `json:"first_response_due"`
	ResolutionDue    string `json:"resolution_due"`
	FirstResponseAt  string `json:"first_response_at,omitempty"`
	ResolvedAt       string `json:"resolved_at,omitempty"`
	Rating           int    `json:"rating,omitempty"`
	// Merged counts the tickets merged into this one.
	Merged int `json:"merged,omitempty"`
}

type citizenJSON struct {
	Name    string `json:"name"`
	Channel string `json:"channel"`
	// Phone is masked in lists and full on a ticket the caller works.
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
}

type messageJSON struct {
	Author   string  `json:"author"`
	Staff    string  `json:"staff,omitempty"`
	Citizen  string  `json:"citizen,omitempty"` // whose ticket, when several were merged
	Kind     string  `json:"kind"`
	Text     string  `json:"text"`
	MediaURL string  `json:"media_url,omitempty"`
	Lat      float64 `json:"lat,omitempty"`
	Lon      float64 `json:"lon,omitempty"`
	At       string  `json:"at"`
}

type auditJSON struct {
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Detail string `json:"detail,omitempty"`
}

// mergedJSON is a ticket merged into another.
type mergedJSON struct {
	Code    string      `json:"code"`
	Citizen citizenJSON `json:"citizen"`
}

// ticketDetailJSON is a ticket with its whole thread.
type ticketDetailJSON struct {
	ticketJSON
	OPDName    string        `json:"opd_name"`
	MergedInto string        `json:"merged_into,omitempty"`
	Tickets    []mergedJSON  `json:"merged_tickets,omitempty"`
	Messages   []messageJSON `json:"messages"`
	Audit      []auditJSON   `json:"audit"`
	// Undelivered are the replies the citizen did not get, for
	// POST /api/tickets/{code}/outbox/{id}/retry.
	Undelivered []undeliveredJSON `json:"undelivered"`
}

// ticketListJSON is a page of a list.
type ticketListJSON struct {
	Tickets []ticketJSON `json:"tickets"`
	Total   int          `json:"total"`
	// Next is the after= value of the next page; absent on the last.
	Next string `json:"next,omitempty"`
}

// rfc3339 writes a time in the calendar's zone, as staff read it.
func (s *Server) rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.cfg.Calendar.Location()).Format(time.RFC3339)
}

func (s *Server) ticketJSON(ts sigap.TicketSummary, names map[string]string, now time.Time) ticketJSON {
	t, c := ts.Ticket, ts.Citizen
	return ticketJSON{
		Code:             t.Code,
		OPD:              t.OPD,
		Status:           string(t.Status),
		CreatedAt:        s.rfc3339(t.CreatedAt),
		DueAt:            s.rfc3339(t.NextDue()),
		Citizen:          citizenJSON{Name: c.Name, Channel: string(c.Address.Channel), Phone: maskPhone(c.Phone)},
		LastMessage:      ts.LastMessage,
		LastAuthor:       string(ts.LastAuthor),
		Subject:          t.Subject,
		Assignee:         t.Assignee,
		AssigneeName:     names[t.Assignee],
		SLA:              s.slaBadge(t, now).Class,
		FirstResponseDue: s.rfc3339(t.FirstResponseDue),
		ResolutionDue:    s.rfc3339(t.ResolutionDue),
		FirstResponseAt:  s.rfc3339(t.FirstResponseAt),
		ResolvedAt:       s.rfc3339(t.ResolvedAt),
		Rating:           t.Rating,
		Merged:           ts.Merged,
	}
}

func (s *Server) ticketDetailJSON(v *desk.TicketView, names map[string]string) ticketDetailJSON {
	sum := sigap.TicketSummary{Ticket: v.Ticket, Citizen: v.Citizen, Merged: len(v.Merged)}
	// The last word as a list shows it: the citizen's or staff's, not a
	// command, a note or the bot's.
	for _, m := range v.Messages {
		if (m.Author == sigap.AuthorCitizen || m.Author == sigap.AuthorStaff) && m.Kind != sigap.KindCommand {
			sum.LastMessage, sum.LastAuthor, sum.LastAt = m.Text, m.Author, m.At
		}
	}
	d := ticketDetailJSON{
		ticketJSON: s.ticketJSON(sum, names, s.cfg.Now()),
		OPDName:    v.OPDName,
		MergedInto: v.MergedInto,
		Messages:   make([]messageJSON, 0, len(v.Messages)),
		Audit:      make([]auditJSON, 0, len(v.Audit)),

		Undelivered: s.undeliveredJSON(v.Undelivered),
	}
	// The caller may act on this ticket, so they see the full number.
	d.Citizen.Phone = v.Citizen.Phone
	d.Citizen.Address = v.Citizen.Address.String()
	for _, m := range v.Merged {
		c := m.Citizen
		d.Tickets = append(d.Tickets, mergedJSON{Code: m.Ticket.Code,
			Citizen: citizenJSON{Name: c.Name, Channel: string(c.Address.Channel), Phone: c.Phone, Address: c.Address.String()}})
	}
	citizens := v.Citizens()
	for _, m := range v.Messages {
		mj := messageJSON{Author: string(m.Author), Staff: m.Staff, Kind: string(m.Kind), Text: m.Text, At: s.rfc3339(m.At)}
		if len(v.Merged) > 0 && m.Author == sigap.AuthorCitizen {
			mj.Citizen = citizenName(citizens[m.CitizenID])
		}
		if m.MediaRef != "" {
			mj.MediaURL = s.mediaURL(m)
		}
		if m.Kind == sigap.KindLocation {
			mj.Lat, mj.Lon = m.Lat, m.Lon
		}
		d.Messages = append(d.Messages, mj)
	}
	for _, e := range v.Audit {
		d.Audit = append(d.Audit, auditJSON{At: s.rfc3339(e.At), Actor: string(e.Actor), Action: string(e.Action), Detail: e.Detail})
	}
	return d
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type staffJSON struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	OPD      string `json:"opd,omitempty"`
	// CSRF is the token the dashboard's forms carry; JSON clients need
	// not send it.
	CSRF string `json:"csrf"`
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	var req loginRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	in, err := s.cfg.Staff.Login(r.Context(), req.Username, req.Password, s.clientKey(r))
	if status, text, refused := loginRefused(w, err); refused {
		code := "rate_limited"
		if status == http.StatusServiceUnavailable {
			code = "busy"
		}
		writeJSON(w, status, map[string]string{"error": text, "code": code})
		return
	} else if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	s.setSessionCookie(w, in.Token)
	st := in.Staff
	writeJSON(w, http.StatusOK, staffJSON{Username: st.Username, Name: st.Name, Role: string(st.Role), OPD: st.OPD, CSRF: in.Session.CSRF})
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request, a *auth) {
	if err := s.cfg.Staff.Logout(r.Context(), a.session); err != nil {
		s.fail(w, r, a, err)
		return
	}
	s.clearSessionCookie(w)
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// maxQueryText bounds a search; a few words find a ticket.
const maxQueryText = 200

// queueFilter reads a list's query parameters: status, opd, q, assignee
// (me, none or a username), sla (ok, soon, late, done), channel (wa, tg,
// web, fb, ig), from and to (creation dates), late=1 (first response late),
// limit and after (the page).
func (s *Server) queueFilter(r *http.Request, a *auth) (sigap.TicketFilter, error) {
	q := r.URL.Query()
	f := sigap.TicketFilter{Status: q.Get("status"), Query: strings.TrimSpace(q.Get("q")), FirstResponseLate: q.Get("late") == "1"}
	switch f.Status {
	case "":
		f.Status = "open"
	case "open", "resolved", "all":
	default:
		return f, sigap.Errorf(sigap.EINVALID, "Status %q tidak dikenal; gunakan open, resolved atau all.", f.Status)
	}
	if utf8.RuneCountInString(f.Query) > maxQueryText {
		return f, sigap.Errorf(sigap.EINVALID, "Kata pencarian terlalu panjang (maksimal %d karakter).", maxQueryText)
	}
	if f.OPD = q.Get("opd"); f.OPD != "" {
		if _, ok := s.cfg.KB.Get().OPD(f.OPD); !ok {
			return f, sigap.Errorf(sigap.EINVALID, "OPD %q tidak dikenal.", f.OPD)
		}
	}
	switch v := strings.TrimSpace(q.Get("assignee")); v {
	case "":
	case "me":
		f.Assignee = a.staff.Username
	case "none":
		f.Assignee = sigap.AssigneeNone
	default:
		f.Assignee = v
	}
	if f.SLA = sigap.SLAState(q.Get("sla")); f.SLA != "" && !f.SLA.Valid() {
		return f, sigap.Errorf(sigap.EINVALID, "sla=%q tidak dikenal; gunakan ok, soon, late atau done.", f.SLA)
	}
	if f.Channel = sigap.Channel(q.Get("channel")); f.Channel != "" && !f.Channel.Valid() {
		return f, sigap.Errorf(sigap.EINVALID, "channel=%q tidak dikenal; gunakan wa, tg, web, fb atau ig.", f.Channel)
	}
	loc := s.cfg.Calendar.Location()
	var err error
	if f.CreatedFrom, err = queryDate(r, "from", loc); err != nil {
		return f, err
	}
	if f.CreatedTo, err = queryDate(r, "to", loc); err != nil {
		return f, err
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > desk.MaxPage {
			return f, sigap.Errorf(sigap.EINVALID, "limit=%q: gunakan angka 1 sampai %d.", v, desk.MaxPage)
		}
	}
	if v := q.Get("after"); v != "" {
		if f.After, err = sigap.ParseCursor(v); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (s *Server) apiTickets(w http.ResponseWriter, r *http.Request, a *auth) {
	f, err := s.queueFilter(r, a)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	list, err := s.cfg.Desk.Tickets(r.Context(), a.staff, f)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	names, err := s.cfg.Desk.StaffNames(r.Context())
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	now := s.cfg.Now()
	out := ticketListJSON{Tickets: make([]ticketJSON, 0, len(list.Tickets)), Total: list.Total}
	for _, ts := range list.Tickets {
		// A list shows no phone number whole, not even one in a message.
		ts.LastMessage, ts.Subject = maskNumbers(ts.LastMessage), maskNumbers(ts.Subject)
		out.Tickets = append(out.Tickets, s.ticketJSON(ts, names, now))
	}
	if list.Next != nil {
		out.Next = list.Next.String()
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiTicket(w http.ResponseWriter, r *http.Request, a *auth) {
	d, err := s.ticketDetail(r, a, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// ticketDetail is ticket code as the staff member may see it now, for an
// API answer. It shows the citizen's full phone number, so the view is
// audited.
func (s *Server) ticketDetail(r *http.Request, a *auth, code string) (ticketDetailJSON, error) {
	ctx := r.Context()
	v, err := s.cfg.Desk.Ticket(ctx, a.staff, code)
	if err == nil {
		err = s.auditPhoneView(ctx, a, v.Ticket, v.Citizen)
	}
	if err != nil {
		return ticketDetailJSON{}, err
	}
	names, err := s.cfg.Desk.StaffNames(ctx)
	if err != nil {
		return ticketDetailJSON{}, err
	}
	return s.ticketDetailJSON(v, names), nil
}

// actionRequest holds the arguments of every ticket action; each action
// reads the fields it needs.
type actionRequest struct {
	Text        string   `json:"text"`
	WaitCitizen bool     `json:"wait_citizen"`
	OPD         string   `json:"opd"`
	Reason      string   `json:"reason"`
	Username    string   `json:"username"` // assign
	Tickets     []string `json:"tickets"`  // merge: the duplicates
	// media is the file a reply sent as multipart/form-data carries.
	media *desk.Media
}

// act performs a staff action on a ticket.
func (s *Server) act(r *http.Request, a *auth, code, action string, req actionRequest) error {
	d, ctx := s.cfg.Desk, r.Context()
	switch action {
	case "reply":
		return d.Reply(ctx, a.staff, code, desk.Answer{Text: req.Text, WaitCitizen: req.WaitCitizen, Media: req.media})
	case "note":
		return d.Note(ctx, a.staff, code, req.Text)
	case "transfer":
		return d.Transfer(ctx, a.staff, code, req.OPD, req.Reason)
	case "claim":
		return d.Claim(ctx, a.staff, code)
	case "assign":
		return d.Assign(ctx, a.staff, code, req.Username)
	case "unassign":
		return d.Unassign(ctx, a.staff, code)
	case "merge":
		return d.Merge(ctx, a.staff, code, req.Tickets)
	case "resolve":
		return d.Resolve(ctx, a.staff, code)
	case "reopen":
		return d.Reopen(ctx, a.staff, code)
	}
	return sigap.Errorf(sigap.ENOTFOUND, "Aksi %q tidak dikenal.", action)
}

// apiTicketAction performs an action sent as JSON, or a reply with a file
// sent as multipart/form-data (text, wait_citizen, file).
func (s *Server) apiTicketAction(w http.ResponseWriter, r *http.Request, a *auth) {
	code, action := r.PathValue("code"), r.PathValue("action")
	var req actionRequest
	var err error
	if isMultipart(r) {
		req, err = s.answerForm(r, action)
	} else {
		err = decodeJSON(r, &req)
	}
	if err == nil {
		err = s.act(r, a, code, action, req)
	}
	if err != nil {
		s.discard(req.media)
		s.fail(w, r, a, err)
		return
	}
	out := map[string]any{"ok": true}
	// After a transfer out of an agent's OPD the ticket is no longer theirs
	// to see; the action still succeeded.
	d, err := s.ticketDetail(r, a, code)
	if err == nil {
		out["ticket"] = d
	} else if sigap.ErrorCode(err) != sigap.ENOTFOUND {
		s.fail(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// reportRange reads from, to (dates in the calendar's zone) and at
// (RFC3339). The default range is the current month; at defaults to now.
func (s *Server) reportRange(r *http.Request) (from, to, at time.Time, err error) {
	loc := s.cfg.Calendar.Location()
	at = s.cfg.Now()
	if v := r.URL.Query().Get("at"); v != "" {
		if at, err = time.Parse(time.RFC3339, v); err != nil {
			return from, to, at, sigap.Errorf(sigap.EINVALID, "at=%q: gunakan format RFC3339, mis. 2024-05-01T08:00:00+07:00.", v)
		}
	}
	local := at.In(loc)
	from = time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, loc)
	to = from.AddDate(0, 1, 0)
	if t, err := queryDate(r, "from", loc); err != nil {
		return from, to, at, err
	} else if !t.IsZero() {
		from = t
	}
	if t, err := queryDate(r, "to", loc); err != nil {
		return from, to, at, err
	} else if !t.IsZero() {
		to = t
	}
	if !from.Before(to) {
		return from, to, at, sigap.Errorf(sigap.EINVALID, "Tanggal awal harus sebelum tanggal akhir.")
	}
	return from, to, at, nil
}

// queryDate reads the date parameter name (YYYY-MM-DD, midnight in loc);
// zero when r has none.
func queryDate(r *http.Request, name string, loc *time.Location) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, loc)
	if err != nil {
		return time.Time{}, sigap.Errorf(sigap.EINVALID, "%s=%q: gunakan format tanggal YYYY-MM-DD.", name, v)
	}
	return t, nil
}

// report builds the SLA report the way `sigap report` does.
func (s *Server) report(r *http.Request, from, to, at time.Time) (*sla.Report, error) {
	ctx := r.Context()
	rep, err := sigap.Read(ctx, s.cfg.Store, func(tx sigap.Tx) (*sla.Report, error) {
		return sla.BuildReport(ctx, tx, s.cfg.KB.Get(), s.cfg.Calendar, from, to, at)
	})
	if err != nil {
		return nil, fmt.Errorf("web: report: %w", err)
	}
	return rep, nil
}

func (s *Server) apiReports(w http.ResponseWriter, r *http.Request, a *auth) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		s.fail(w, r, a, sigap.Errorf(sigap.EINVALID, "format=%q: gunakan json atau csv.", format))
		return
	}
	from, to, at, err := s.reportRange(r)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	rep, err := s.report(r, from, to, at)
	if err == nil {
		err = s.auditExport(r, a, format, from, to)
	}
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sigap-laporan-%s-%s.csv"`, from.Format("20060102"), to.Format("20060102")))
		err = rep.WriteCSV(w)
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		err = rep.WriteJSON(w)
	}
	if err != nil {
		s.cfg.Logger.Error("web: write report", "err", err)
	}
}
