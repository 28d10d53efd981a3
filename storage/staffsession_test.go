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
