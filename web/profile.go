package web

import (
	"net/http"
	"strconv"

	"github.com/pemkab-kebumen/sigap"
)

// profileView is the staff member's own page: where their SLA warnings and
// new tickets go, and their own ready replies.
type profileView struct {
	Staff       sigap.Staff
	RoleName    string
	OPDName     string
	TelegramBot string // the bot's @username, when Telegram is on
	// LinkCode is the Telegram link code still good, until LinkUntil.
	LinkCode, LinkUntil string
	Canned              []sigap.CannedReply
	// Draft keeps a ready reply that could not be added.
	Draft cannedAnswer
}

// profilePage shows the account as authenticate read it for this request.
func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, a *auth) {
	s.showProfile(w, r, a, http.StatusOK, "", cannedAnswer{})
}

func (s *Server) showProfile(w http.ResponseWriter, r *http.Request, a *auth, status int, errText string, draft cannedAnswer) {
	st := a.staff
	v := profileView{Staff: *st, RoleName: roleName(st.Role), OPDName: s.cfg.Desk.OPDName(st.OPD), Draft: draft}
	if st.LinkCode != "" && s.cfg.Now().Before(st.LinkCodeExpires) {
		v.LinkCode, v.LinkUntil = st.LinkCode, s.formatTime(st.LinkCodeExpires)
	}
	if s.cfg.TelegramBot != nil {
		v.TelegramBot = s.cfg.TelegramBot()
	}
	var err error
	if v.Canned, err = s.cfg.Staff.CannedReplies(r.Context(), st.ID); err != nil {
		s.fail(w, r, a, err)
		return
	}
	d := newPage(a, "Profil", "profile")
	d.Flash = flashText(r.URL.Query().Get("ok"))
	d.Error = errText
	d.Body = v
	s.render(w, r, status, "profile", d)
}

// profileTelegram makes a one-time code the staff member sends to the bot
// as "/link CODE"; with action=unlink it stops messages on Telegram, with
// action=tickets_on or tickets_off it turns the new-ticket messages on or
// off.
func (s *Server) profileTelegram(w http.ResponseWriter, r *http.Request, a *auth) {
	ctx, id := r.Context(), a.staff.ID
	var err error
	switch r.PostFormValue("action") {
	case "unlink":
		err = s.cfg.Staff.UnlinkTelegram(ctx, id)
	case "tickets_on":
		err = s.cfg.Staff.SetTelegramTickets(ctx, id, true)
	case "tickets_off":
		err = s.cfg.Staff.SetTelegramTickets(ctx, id, false)
	default:
		err = s.cfg.Staff.NewLinkCode(ctx, id)
	}
	s.profileDone(w, r, a, err, cannedAnswer{})
}

// profileCanned adds a ready reply of the staff member's own, or deletes
// one (action=delete, id).
func (s *Server) profileCanned(w http.ResponseWriter, r *http.Request, a *auth) {
	ctx := r.Context()
	draft := cannedAnswer{Label: r.PostFormValue("label"), Text: r.PostFormValue("text")}
	var err error
	if r.PostFormValue("action") == "delete" {
		id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
		err = s.cfg.Staff.DeleteCannedReply(ctx, a.staff.ID, id)
		draft = cannedAnswer{}
	} else {
		err = s.cfg.Staff.AddCannedReply(ctx, a.staff.ID, draft.Label, draft.Text)
	}
	s.profileDone(w, r, a, err, draft)
}

// profileDone redirects back to the profile, or shows it again with a
// refusal and what was typed.
func (s *Server) profileDone(w http.ResponseWriter, r *http.Request, a *auth, err error, draft cannedAnswer) {
	switch sigap.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/profile?ok=saved", http.StatusSeeOther)
	case sigap.EINVALID, sigap.ENOTFOUND:
		// The account as stored now, not as the request began.
		if st, err2 := sigap.Read(r.Context(), s.cfg.Store, func(tx sigap.Tx) (*sigap.Staff, error) { return tx.StaffByID(r.Context(), a.staff.ID) }); err2 == nil {
			a.staff = st
		}
		s.showProfile(w, r, a, httpStatus(sigap.ErrorCode(err)), sigap.ErrorMessage(err), draft)
	default:
		s.fail(w, r, a, err)
	}
}
