package staff

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Logout ends a session, audited as the staff member's, and every event
// stream it holds open.
func (a *Accounts) Logout(ctx context.Context, s *sigap.Session) error {
	err := a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		st, err := tx.StaffByID(ctx, s.StaffID)
		if err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, s.TokenHash); err != nil {
			return err
		}
		tx.OnCommit(func() { a.watch.end(s.StaffID, s.TokenHash) })
		return a.audit(ctx, tx, sigap.StaffActor(st.Username), sigap.ActionLogout, "")
	})
	if err != nil {
		return fmt.Errorf("staff: logout: %w", err)
	}
	return nil
}

// SessionEnded returns a channel that is closed when s ends in this
// process: its logout, or a change that ends the account's sessions (a
// new password, role or OPD, the account disabled); and a function that
// stops watching. Expiry, and changes made by another process such as
// the command line, are for the watcher to check by Authenticate.
func (a *Accounts) SessionEnded(s *sigap.Session) (<-chan struct{}, func()) {
	return a.watch.add(s.StaffID, s.TokenHash)
}

// PurgeSessions deletes the expired sessions and returns how many.
func (a *Accounts) PurgeSessions(ctx context.Context) (int, error) {
	var n int
	err := a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		var err error
		n, err = tx.DeleteExpiredSessions(ctx, a.cfg.Now())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("staff: purge sessions: %w", err)
	}
	return n, nil
}

// RunPurge purges expired sessions every period until ctx ends.
func (a *Accounts) RunPurge(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if n, err := a.PurgeSessions(ctx); err != nil && ctx.Err() == nil {
			a.cfg.Logger.Error("staff: purge expired sessions", "err", err)
		} else if n > 0 {
			a.cfg.Logger.Info("staff: expired sessions purged", "sessions", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
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
// bot as "/link CODE" within LinkCodeTTL.
func (a *Accounts) NewLinkCode(ctx context.Context, staffID int64) error {
	return a.editSelf(ctx, staffID, sigap.ActionTelegramLinkCode, func(s *sigap.Staff) {
		// 8 characters of base32: hard to guess, easy to type.
		s.LinkCode, s.LinkCodeExpires = rand.Text()[:8], a.cfg.Now().Add(LinkCodeTTL)
	})
}

// UnlinkTelegram stops SLA warnings on Telegram for the account.
func (a *Accounts) UnlinkTelegram(ctx context.Context, staffID int64) error {
	return a.editSelf(ctx, staffID, sigap.ActionTelegramUnlink, func(s *sigap.Staff) {
		s.TelegramChatID, s.LinkCode, s.LinkCodeExpires = "", "", time.Time{}
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
// code, unexpired, inside the caller's transaction (the bot's, for the
// "/link" message). No such account gives ENOTFOUND.
func (a *Accounts) LinkTelegram(ctx context.Context, tx sigap.Tx, code string, chat sigap.Address) (*sigap.Staff, error) {
	list, err := tx.ListStaff(ctx)
	if err != nil {
		return nil, fmt.Errorf("staff: link Telegram: %w", err)
	}
	for _, s := range list {
		if s.LinkCode == "" || s.LinkCode != code || s.Disabled || !a.cfg.Now().Before(s.LinkCodeExpires) {
			continue
		}
		s.TelegramChatID, s.LinkCode, s.LinkCodeExpires = chat.ID, "", time.Time{}
		if err := tx.UpdateStaff(ctx, &s); err != nil {
			return nil, fmt.Errorf("staff: link Telegram: %w", err)
		}
		return &s, a.audit(ctx, tx, sigap.StaffActor(s.Username), sigap.ActionTelegramLink, chat.String())
	}
	return nil, sigap.Errorf(sigap.ENOTFOUND, "no account holds link code %s", code)
}
