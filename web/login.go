package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/staff"
)

const rateLimitedText = "Terlalu banyak percobaan masuk yang gagal. Silakan coba lagi dalam 15 menit."

type loginView struct {
	Username string
	Next     string
}

// safeNext keeps a post-login redirect on this site: a path of ours with
// no scheme, no host and nothing a browser would turn into a host.
// Browsers read a backslash as a slash ("/\x" is "//x", and http.Redirect
// cleans "/./\x" to "/\x") and drop tabs and newlines ("/<tab>/x"), which
// url.Parse refuses as control characters.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/queue"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if a, err := s.authenticate(r); err == nil && a != nil {
		http.Redirect(w, r, "/queue", http.StatusSeeOther)
		return
	}
	d := &pageData{Title: "Masuk", CSRF: s.anonCSRF(w, r), Body: loginView{Next: safeNext(r.URL.Query().Get("next"))}}
	s.render(w, r, http.StatusOK, "login", d)
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	view := loginView{Username: username, Next: safeNext(r.PostFormValue("next"))}
	d := &pageData{Title: "Masuk", CSRF: s.anonCSRF(w, r), Body: view}
	if !validAnonCSRF(r) {
		d.Error = "Formulir kedaluwarsa. Silakan coba masuk lagi."
		s.render(w, r, http.StatusForbidden, "login", d)
		return
	}
	in, err := s.cfg.Staff.Login(r.Context(), username, password, clientIP(r))
	switch {
	case errors.Is(err, staff.ErrRateLimited):
		d.Error = rateLimitedText
		s.render(w, r, http.StatusTooManyRequests, "login", d)
		return
	case err != nil:
		status := httpStatus(sigap.ErrorCode(err))
		d.Error = sigap.ErrorMessage(err)
		if status == http.StatusInternalServerError {
			s.cfg.Logger.Error("web: login", "err", err)
			d.Error = internalErrorText
		}
		s.render(w, r, status, "login", d)
		return
	}
	s.setSessionCookie(w, in.Token)
	http.Redirect(w, r, view.Next, http.StatusSeeOther)
}

func (s *Server) logoutForm(w http.ResponseWriter, r *http.Request, a *auth) {
	if err := s.cfg.Staff.Logout(r.Context(), a.session); err != nil {
		s.fail(w, r, a, err)
		return
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
