package staff_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/staff"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

type fixture struct {
	ctx  context.Context
	path string
	db   *storage.DB
	now  time.Time
	acc  *staff.Accounts
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{ctx: context.Background(), now: time.Date(2024, 4, 3, 9, 0, 0, 0, time.UTC)}
	var err error
	if f.db, err = storage.Open(f.ctx, storagetest.DB(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.db.Close() })
	k := kb.Default()
	f.acc = staff.New(staff.Config{Store: f.db, KB: func() *sigap.KB { return k }, Now: func() time.Time { return f.now }})
	return f
}

func TestAddChecksAndAudits(t *testing.T) {
	f := newFixture(t)
	admin := sigap.StaffActor("admin")
	tests := []struct {
		name string
		in   staff.NewAccount
		code string
	}{
		{"agent", staff.NewAccount{Username: "sari", Name: "Sari", Role: sigap.RoleAgent, OPD: "DINKES", Password: "rahasia-123"}, ""},
		{"the same username", staff.NewAccount{Username: "sari", Name: "Sari", Role: sigap.RoleAgent, OPD: "DINKES", Password: "rahasia-123"}, sigap.ECONFLICT},
		{"agent without OPD", staff.NewAccount{Username: "ani", Name: "Ani", Role: sigap.RoleAgent, Password: "rahasia-123"}, sigap.EINVALID},
		{"OPD not in the KB", staff.NewAccount{Username: "ani", Name: "Ani", Role: sigap.RoleAgent, OPD: "NOPE", Password: "rahasia-123"}, sigap.EINVALID},
		{"unknown role", staff.NewAccount{Username: "ani", Name: "Ani", Role: "raja", Password: "rahasia-123"}, sigap.EINVALID},
		{"bad username", staff.NewAccount{Username: "Ani Lestari", Name: "Ani", Role: sigap.RoleAdmin, Password: "rahasia-123"}, sigap.EINVALID},
		{"short password", staff.NewAccount{Username: "ani", Name: "Ani", Role: sigap.RoleAdmin, Password: "pendek"}, sigap.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := f.acc.Add(f.ctx, admin, tt.in)
			if got := sigap.ErrorCode(err); got != tt.code {
				t.Fatalf("Add: %v (code %q), want code %q", err, got, tt.code)
			}
			if err == nil && (s.ID == 0 || s.PasswordHash == "" || s.PasswordHash == tt.in.Password) {
				t.Errorf("added %+v: want an ID and a hashed password", s)
			}
		})
	}
	list, err := f.acc.List(f.ctx)
	if err != nil || len(list) != 1 || list[0].Username != "sari" {
		t.Errorf("List = %+v, %v; want sari alone", list, err)
	}
}

func TestChangesEndSessionsAndSignIn(t *testing.T) {
	f := newFixture(t)
	admin := sigap.StaffActor("admin")
	if _, err := f.acc.Add(f.ctx, sigap.ActorCLI, staff.NewAccount{Username: "admin", Name: "Admin", Role: sigap.RoleAdmin, Password: "rahasia-123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.Add(f.ctx, admin, staff.NewAccount{Username: "budi", Name: "Budi", Role: sigap.RoleAgent, OPD: "DPUPR", Password: "rahasia-123"}); err != nil {
		t.Fatal(err)
	}
	in, err := f.acc.Login(f.ctx, "Budi", "rahasia-123", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if who, err := f.acc.Authenticate(f.ctx, in.Token); err != nil || who == nil || who.Staff.Username != "budi" {
		t.Fatalf("Authenticate = %+v, %v", who, err)
	}
	if err := f.acc.SetPassword(f.ctx, admin, "budi", "kata-sandi-baru"); err != nil {
		t.Fatal(err)
	}
	if who, _ := f.acc.Authenticate(f.ctx, in.Token); who != nil {
		t.Error("the session outlived a new password")
	}
	if _, err := f.acc.Login(f.ctx, "budi", "rahasia-123", "10.0.0.1"); sigap.ErrorCode(err) != sigap.EUNAUTHORIZED {
		t.Errorf("login with the old password: %v", err)
	}
	if err := f.acc.Disable(f.ctx, admin, "admin"); sigap.ErrorCode(err) != sigap.EINVALID {
		t.Errorf("an admin disabling themselves: %v, want EINVALID", err)
	}
	if err := f.acc.Disable(f.ctx, admin, "budi"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.Login(f.ctx, "budi", "kata-sandi-baru", "10.0.0.1"); sigap.ErrorCode(err) != sigap.EUNAUTHORIZED {
		t.Errorf("login to a disabled account: %v", err)
	}
	// Each change wrote its own audit entry, a refused one none; and so
	// did each login, right or wrong.
	want := []string{"cli staff_add admin (admin)", "staff:admin staff_add budi (agent)",
		"staff:budi login dari 10.0.0.1", "staff:admin staff_password budi",
		`visitor login_failed "budi" dari 10.0.0.1`, "staff:admin staff_disable budi",
		`visitor login_failed "budi" dari 10.0.0.1`}
	if got := f.audit(t); !slices.Equal(got, want) {
		t.Errorf("audit log %q, want %q", got, want)
	}
}

// audit reads the audit log's "actor action detail" lines, oldest first.
func (f *fixture) audit(t *testing.T) []string {
	t.Helper()
	return storagetest.AuditLog(t, f.db)
}

func TestLinkTelegram(t *testing.T) {
	f := newFixture(t)
	s, err := f.acc.Add(f.ctx, sigap.ActorCLI, staff.NewAccount{Username: "sari", Name: "Sari", Role: sigap.RoleAgent, OPD: "DINKES", Password: "rahasia-123"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.acc.NewLinkCode(f.ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	var code string
	f.db.View(f.ctx, func(tx sigap.Tx) error {
		got, err := tx.StaffByID(f.ctx, s.ID)
		code = got.LinkCode
		return err
	})
	chat := sigap.Address{Channel: sigap.Telegram, ID: "555"}
	link := func(code string) (*sigap.Staff, error) {
		var linked *sigap.Staff
		err := f.db.Update(f.ctx, func(tx sigap.Tx) error {
			var err error
			linked, err = f.acc.LinkTelegram(f.ctx, tx, code, chat)
			return err
		})
		return linked, err
	}
	if _, err := link("WRONG123"); sigap.ErrorCode(err) != sigap.ENOTFOUND {
		t.Errorf("a wrong code: %v, want ENOTFOUND", err)
	}
	linked, err := link(code)
	if err != nil || linked.TelegramChatID != "555" || linked.LinkCode != "" {
		t.Fatalf("LinkTelegram = %+v, %v", linked, err)
	}
	if _, err := link(code); sigap.ErrorCode(err) != sigap.ENOTFOUND {
		t.Errorf("a code used twice: %v, want ENOTFOUND", err)
	}
	if err := f.acc.UnlinkTelegram(f.ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	// A code is good for LinkCodeTTL only.
	if err := f.acc.NewLinkCode(f.ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	f.db.View(f.ctx, func(tx sigap.Tx) error {
		got, err := tx.StaffByID(f.ctx, s.ID)
		code = got.LinkCode
		return err
	})
	f.now = f.now.Add(staff.LinkCodeTTL)
	if _, err := link(code); sigap.ErrorCode(err) != sigap.ENOTFOUND {
		t.Errorf("a code used %v after it was made: %v, want ENOTFOUND", staff.LinkCodeTTL, err)
	}
}
