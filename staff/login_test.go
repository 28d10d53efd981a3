package staff_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/staff"
)

func (f *fixture) add(t *testing.T, username string) *sigap.Staff {
	t.Helper()
	s, err := f.acc.Add(f.ctx, sigap.ActorCLI, staff.NewAccount{Username: username, Name: "Ibu " + username,
		Role: sigap.RoleAgent, OPD: "DINKES", Password: "rahasia-123"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// outcome names what a login gave: ok, wrong, limited, or the error.
func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, staff.ErrRateLimited):
		return "limited"
	case sigap.ErrorCode(err) == sigap.EUNAUTHORIZED:
		return "wrong"
	}
	return err.Error()
}

func TestLoginCountsAttemptsBeforeCheckingThem(t *testing.T) {
	f := newFixture(t)
	f.add(t, "sari")
	const guesses = 300
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Go(func() {
			_, err := f.acc.Login(f.ctx, "sari", fmt.Sprintf("tebakan-%d", i), "10.0.0.9")
			mu.Lock()
			got[outcome(err)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	// The client's budget for one username is five failures; parallel
	// guesses must not all pass the check before the first is counted.
	if got["wrong"] != 5 || got["limited"] != guesses-5 {
		t.Errorf("outcomes of %d parallel wrong guesses: %v; want 5 checked and the rest refused unchecked", guesses, got)
	}
}

func TestLoginSlowsAnAttackerDownInsteadOfLockingTheAccount(t *testing.T) {
	f := newFixture(t)
	f.add(t, "sari")
	login := func(pw, client string) error {
		_, err := f.acc.Login(f.ctx, "sari", pw, client)
		return err
	}
	for i := range 5 {
		if err := login("salah", "10.0.0.9"); outcome(err) != "wrong" {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	err := login("rahasia-123", "10.0.0.9")
	var limited *staff.RateLimitError
	if !errors.As(err, &limited) || limited.RetryAfter != time.Minute {
		t.Fatalf("after five failures: %v; want a refusal to wait a minute", err)
	}
	// The owner, from another address, is not locked out.
	if err := login("rahasia-123", "10.0.0.1"); err != nil {
		t.Errorf("the owner from another address: %v", err)
	}
	// The attacker waits a minute per guess, then two, then four…
	f.now = f.now.Add(time.Minute)
	if err := login("salah", "10.0.0.9"); outcome(err) != "wrong" {
		t.Fatalf("a guess after the delay: %v, want it checked", err)
	}
	f.now = f.now.Add(time.Minute)
	if err := login("salah", "10.0.0.9"); !errors.As(err, &limited) || limited.RetryAfter != time.Minute {
		t.Errorf("a guess one minute after the sixth failure: %v; want one more minute to wait", err)
	}
	f.now = f.now.Add(time.Minute)
	if err := login("rahasia-123", "10.0.0.9"); err != nil {
		t.Errorf("the right password once the delay passed: %v", err)
	}
}

func TestLoginLimitsSpraysAcrossUsernames(t *testing.T) {
	tests := []struct {
		name             string
		client, password func(i int) string
		free             int
	}{
		{"guesses across usernames from one client",
			func(int) string { return "10.0.0.9" }, func(i int) string { return fmt.Sprint("Password", i) }, 20},
		{"one password across usernames and clients",
			func(i int) string { return fmt.Sprintf("10.1.0.%d", i) }, func(int) string { return "Password123" }, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			var got []string
			for i := range 25 {
				_, err := f.acc.Login(f.ctx, fmt.Sprintf("user%d", i), tt.password(i), tt.client(i))
				got = append(got, outcome(err))
			}
			want := slices.Concat(slices.Repeat([]string{"wrong"}, tt.free), slices.Repeat([]string{"limited"}, 25-tt.free))
			if !slices.Equal(got, want) {
				t.Errorf("outcomes %v, want %d checked and then refusals", got, tt.free)
			}
		})
	}
}

func TestLoginAuditsFailuresLimitsAndLogout(t *testing.T) {
	f := newFixture(t)
	f.add(t, "sari")
	for range 5 {
		f.acc.Login(f.ctx, "sari", "salah", "10.0.0.9")
	}
	in, err := f.acc.Login(f.ctx, "sari", "rahasia-123", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.acc.Logout(f.ctx, in.Session); err != nil {
		t.Fatal(err)
	}
	lines := f.audit(t)[1:] // after the account's creation
	want := append(slices.Repeat([]string{`visitor login_failed "sari" dari 10.0.0.9`}, 4),
		`visitor login_failed "sari" dari 10.0.0.9`,
		`visitor login_limited terlalu banyak gagal untuk "sari" dari 10.0.0.9`,
		"staff:sari login dari 10.0.0.1", "staff:sari logout")
	if !slices.Equal(lines, want) {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestSessionEndedClosesOnLogoutAndAccountChanges(t *testing.T) {
	f := newFixture(t)
	f.add(t, "sari")
	admin := sigap.StaffActor("admin")
	tests := []struct {
		name string
		end  func(own, other *staff.Session) error
		// others says whether another session of the account ends too.
		others bool
	}{
		{"logout", func(own, _ *staff.Session) error { return f.acc.Logout(f.ctx, own.Session) }, false},
		{"a new password", func(*staff.Session, *staff.Session) error {
			return f.acc.SetPassword(f.ctx, admin, "sari", "rahasia-123")
		}, true},
		{"disabled", func(*staff.Session, *staff.Session) error { return f.acc.Disable(f.ctx, admin, "sari") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.acc.Enable(f.ctx, admin, "sari")
			own, err := f.acc.Login(f.ctx, "sari", "rahasia-123", "10.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			other, err := f.acc.Login(f.ctx, "sari", "rahasia-123", "10.0.0.2")
			if err != nil {
				t.Fatal(err)
			}
			ended, stop := f.acc.SessionEnded(own.Session)
			defer stop()
			otherEnded, stopOther := f.acc.SessionEnded(other.Session)
			defer stopOther()
			if err := tt.end(own, other); err != nil {
				t.Fatal(err)
			}
			select {
			case <-ended:
			default:
				t.Error("the session's watcher was not told")
			}
			select {
			case <-otherEnded:
				if !tt.others {
					t.Error("another session's watcher was told")
				}
			default:
				if tt.others {
					t.Error("another session's watcher was not told")
				}
			}
		})
	}
}

func TestPurgeSessionsDeletesExpiredOnes(t *testing.T) {
	f := newFixture(t)
	f.add(t, "sari")
	old, err := f.acc.Login(f.ctx, "sari", "rahasia-123", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(staff.SessionTTL / 2)
	fresh, err := f.acc.Login(f.ctx, "sari", "rahasia-123", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(staff.SessionTTL / 2)
	if n, err := f.acc.PurgeSessions(f.ctx); err != nil || n != 1 {
		t.Fatalf("PurgeSessions = %d, %v; want the one expired session", n, err)
	}
	f.db.View(f.ctx, func(tx sigap.Tx) error {
		if _, err := tx.SessionByToken(f.ctx, old.Session.TokenHash); sigap.ErrorCode(err) != sigap.ENOTFOUND {
			t.Errorf("the expired session is still stored: %v", err)
		}
		if _, err := tx.SessionByToken(f.ctx, fresh.Session.TokenHash); err != nil {
			t.Errorf("the live session was purged: %v", err)
		}
		return nil
	})
}
