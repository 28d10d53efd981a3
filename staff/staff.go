// Package staff manages the dashboard's accounts: creating them, passwords,
// signing in and sessions, the Telegram chat that receives SLA warnings.
// Like desk, each change runs in one transaction with its own audit entry,
// so the command line and the admin pages change accounts the same way.
package staff

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"runtime"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pemkab-kebumen/sigap"
)

const (
	// MinPasswordLength is the shortest password an account may have.
	MinPasswordLength = 8
	// SessionTTL is how long a session lasts.
	SessionTTL = 12 * time.Hour
	// LinkCodeTTL is how long a Telegram link code may be used.
	LinkCodeTTL = 15 * time.Minute
)

// dummyHash is compared against when the username is unknown, so a login
// takes as long whether or not the account exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("sigap-no-such-user"), bcrypt.DefaultCost)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// Config is what Accounts needs.
type Config struct {
	Store sigap.Store
	// KB returns the knowledge base in force, whose OPDs accounts belong to.
	KB     func() *sigap.KB
	Now    sigap.Clock
	Logger *slog.Logger
	// LoginSlots is how many passwords are checked at once (bcrypt takes
	// a core for tens of milliseconds); 0 is half the cores, at least one.
	LoginSlots int
}

// Accounts performs account operations.
type Accounts struct {
	cfg     Config
	limiter *loginLimiter
	// slots bounds the bcrypt checks of Login running at once.
	slots chan struct{}
	// compare is bcrypt's check, the one seam the concurrency test uses.
	compare func(hash, password []byte) error
	watch   *sessionWatch
}

// New returns Accounts.
func New(cfg Config) *Accounts {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.LoginSlots <= 0 {
		cfg.LoginSlots = max(1, runtime.NumCPU()/2)
	}
	return &Accounts{cfg: cfg, limiter: newLoginLimiter(cfg.Now), slots: make(chan struct{}, cfg.LoginSlots),
		compare: bcrypt.CompareHashAndPassword, watch: newSessionWatch()}
}

// NewAccount is an account to create.
type NewAccount struct {
	Username, Name string
	Role           sigap.Role
	OPD            string // required for agents
	Password       string
}

// Add checks n against the KB in force, creates the account with its
// password hashed, and audits it as done by by. An agent needs an OPD of
// the KB; supervisors and admins may name one (their home agency) or none.
// A username already used gives ECONFLICT.
func (a *Accounts) Add(ctx context.Context, by sigap.Actor, n NewAccount) (*sigap.Staff, error) {
	s := &sigap.Staff{
		Username: strings.TrimSpace(n.Username),
		Name:     strings.TrimSpace(n.Name),
		Role:     n.Role,
		OPD:      strings.TrimSpace(n.OPD),
	}
	if err := a.check(s); err != nil {
		return nil, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	s.PasswordHash, s.CreatedAt = hash, a.cfg.Now()
	err = a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		if err := tx.CreateStaff(ctx, s); err != nil {
			return err
		}
		return a.audit(ctx, tx, by, sigap.ActionStaffAdd, s.Username+" ("+string(s.Role)+")")
	})
	if err != nil {
		return nil, fmt.Errorf("staff: add %s: %w", s.Username, err)
	}
	return s, nil
}

// check validates a new account.
func (a *Accounts) check(s *sigap.Staff) error {
	switch {
	case !usernamePattern.MatchString(s.Username):
		return sigap.Errorf(sigap.EINVALID, "Nama pengguna %q tidak sah: 2–32 huruf kecil, angka, titik, garis bawah atau tanda hubung.", s.Username)
	case s.Name == "":
		return sigap.Errorf(sigap.EINVALID, "Nama lengkap wajib diisi.")
	case !s.Role.Valid():
		return sigap.Errorf(sigap.EINVALID, "Peran %q tidak dikenal; gunakan agent, supervisor atau admin.", s.Role)
	case s.Role == sigap.RoleAgent && s.OPD == "":
		return sigap.Errorf(sigap.EINVALID, "Petugas (agent) wajib punya OPD.")
	}
	if s.OPD != "" {
		if _, ok := a.cfg.KB().OPD(s.OPD); !ok {
			return sigap.Errorf(sigap.EINVALID, "OPD %q tidak ada di basis pengetahuan.", s.OPD)
		}
	}
	return nil
}

// List returns every account, disabled ones included, by username.
func (a *Accounts) List(ctx context.Context) ([]sigap.Staff, error) {
	list, err := sigap.Read(ctx, a.cfg.Store, func(tx sigap.Tx) ([]sigap.Staff, error) { return tx.ListStaff(ctx) })
	if err != nil {
		return nil, fmt.Errorf("staff: list: %w", err)
	}
	return list, nil
}

// Disable stops an account from signing in and ends its sessions. Nobody
// disables their own account: an admin would lock themselves out.
func (a *Accounts) Disable(ctx context.Context, by sigap.Actor, username string) error {
	if self, ok := by.Staff(); ok && strings.EqualFold(self, username) {
		return sigap.Errorf(sigap.EINVALID, "Anda tidak dapat menonaktifkan akun Anda sendiri.")
	}
	return a.change(ctx, by, username, sigap.ActionStaffDisable, func(s *sigap.Staff) { s.Disabled = true })
}

// Enable lets a disabled account sign in again.
func (a *Accounts) Enable(ctx context.Context, by sigap.Actor, username string) error {
	return a.change(ctx, by, username, sigap.ActionStaffEnable, func(s *sigap.Staff) { s.Disabled = false })
}

// SetPassword gives an account a new password, which ends its sessions.
func (a *Accounts) SetPassword(ctx context.Context, by sigap.Actor, username, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return a.change(ctx, by, username, sigap.ActionStaffPassword, func(s *sigap.Staff) { s.PasswordHash = hash })
}

// change applies edit to an account and audits action as done by by.
func (a *Accounts) change(ctx context.Context, by sigap.Actor, username string, action sigap.AuditAction, edit func(*sigap.Staff)) error {
	find := func(tx sigap.Tx) (*sigap.Staff, error) { return tx.StaffByUsername(ctx, username) }
	if err := a.update(ctx, find, func(*sigap.Staff) sigap.Actor { return by }, action, edit); err != nil {
		return fmt.Errorf("staff: %s %s: %w", action, username, err)
	}
	return nil
}

// update loads the account find finds, applies edit, stores it and audits
// action, done by whom actor says, in one transaction.
func (a *Accounts) update(ctx context.Context, find func(sigap.Tx) (*sigap.Staff, error),
	actor func(*sigap.Staff) sigap.Actor, action sigap.AuditAction, edit func(*sigap.Staff)) error {
	return a.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		s, err := find(tx)
		if err != nil {
			return err
		}
		was := *s
		edit(s)
		if err := tx.UpdateStaff(ctx, s); err != nil {
			return err
		}
		// What ends the stored sessions (UpdateStaff) ends their streams.
		if s.PasswordHash != was.PasswordHash || s.Role != was.Role || s.OPD != was.OPD || s.Disabled {
			tx.OnCommit(func() { a.watch.end(s.ID, "") })
		}
		return a.audit(ctx, tx, actor(s), action, s.Username)
	})
}

func (a *Accounts) audit(ctx context.Context, tx sigap.Tx, by sigap.Actor, action sigap.AuditAction, detail string) error {
	e := &sigap.AuditEntry{At: a.cfg.Now(), Actor: by, Action: action, Detail: detail}
	if err := tx.AddAudit(ctx, e); err != nil {
		return fmt.Errorf("staff: audit %s: %w", action, err)
	}
	return nil
}

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
		return "", fmt.Errorf("staff: hash password: %w", err)
	}
	return string(h), nil
}

// randomToken returns n random bytes, URL-safe encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("staff: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what the store keeps of a session's cookie value.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
