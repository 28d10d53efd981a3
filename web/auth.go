package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/staff"
)

const (
	sessionCookie = "sigap_session"
	// anonCSRFCookie carries the nonce of the login form's CSRF token;
	// the form carries the nonce signed with the server's secret, so a
	// script cannot pass the check by repeating a cookie it made up.
	anonCSRFCookie = "sigap_csrf"
	// sessionRecheck is how often a staff event stream checks that its
	// session still holds, for the changes this process is not told of
	// (the command line disabling an account).
	sessionRecheck = 30 * time.Second
)

// auth is the signed-in staff member of a request.
type auth struct {
	staff   *sigap.Staff
	session *sigap.Session
	token   string // the cookie value, to check the session again
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
	return &auth{staff: in.Staff, session: in.Session, token: c.Value}, nil
}

// sessionEnded returns a channel closed when a's session ends: logout, a
// change to the account, expiry, or a check that finds it gone. It
// stops watching when ctx ends.
func (s *Server) sessionEnded(ctx context.Context, a *auth) <-chan struct{} {
	done := make(chan struct{})
	ended, stop := s.cfg.Staff.SessionEnded(a.session)
	go func() {
		defer close(done)
		defer stop()
		expiry := time.NewTimer(a.session.ExpiresAt.Sub(s.cfg.Now()))
		defer expiry.Stop()
		recheck := time.NewTicker(sessionRecheck)
		defer recheck.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ended:
				return
			case <-expiry.C:
				return
			case <-recheck.C:
				if in, err := s.cfg.Staff.Authenticate(ctx, a.token); err == nil && in == nil {
					return
				}
			}
		}
	}()
	return done
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

// anonCSRF returns the login form's CSRF token for r's browser, setting
// the nonce cookie when it has none.
func (s *Server) anonCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(anonCSRFCookie); err == nil && len(c.Value) >= 32 {
		return s.keys.sign(purposeLoginCSRF, c.Value)
	}
	nonce := randomToken(32)
	http.SetCookie(w, &http.Cookie{
		Name: anonCSRFCookie, Value: nonce, Path: "/",
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	return s.keys.sign(purposeLoginCSRF, nonce)
}

// validAnonCSRF reports whether the form's token is the cookie's nonce
// signed by this server.
func (s *Server) validAnonCSRF(r *http.Request) bool {
	c, err := r.Cookie(anonCSRFCookie)
	return err == nil && len(c.Value) >= 32 && equalTokens(s.keys.sign(purposeLoginCSRF, c.Value), r.PostFormValue("csrf"))
}

func equalTokens(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// clientAddr is the address of the client that made r. X-Forwarded-For
// and X-Real-IP are believed only from a trusted proxy (TrustedProxies):
// then the client is the right-most address of X-Forwarded-For that is no
// trusted proxy, or X-Real-IP without X-Forwarded-For. Anyone else could
// write any address there.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	peer := remoteAddr(r)
	if !s.trusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a proxy of ours wrote nothing unreadable: stop believing
		}
		if hop = hop.Unmap(); !s.trusted(hop) {
			return hop
		}
		peer = hop
	}
	if len(r.Header.Values("X-Forwarded-For")) == 0 {
		if real, err := netip.ParseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); err == nil {
			return real.Unmap()
		}
	}
	return peer
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// remoteAddr is the address of the connection's peer.
func remoteAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// clientKey is what limits count a client by: its address, or for IPv6
// its /64, which one subscriber usually holds whole.
func (s *Server) clientKey(r *http.Request) string {
	a := s.clientAddr(r)
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
