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
	Messages []messageView
	// Undelivered are replies the citizen did not get, each with a retry
	// button.
	Undelivered []undeliveredView
	Audit       []auditView
	OPDs        []sigap.OPD // transfer targets
	Canned      []cannedAnswer
	// Draft keeps what the staff member typed when an action failed.
	Draft  actionRequest
	Action string // the failed action the draft belongs to
}

type auditView struct {
	At     string
	Actor  sigap.Actor
	Action sigap.AuditAction
	Detail string
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

func (s *Server) ticketView(v *desk.TicketView, staff *sigap.Staff) ticketView {
	t := v.Ticket
	now := s.cfg.Now()
	kb := s.cfg.KB.Get()
	tv := ticketView{
		Row:     s.ticketRow(sigap.TicketSummary{Ticket: t, Citizen: v.Citizen}, now),
		Phone:   v.Citizen.Phone,
		Address: v.Citizen.Address.String(),
		Open:    t.Open(),
		Claimed: t.Assignee == staff.Username,
		Canned:  cannedAnswers(kb, t.OPD),

		Undelivered: s.undeliveredViews(v.Undelivered),
	}
	name := citizenName(v.Citizen)
	for _, m := range v.Messages {
		tv.Messages = append(tv.Messages, s.messageView(m, name))
	}
	for _, e := range v.Audit {
		tv.Audit = append(tv.Audit, auditView{At: s.formatTime(e.At), Actor: e.Actor, Action: e.Action, Detail: e.Detail})
	}
	for _, o := range kb.OPDs {
		if o.Code != t.OPD {
			tv.OPDs = append(tv.OPDs, o)
		}
	}
	return tv
}

func (s *Server) ticketPage(w http.ResponseWriter, r *http.Request, a *auth) {
	s.showTicket(w, r, a, http.StatusOK, "", "", actionRequest{})
}

// showTicket renders the ticket page, with an error and the draft of a
// failed action when there is one.
func (s *Server) showTicket(w http.ResponseWriter, r *http.Request, a *auth, status int, errText, action string, draft actionRequest) {
	v, err := s.cfg.Desk.Ticket(r.Context(), a.staff, r.PathValue("code"))
	if err == nil {
		err = s.auditPhoneView(r.Context(), a, v.Ticket, v.Citizen)
	}
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	tv := s.ticketView(v, a.staff)
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
	req := actionRequest{
		Text:        r.PostFormValue("text"),
		WaitCitizen: r.PostFormValue("wait") == "1",
		OPD:         r.PostFormValue("opd"),
		Reason:      r.PostFormValue("reason"),
	}
	err := s.act(r, a, code, action, req)
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
