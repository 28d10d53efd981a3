package staff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// ErrBusy is returned by Login when every password check slot stayed
// taken for loginWait: a login spray then waits at the door instead of
// taking every core from the rest of the service.
var ErrBusy = errors.New("staff: too many logins being checked")

// loginWait is how long a login waits for a password check slot.
const loginWait = 5 * time.Second

// errWrongLogin is the one answer to a wrong username, a wrong password
// and a disabled account alike, so a guesser learns nothing of which.
var errWrongLogin = sigap.Errorf(sigap.EUNAUTHORIZED, "Nama pengguna atau kata sandi salah.")

// Session is a signed-in staff member: the account, its session and the
// cookie value, which the store never sees (it keeps the value's hash).
type Session struct {
	Staff   *sigap.Staff
	Session *sigap.Session
	Token   string
}

// Login checks a username and password from client (the address the
// limits count against) and opens a session. The attempt is counted
// before the password is checked; while the recent failures of the
// username, the client or the password are too many it is refused
// unchecked with a *RateLimitError (ErrRateLimited). A wrong password or
// a disabled account gives EUNAUTHORIZED; all password check slots busy,
// ErrBusy. Each outcome but a refusal is audited.
func (a *Accounts) Login(ctx context.Context, username, password, client string) (*Session, error) {
	username = strings.TrimSpace(username)
	r, err := a.limiter.reserve(username, password, client)
	if err != nil {
		return nil, err
	}
	s, err := a.verify(ctx, username, password)
	if err == errWrongLogin {
		a.auditFailure(ctx, username, client, r.slowed)
		return nil, err
	}
	// A success, or a check that never happened, gives the attempt back.
	a.limiter.release(r, err == nil)
	if err != nil {
		return nil, err
	}
	token, now := randomToken(32), a.cfg.Now()
	sess := &sigap.Session{TokenHash: HashToken(token), StaffID: s.ID, CSRF: randomToken(32),
		CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	err = a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		return a.audit(ctx, tx, sigap.StaffActor(s.Username), sigap.ActionLogin, "dari "+client)
	})
	if err != nil {
		return nil, fmt.Errorf("staff: create session: %w", err)
	}
	return &Session{Staff: s, Session: sess, Token: token}, nil
}

// verify checks the password in one of the bounded bcrypt slots. An
// unknown username is checked against a dummy hash, so it takes as long.
func (a *Accounts) verify(ctx context.Context, username, password string) (*sigap.Staff, error) {
	s, err := sigap.Read(ctx, a.cfg.Store, func(tx sigap.Tx) (*sigap.Staff, error) {
		return tx.StaffByUsername(ctx, username)
	})
	if err != nil && sigap.ErrorCode(err) != sigap.ENOTFOUND {
		return nil, fmt.Errorf("staff: login %q: %w", username, err)
	}
	hash := dummyHash
	if s != nil {
		hash = []byte(s.PasswordHash)
	}
	wait, stop := context.WithTimeout(ctx, loginWait)
	defer stop()
	select {
	case a.slots <- struct{}{}:
	case <-wait.Done():
		if ctx.Err() != nil {
			return nil, fmt.Errorf("staff: login %q: %w", username, ctx.Err())
		}
		return nil, ErrBusy
	}
	wrong := a.compare(hash, []byte(password)) != nil
	<-a.slots
	if wrong || s == nil || s.Disabled {
		return nil, errWrongLogin
	}
	return s, nil
}

// auditFailure records a failed login, and the limits it reached. The
// username is quoted and cut short: it is whatever the visitor typed.
func (a *Accounts) auditFailure(ctx context.Context, username, client string, slowed []string) {
	typed := []rune(username)
	if len(typed) > 64 {
		typed = typed[:64]
	}
	who := fmt.Sprintf("%q dari %s", string(typed), client)
	err := a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		if err := a.audit(ctx, tx, sigap.ActorVisitor, sigap.ActionLoginFailed, who); err != nil {
			return err
		}
		for _, key := range slowed {
			if err := a.audit(ctx, tx, sigap.ActorVisitor, sigap.ActionLoginLimited, limitText(key, who, client)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		a.cfg.Logger.Error("staff: audit a failed login", "client", client, "err", err)
	}
}

// limitText says in the audit log which limit a failed login reached,
// never the password hash a key holds.
func limitText(key, who, client string) string {
	kind, _, _ := strings.Cut(key, ":")
	switch kind {
	case "client+user":
		return "terlalu banyak gagal untuk " + who
	case "client":
		return "terlalu banyak gagal dari " + client + " (berbagai nama pengguna)"
	case "user":
		return "terlalu banyak gagal untuk nama pengguna ini dari berbagai alamat: " + who
	}
	return "satu kata sandi dicoba untuk banyak akun; terakhir " + who
}
