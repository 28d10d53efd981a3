package web

import (
	"net/http"

	"github.com/pemkab-kebumen/sigap"
)

// profileView is the staff member's own page: where their SLA warnings go.
type profileView struct {
	Staff       sigap.Staff
	RoleName    string
	OPDName     string
	TelegramBot string // the bot's @username, when Telegram is on
	// LinkCode is the Telegram link code still good, until LinkUntil.
	LinkCode, LinkUntil string
}

// profilePage shows the account as authenticate read it for this request.
func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, a *auth) {
	st := a.staff
	v := profileView{Staff: *st, RoleName: roleName(st.Role), OPDName: s.cfg.Desk.OPDName(st.OPD)}
	if st.LinkCode != "" && s.cfg.Now().Before(st.LinkCodeExpires) {
		v.LinkCode, v.LinkUntil = st.LinkCode, s.formatTime(st.LinkCodeExpires)
	}
	if s.cfg.TelegramBot != nil {
		v.TelegramBot = s.cfg.TelegramBot()
	}
	d := newPage(a, "Profil", "profile")
	d.Flash = flashText(r.URL.Query().Get("ok"))
	d.Body = v
	s.render(w, r, http.StatusOK, "profile", d)
}

// profileTelegram makes a one-time code the staff member sends to the bot as
// "/link CODE", or with action=unlink stops SLA warnings on Telegram.
func (s *Server) profileTelegram(w http.ResponseWriter, r *http.Request, a *auth) {
	change := s.cfg.Staff.NewLinkCode
	if r.PostFormValue("action") == "unlink" {
		change = s.cfg.Staff.UnlinkTelegram
	}
	if err := change(r.Context(), a.staff.ID); err != nil {
		s.fail(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/profile?ok=saved", http.StatusSeeOther)
}
