package web

import (
	"crypto/rand"
	"net/http"

	"github.com/pemkab-kebumen/sigap"
)

// profileView is the staff member's own page: where their SLA warnings go.
type profileView struct {
	Staff       sigap.Staff
	RoleName    string
	OPDName     string
	TelegramBot string // the bot's @username, when Telegram is on
}

// profilePage shows the account as authenticate read it for this request.
func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, a *auth) {
	st := a.staff
	v := profileView{Staff: *st, RoleName: roleName(st.Role), OPDName: s.cfg.Desk.OPDName(st.OPD)}
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
	ctx := r.Context()
	unlink := r.PostFormValue("action") == "unlink"
	err := s.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		st, err := tx.StaffByID(ctx, a.staff.ID)
		if err != nil {
			return err
		}
		action := "telegram_link_code"
		if unlink {
			st.TelegramChatID, st.LinkCode, action = "", "", "telegram_unlink"
		} else {
			// 8 characters of base32: hard to guess, easy to type.
			st.LinkCode = rand.Text()[:8]
		}
		if err := tx.UpdateStaff(ctx, st); err != nil {
			return err
		}
		return tx.AddAudit(ctx, &sigap.AuditEntry{At: s.cfg.Now(), Actor: "staff:" + st.Username, Action: action})
	})
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/profile?ok=saved", http.StatusSeeOther)
}
