package staff

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/pemkab-kebumen/sigap"
)

// Session is a signed-in staff member: the account, its session and the
// cookie value, which the store never sees (it keeps the value's hash).
type Session struct {
	Staff   *sigap.Staff
	Session *sigap.Session
	Token   string
}

// Login checks a username and password and opens a session. Failures
// from one address for one username are limited; the limit gives
// ErrRateLimited, a wrong password or a disabled account EUNAUTHORIZED.
func (a *Accounts) Login(ctx context.Context, username, password, ip string) (*Session, error) {
	key := strings.ToLower(strings.TrimSpace(username)) + "|" + ip
	if a.limiter.blocked(key) {
		return nil, ErrRateLimited
	}
	s, err := sigap.Read(ctx, a.cfg.Store, func(tx sigap.Tx) (*sigap.Staff, error) {
		return tx.StaffByUsername(ctx, strings.TrimSpace(username))
	})
	if err != nil && sigap.ErrorCode(err) != sigap.ENOTFOUND {
		return nil, fmt.Errorf("staff: login %q: %w", username, err)
	}
	hash := dummyHash
	if s != nil {
		hash = []byte(s.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || s == nil || s.Disabled {
		a.limiter.fail(key)
		return nil, sigap.Errorf(sigap.EUNAUTHORIZED, "Nama pengguna atau kata sandi salah.")
	}
	a.limiter.reset(key)

	token, now := randomToken(32), a.cfg.Now()
	sess := &sigap.Session{TokenHash: HashToken(token), StaffID: s.ID, CSRF: randomToken(32),
		CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := a.cfg.Store.Update(ctx, func(tx sigap.Tx) error { return tx.CreateSession(ctx, sess) }); err != nil {
		return nil, fmt.Errorf("staff: create session: %w", err)
	}
	return &Session{Staff: s, Session: sess, Token: token}, nil
}

// Logout ends a session.
func (a *Accounts) Logout(ctx context.Context, s *sigap.Session) error {
	if err := a.cfg.Store.Update(ctx, func(tx sigap.Tx) error { return tx.DeleteSession(ctx, s.TokenHash) }); err != nil {
		return fmt.Errorf("staff: logout: %w", err)
	}
	return nil
}

// Authenticate returns the signed-in staff member whose cookie value is
// token, or nil when the session is unknown, expired or its account
// disabled.
func (a *Accounts) Authenticate(ctx context.Context, token string) (*Session, error) {
	var out *Session
	err := a.cfg.Store.View(ctx, func(tx sigap.Tx) error {
		sess, err := tx.SessionByToken(ctx, HashToken(token))
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if !a.cfg.Now().Before(sess.ExpiresAt) {
			return nil
		}
		s, err := tx.StaffByID(ctx, sess.StaffID)
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if !s.Disabled {
			out = &Session{Staff: s, Session: sess, Token: token}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("staff: session: %w", err)
	}
	return out, nil
}

// NewLinkCode gives the account a one-time code to send to the Telegram
// bot as "/link CODE".
func (a *Accounts) NewLinkCode(ctx context.Context, staffID int64) error {
	return a.editSelf(ctx, staffID, sigap.ActionTelegramLinkCode, func(s *sigap.Staff) {
		// 8 characters of base32: hard to guess, easy to type.
		s.LinkCode = rand.Text()[:8]
	})
}

// UnlinkTelegram stops SLA warnings on Telegram for the account.
func (a *Accounts) UnlinkTelegram(ctx context.Context, staffID int64) error {
	return a.editSelf(ctx, staffID, sigap.ActionTelegramUnlink, func(s *sigap.Staff) {
		s.TelegramChatID, s.LinkCode = "", ""
	})
}

// editSelf is a change a staff member makes to their own account.
func (a *Accounts) editSelf(ctx context.Context, staffID int64, action sigap.AuditAction, edit func(*sigap.Staff)) error {
	find := func(tx sigap.Tx) (*sigap.Staff, error) { return tx.StaffByID(ctx, staffID) }
	self := func(s *sigap.Staff) sigap.Actor { return sigap.StaffActor(s.Username) }
	if err := a.update(ctx, find, self, action, edit); err != nil {
		return fmt.Errorf("staff: %s: %w", action, err)
	}
	return nil
}

// LinkTelegram links the Telegram chat to the enabled account holding
// code, inside the caller's transaction (the bot's, for the "/link"
// message). No such account gives ENOTFOUND.
func (a *Accounts) LinkTelegram(ctx context.Context, tx sigap.Tx, code string, chat sigap.Address) (*sigap.Staff, error) {
	list, err := tx.ListStaff(ctx)
	if err != nil {
		return nil, fmt.Errorf("staff: link Telegram: %w", err)
	}
	for _, s := range list {
		if s.LinkCode == "" || s.LinkCode != code || s.Disabled {
			continue
		}
		s.TelegramChatID, s.LinkCode = chat.ID, ""
		if err := tx.UpdateStaff(ctx, &s); err != nil {
			return nil, fmt.Errorf("staff: link Telegram: %w", err)
		}
		return &s, a.audit(ctx, tx, sigap.StaffActor(s.Username), sigap.ActionTelegramLink, chat.String())
	}
	return nil, sigap.Errorf(sigap.ENOTFOUND, "no account holds link code %s", code)
}
