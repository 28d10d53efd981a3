package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

// undeliveredView is a reply the outbox gave up on, as the ticket page
// shows it with its retry button.
type undeliveredView struct {
	ID     int64
	Text   string
	Reason string // why, in Indonesian
	Detail string // the platform's own words
	At     string
}

type undeliveredJSON struct {
	ID       int64  `json:"id"`
	Text     string `json:"text"`
	Failure  string `json:"failure"` // blocked, refused or expired
	Reason   string `json:"reason"`
	Detail   string `json:"detail,omitempty"`
	FailedAt string `json:"failed_at"`
}

func (s *Server) undeliveredViews(list []sigap.Outbound) []undeliveredView {
	out := make([]undeliveredView, 0, len(list))
	for _, o := range list {
		out = append(out, undeliveredView{ID: o.ID, Text: o.Text, Reason: desk.FailureText(o.Failure),
			Detail: o.LastError, At: s.formatTime(o.FailedAt)})
	}
	return out
}

func (s *Server) undeliveredJSON(list []sigap.Outbound) []undeliveredJSON {
	out := make([]undeliveredJSON, 0, len(list))
	for _, o := range list {
		out = append(out, undeliveredJSON{ID: o.ID, Text: o.Text, Failure: string(o.Failure),
			Reason: desk.FailureText(o.Failure), Detail: o.LastError, FailedAt: s.rfc3339(o.FailedAt)})
	}
	return out
}

// resend puts the undelivered reply the path names back in the outbox.
func (s *Server) resend(r *http.Request, a *auth) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return sigap.Errorf(sigap.ENOTFOUND, "Balasan %q tidak ditemukan.", r.PathValue("id"))
	}
	return s.cfg.Desk.Resend(r.Context(), a.staff, r.PathValue("code"), id)
}

// resendForm is the ticket page's retry button.
func (s *Server) resendForm(w http.ResponseWriter, r *http.Request, a *auth) {
	if err := s.resend(r, a); err != nil {
		s.fail(w, r, a, err)
		return
	}
	http.Redirect(w, r, "/tickets/"+url.PathEscape(r.PathValue("code"))+"?ok=resend", http.StatusSeeOther)
}

// apiResend is POST /api/tickets/{code}/outbox/{id}/retry; it answers with
// the ticket as it is now.
func (s *Server) apiResend(w http.ResponseWriter, r *http.Request, a *auth) {
	if err := s.resend(r, a); err != nil {
		s.fail(w, r, a, err)
		return
	}
	d, err := s.ticketDetail(r, a, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "ticket": d})
}

// outages are the dashboard's banners: a line for each channel that has
// not been connected for desk.ChannelDownAfter, which supervisors were
// also warned of on Telegram.
func (s *Server) outages() []string {
	now := s.cfg.Now()
	var out []string
	for _, c := range s.cfg.Channels() {
		if desk.ChannelDown(c, now) {
			out = append(out, fmt.Sprintf("Kanal %s tidak tersambung sejak %s (%s). Balasan ke warga di kanal ini menunggu dan terkirim begitu tersambung lagi.",
				channelName(c.Channel), s.formatTime(c.Since), c.State))
		}
	}
	return out
}
