package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/staff"
)

const (
	sessionCookie = "sigap_session"
	// anonCSRFCookie carries the double-submit token of forms shown before
	// a session exists: the login form and the web chat.
	anonCSRFCookie = "sigap_csrf"
)

// auth is the signed-in staff member of a request.
type auth struct {
	staff   *sigap.Staff
	session *sigap.Session
}

// randomToken returns n random bytes, URL-safe encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("web: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// authenticate returns the signed-in staff member of r, or nil.
func (s *Server) authenticate(r *http.Request) (*auth, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	in, err := s.cfg.Staff.Authenticate(r.Context(), c.Value)
	if err != nil || in == nil {
		return nil, err
	}
	return &auth{staff: in.Staff, session: in.Session}, nil
}

// setSessionCookie sets the session cookie. Its lifetime is a Max-Age, not
// an Expires date, so that a browser whose clock is off keeps it as long
// as the server does.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		MaxAge: int(staff.SessionTTL / time.Second), HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// anonCSRF returns the double-submit token of r's browser, setting the
// cookie when it has none.
func (s *Server) anonCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(anonCSRFCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	token := randomToken(32)
	http.SetCookie(w, &http.Cookie{
		Name: anonCSRFCookie, Value: token, Path: "/",
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	return token
}

// validAnonCSRF reports whether the form's token matches the cookie.
func validAnonCSRF(r *http.Request) bool {
	c, err := r.Cookie(anonCSRFCookie)
	return err == nil && len(c.Value) >= 32 && equalTokens(c.Value, r.PostFormValue("csrf"))
}

func equalTokens(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// clientIP is the address the login limiter counts against. Sigap does not
// trust X-Forwarded-For: a proxy in front must be configured to pass a
// distinct connection per client or accept a shared limit.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
