package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/staff"
)

const busyText = "Server sedang sibuk memeriksa banyak percobaan masuk. Silakan coba lagi sebentar lagi."

// loginRefused answers a login that was not checked: limited (429, with
// how long to wait) or busy (503). ok is false for any other error.
func loginRefused(w http.ResponseWriter, err error) (status int, text string, ok bool) {
	var limited *staff.RateLimitError
	switch {
	case errors.As(err, &limited):
		wait := max(limited.RetryAfter.Round(time.Second), time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
		return http.StatusTooManyRequests, "Terlalu banyak percobaan masuk yang gagal. Silakan coba lagi dalam " + waitText(wait) + ".", true
	case errors.Is(err, staff.ErrBusy):
		w.Header().Set("Retry-After", "5")
		return http.StatusServiceUnavailable, busyText, true
	}
	return 0, "", false
}

// waitText says a wait in Indonesian: "45 detik", "2 menit".
func waitText(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d detik", int(d/time.Second))
	}
	return fmt.Sprintf("%d menit", int((d+time.Minute-1)/time.Minute))
}

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
	if err := readForm(w, r); err != nil {
		d := &pageData{Title: "Masuk", CSRF: s.anonCSRF(w, r), Error: sigap.ErrorMessage(err), Body: loginView{Next: "/queue"}}
		s.render(w, r, httpStatus(sigap.ErrorCode(err)), "login", d)
		return
	}
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	view := loginView{Username: username, Next: safeNext(r.PostFormValue("next"))}
	d := &pageData{Title: "Masuk", CSRF: s.anonCSRF(w, r), Body: view}
	if !s.validAnonCSRF(r) {
		d.Error = "Formulir kedaluwarsa. Silakan coba masuk lagi."
		s.render(w, r, http.StatusForbidden, "login", d)
		return
	}
	in, err := s.cfg.Staff.Login(r.Context(), username, password, s.clientKey(r))
	if status, text, refused := loginRefused(w, err); refused {
		d.Error = text
		s.render(w, r, status, "login", d)
		return
	}
	switch {
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
