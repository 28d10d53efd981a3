package web

import (
	"net/http"
	"net/url"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

type ticketView struct {
	Row      ticketRow
	Phone    string // full: the staff member works this ticket
	Address  string
	Open     bool
	Claimed  bool // by the viewer
	Assignee string
	Messages []messageView
	Audit    []auditView
	OPDs     []sigap.OPD // transfer targets
	// Canned are the OPD's FAQ answers; Own the viewer's own replies.
	Canned, Own []cannedAnswer
	// Colleagues may be given the ticket; Merged are the tickets merged
	// into it, whose citizens get its replies too.
	Colleagues []option
	Merged     []mergedView
	// Undelivered are replies the citizen did not get, each with a retry
	// button.
	Undelivered []undeliveredView
	// Draft keeps what the staff member typed when an action failed.
	Draft  actionRequest
	Action string // the failed action the draft belongs to
	// Accept lists the files a reply may carry, for the file input.
	Accept string
}

type auditView struct {
	At     string
	Who    string
	Action sigap.AuditAction
	Detail string
}

type mergedView struct {
	Code, Citizen, Channel string
}

// cannedAnswer is a ready reply an officer can start from.
type cannedAnswer struct {
	Label, Text string
}

// cannedAnswers are the answers of the OPD's FAQs: the regency's approved
// wording for the questions its staff answer most.
func cannedAnswers(kb *sigap.KB, opd string) []cannedAnswer {
	var out []cannedAnswer
	for _, f := range kb.FAQs {
		if f.OPD == opd && len(f.Questions) > 0 {
			out = append(out, cannedAnswer{Label: f.Questions[0], Text: f.Answer})
		}
	}
	return out
}

// acceptFiles is what the reply form's file input offers.
const acceptFiles = "image/jpeg,image/png,image/webp,application/pdf"

func (s *Server) ticketView(r *http.Request, v *desk.TicketView, a *auth) (ticketView, error) {
	ctx := r.Context()
	t := v.Ticket
	staff, err := s.cfg.Staff.List(ctx)
	if err != nil {
		return ticketView{}, err
	}
	names := namesOf(staff)
	kb := s.cfg.KB.Get()
	sum := sigap.TicketSummary{Ticket: t, Citizen: v.Citizen, Merged: len(v.Merged)}
	tv := ticketView{
		Row:      s.ticketRow(sum, names, s.cfg.Now()),
		Phone:    v.Citizen.Phone,
		Address:  v.Citizen.Address.String(),
		Open:     t.Open(),
		Claimed:  t.Assignee == a.staff.Username,
		Assignee: t.Assignee,
		Canned:   cannedAnswers(kb, t.OPD),
		Accept:   acceptFiles,

		Undelivered: s.undeliveredViews(v.Undelivered),
	}
	citizens := v.Citizens()
	for _, m := range v.Messages {
		tv.Messages = append(tv.Messages, s.messageView(m, citizens, names))
	}
	for _, e := range v.Audit {
		tv.Audit = append(tv.Audit, auditView{At: s.formatTime(e.At), Who: actorLabel(e.Actor, names), Action: e.Action, Detail: e.Detail})
	}
	for _, m := range v.Merged {
		tv.Merged = append(tv.Merged, mergedView{Code: m.Ticket.Code, Citizen: citizenName(m.Citizen), Channel: channelName(m.Citizen.Address.Channel)})
	}
	for _, o := range kb.OPDs {
		if o.Code != t.OPD {
			tv.OPDs = append(tv.OPDs, o)
		}
	}
	own, err := s.cfg.Staff.CannedReplies(ctx, a.staff.ID)
	if err != nil {
		return ticketView{}, err
	}
	for _, c := range own {
		tv.Own = append(tv.Own, cannedAnswer{Label: c.Label, Text: c.Text})
	}
	for _, st := range staff {
		if st.CanSee(t.OPD) && st.Username != t.Assignee {
			tv.Colleagues = append(tv.Colleagues, option{st.Username, staffLabel(names, st.Username)})
		}
	}
	return tv, nil
}

func (s *Server) ticketPage(w http.ResponseWriter, r *http.Request, a *auth) {
	s.showTicket(w, r, a, http.StatusOK, "", "", actionRequest{})
}

// showTicket renders the ticket page, with an error and the draft of a
// failed action when there is one. A ticket merged into another shows
// that one, where staff work it.
func (s *Server) showTicket(w http.ResponseWriter, r *http.Request, a *auth, status int, errText, action string, draft actionRequest) {
	v, err := s.cfg.Desk.Ticket(r.Context(), a.staff, r.PathValue("code"))
	if err == nil {
		err = s.auditPhoneView(r.Context(), a, v.Ticket, v.Citizen)
	}
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	if v.MergedInto != "" && r.Method == http.MethodGet {
		http.Redirect(w, r, "/tickets/"+url.PathEscape(v.MergedInto)+"?ok=merged", http.StatusSeeOther)
		return
	}
	tv, err := s.ticketView(r, v, a)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	tv.Draft, tv.Action = draft, action
	d := newPage(a, "Tiket "+v.Ticket.Code, "queue")
	d.Flash = flashText(r.URL.Query().Get("ok"))
	d.Error = errText
	d.Body = tv
	s.render(w, r, status, "ticket", d)
}

// ticketAction performs a form's action and redirects back to the ticket,
// or shows the page again with the error and what was typed.
func (s *Server) ticketAction(w http.ResponseWriter, r *http.Request, a *auth) {
	code, action := r.PathValue("code"), r.PathValue("action")
	req, err := s.answerForm(r, action)
	if err == nil {
		err = s.act(r, a, code, action, req)
	}
	if err != nil {
		s.discard(req.media)
	}
	switch sigap.ErrorCode(err) {
	case "":
	case sigap.EINVALID, sigap.ECONFLICT:
		s.showTicket(w, r, a, httpStatus(sigap.ErrorCode(err)), sigap.ErrorMessage(err), action, req)
		return
	default:
		s.fail(w, r, a, err)
		return
	}
	next := "/tickets/" + url.PathEscape(code) + "?ok=" + action
	if action == "transfer" && !a.staff.CanSee(req.OPD) {
		next = "/queue?ok=transfer"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
