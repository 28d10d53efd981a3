package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pemkab-kebumen/sigap"
)

const (
	sessionCookie = "sigap_session"
	// anonCSRFCookie carries the double-submit token of forms shown before
	// a session exists: the login form and the web chat.
	anonCSRFCookie = "sigap_csrf"
	sessionTTL     = 12 * time.Hour
	// MinPasswordLength is the shortest password an account may have.
	MinPasswordLength = 8
)

// errRateLimited is returned by login while a username and address are
// locked out.
var errRateLimited = errors.New("web: too many failed logins")

// dummyHash is compared against when the username is unknown, so a login
// takes as long whether or not the account exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("sigap-no-such-user"), bcrypt.DefaultCost)

// HashPassword returns the bcrypt hash of a staff password.
func HashPassword(pw string) (string, error) {
	if len([]rune(pw)) < MinPasswordLength {
		return "", sigap.Errorf(sigap.EINVALID, "Kata sandi minimal %d karakter.", MinPasswordLength)
	}
	if len(pw) > 72 {
		// bcrypt ignores bytes beyond 72; refusing is clearer than
		// silently accepting a shorter secret.
		return "", sigap.Errorf(sigap.EINVALID, "Kata sandi maksimal 72 byte.")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("web: hash password: %w", err)
	}
	return string(h), nil
}

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

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// login checks a username and password and opens a session. It returns the
// cookie token; the store keeps only its hash.
func (s *Server) login(ctx context.Context, username, password, ip string) (*auth, string, error) {
	key := strings.ToLower(strings.TrimSpace(username)) + "|" + ip
	if s.limiter.blocked(key) {
		return nil, "", errRateLimited
	}
	var staff *sigap.Staff
	err := s.cfg.Store.View(ctx, func(tx sigap.Tx) error {
		var err error
		staff, err = tx.StaffByUsername(ctx, strings.TrimSpace(username))
		return err
	})
	if err != nil && sigap.ErrorCode(err) != sigap.ENOTFOUND {
		return nil, "", fmt.Errorf("web: login %q: %w", username, err)
	}
	hash := dummyHash
	if staff != nil {
		hash = []byte(staff.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || staff == nil || staff.Disabled {
		s.limiter.fail(key)
		return nil, "", sigap.Errorf(sigap.EUNAUTHORIZED, "Nama pengguna atau kata sandi salah.")
	}
	s.limiter.reset(key)

	token := randomToken(32)
	now := s.cfg.Now()
	sess := &sigap.Session{
		TokenHash: hashToken(token),
		StaffID:   staff.ID,
		CSRF:      randomToken(32),
		CreatedAt: now,
		ExpiresAt: now.Add(sessionTTL),
	}
	err = s.cfg.Store.Update(ctx, func(tx sigap.Tx) error { return tx.CreateSession(ctx, sess) })
	if err != nil {
		return nil, "", fmt.Errorf("web: create session: %w", err)
	}
	return &auth{staff: staff, session: sess}, token, nil
}

// logout ends the session.
func (s *Server) logout(ctx context.Context, a *auth) error {
	err := s.cfg.Store.Update(ctx, func(tx sigap.Tx) error { return tx.DeleteSession(ctx, a.session.TokenHash) })
	if err != nil {
		return fmt.Errorf("web: logout: %w", err)
	}
	return nil
}

// authenticate returns the signed-in staff member of r, or nil.
func (s *Server) authenticate(r *http.Request) (*auth, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	ctx := r.Context()
	var a *auth
	err = s.cfg.Store.View(ctx, func(tx sigap.Tx) error {
		sess, err := tx.SessionByToken(ctx, hashToken(c.Value))
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if !s.cfg.Now().Before(sess.ExpiresAt) {
			return nil
		}
		staff, err := tx.StaffByID(ctx, sess.StaffID)
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if !staff.Disabled {
			a = &auth{staff: staff, session: sess}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: session: %w", err)
	}
	return a, nil
}

// setSessionCookie sets the session cookie. Its lifetime is a Max-Age, not
// an Expires date, so that a browser whose clock is off keeps it as long
// as the server does.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		MaxAge: int(sessionTTL / time.Second), HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
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

// sameOrigin reports whether a browser sent r from one of our own pages.
// Requests without Origin, Referer or Sec-Fetch-Site come from programs,
// not browsers, and cannot ride on a victim's cookies.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return false
	}
	for _, h := range []string{"Origin", "Referer"} {
		v := r.Header.Get(h)
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
	}
	return true
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
