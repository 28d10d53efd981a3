package storage

import (
	"context"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func TestUpdateStaffEndsSessionsWhenAccessChanges(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	s := &sigap.Staff{Username: "sari", Name: "Sari", Role: sigap.RoleAgent, OPD: "DINKES", PasswordHash: "h1"}
	update(t, db, func(tx sigap.Tx) error { return tx.CreateStaff(ctx, s) })
	tests := []struct {
		name    string
		change  func(*sigap.Staff)
		survive bool
	}{
		{"a linked Telegram chat", func(s *sigap.Staff) { s.TelegramChatID = "555" }, true},
		{"a new name", func(s *sigap.Staff) { s.Name = "Sari Dewi" }, true},
		{"a new password", func(s *sigap.Staff) { s.PasswordHash = "h2" }, false},
		{"another OPD", func(s *sigap.Staff) { s.OPD = "DPUPR" }, false},
		{"another role", func(s *sigap.Staff) { s.Role = sigap.RoleSupervisor }, false},
		{"disabled", func(s *sigap.Staff) { s.Disabled = true }, false},
	}
	for i, tt := range tests {
		token := "tok" + string(rune('a'+i))
		update(t, db, func(tx sigap.Tx) error {
			return tx.CreateSession(ctx, &sigap.Session{TokenHash: token, StaffID: s.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
		})
		tt.change(s)
		update(t, db, func(tx sigap.Tx) error { return tx.UpdateStaff(ctx, s) })
		view(t, db, func(tx sigap.Tx) error {
			_, err := tx.SessionByToken(ctx, token)
			if survived := err == nil; survived != tt.survive {
				t.Errorf("%s: session survived %v, want %v (%v)", tt.name, survived, tt.survive, err)
			}
			return nil
		})
	}
}

func TestDeleteExpiredSessions(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	s := &sigap.Staff{Username: "sari", Name: "Sari", Role: sigap.RoleAgent, OPD: "DINKES", PasswordHash: "h1"}
	update(t, db, func(tx sigap.Tx) error { return tx.CreateStaff(ctx, s) })
	for token, expires := range map[string]time.Time{"gone": t0.Add(-time.Minute), "edge": t0, "kept": t0.Add(time.Minute)} {
		update(t, db, func(tx sigap.Tx) error {
			return tx.CreateSession(ctx, &sigap.Session{TokenHash: token, StaffID: s.ID, CSRF: "c", CreatedAt: t0.Add(-time.Hour), ExpiresAt: expires})
		})
	}
	var n int
	update(t, db, func(tx sigap.Tx) (err error) { n, err = tx.DeleteExpiredSessions(ctx, t0); return err })
	if n != 2 {
		t.Errorf("deleted %d sessions, want 2", n)
	}
	view(t, db, func(tx sigap.Tx) error {
		for token, want := range map[string]bool{"gone": false, "edge": false, "kept": true} {
			if _, err := tx.SessionByToken(ctx, token); (err == nil) != want {
				t.Errorf("session %s kept %v, want %v", token, err == nil, want)
			}
		}
		return nil
	})
}

func TestStaffKeepsLinkCodeExpiry(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	s := &sigap.Staff{Username: "sari", Name: "Sari", Role: sigap.RoleAgent, OPD: "DINKES", PasswordHash: "h1",
		LinkCode: "ABCD2345", LinkCodeExpires: t0.Add(15 * time.Minute)}
	update(t, db, func(tx sigap.Tx) error { return tx.CreateStaff(ctx, s) })
	view(t, db, func(tx sigap.Tx) error {
		got, err := tx.StaffByID(ctx, s.ID)
		if err != nil {
			return err
		}
		if got.LinkCode != "ABCD2345" || !got.LinkCodeExpires.Equal(s.LinkCodeExpires) {
			t.Errorf("stored link code %q until %v, want %q until %v", got.LinkCode, got.LinkCodeExpires, s.LinkCode, s.LinkCodeExpires)
		}
		return nil
	})
}
