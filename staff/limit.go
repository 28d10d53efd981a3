package staff

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// LoginWindow is how long failed logins are remembered after the last one.
const LoginWindow = 15 * time.Minute

// ErrRateLimited is what a *RateLimitError is: Login refused an attempt
// without checking it, because too many failed recently.
var ErrRateLimited = errors.New("staff: too many failed logins")

// RateLimitError says how long to wait before the next attempt may be
// checked. errors.Is(err, ErrRateLimited) is true of it.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("staff: too many failed logins; retry after %s", e.RetryAfter.Round(time.Second))
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// budget is how many failures a key may have within LoginWindow before
// its attempts are slowed down: then each further attempt waits, from
// the previous one, a delay that starts at first and doubles up to most.
// Nothing locks an account: an attacker only makes its owner wait, at
// worst most, and only while the attacks go on.
type budget struct {
	free        int
	first, most time.Duration
}

// The budgets of the keys an attempt is counted against.
var (
	// One username from one client: a person who forgot their password.
	budgetClientUser = budget{free: 5, first: time.Minute, most: 15 * time.Minute}
	// One client, whatever the username: one password sprayed across
	// usernames. An office behind one address has several staff, hence
	// the larger allowance.
	budgetClient = budget{free: 20, first: time.Minute, most: 15 * time.Minute}
	// One username from every client: guessing spread over many
	// addresses. It slows the account's logins; it never locks them.
	budgetUser = budget{free: 10, first: 30 * time.Second, most: 5 * time.Minute}
	// One password from every client, whatever the username: a spray
	// spread over many addresses.
	budgetPassword = budget{free: 10, first: time.Minute, most: 15 * time.Minute}
)

// delay is how long the attempt after the n-th beyond the free ones waits.
func (b budget) delay(n int) time.Duration {
	d := b.first
	for i := 1; i < n && d < b.most; i++ {
		d *= 2
	}
	return min(d, b.most)
}

// loginLimiter counts login attempts before they are checked: an attempt
// reserves its place in every key's count at once, and only a successful
// one gives it back. So parallel guesses cannot all pass the check before
// the first failure is counted.
type loginLimiter struct {
	now sigap.Clock
	// pepper keys the password hashes the limiter keeps, so its memory
	// holds no plain hash of a password.
	pepper    []byte
	mu        sync.Mutex
	keys      map[string]*attempts
	lastPrune time.Time
}

// attempts is one key's recent failures, reserved attempts included.
type attempts struct {
	count int
	last  time.Time // of the last reserved attempt
	next  time.Time // no attempt before this one once count reached free
	b     budget
}

func newLoginLimiter(now sigap.Clock) *loginLimiter {
	return &loginLimiter{now: now, pepper: []byte(rand.Text()), keys: make(map[string]*attempts)}
}

// reservation is a reserved attempt.
type reservation struct {
	keys []string
	// slowed is the keys this attempt brought to their limit: worth an
	// audit entry if it fails.
	slowed []string
}

// loginKeys are the keys of an attempt with their budgets.
func (l *loginLimiter) loginKeys(username, password, client string) map[string]budget {
	user := strings.ToLower(strings.TrimSpace(username))
	mac := hmac.New(sha256.New, l.pepper)
	mac.Write([]byte(password))
	return map[string]budget{
		"client+user:" + client + "|" + user:               budgetClientUser,
		"client:" + client:                                 budgetClient,
		"user:" + user:                                     budgetUser,
		"password:" + hex.EncodeToString(mac.Sum(nil)[:8]): budgetPassword,
	}
}

// reserve counts an attempt against every key, or refuses it, counting
// nothing, while any key waits out its delay.
func (l *loginLimiter) reserve(username, password, client string) (*reservation, error) {
	keys := l.loginKeys(username, password, client)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for k := range keys {
		if a := l.current(k, now); a != nil && a.count >= a.b.free && now.Before(a.next) {
			wait = max(wait, a.next.Sub(now))
		}
	}
	if wait > 0 {
		return nil, &RateLimitError{RetryAfter: wait}
	}
	l.prune(now)
	r := &reservation{}
	for k, b := range keys {
		a := l.current(k, now)
		if a == nil {
			a = &attempts{b: b}
			l.keys[k] = a
		}
		a.count++
		a.last = now
		if a.count >= b.free {
			a.next = now.Add(b.delay(a.count - b.free + 1))
			if a.count == b.free {
				r.slowed = append(r.slowed, k)
			}
		}
		r.keys = append(r.keys, k)
	}
	return r, nil
}

// release gives back a reserved attempt that succeeded, or was never
// checked; a success also forgets the client's failures for the username.
func (l *loginLimiter) release(r *reservation, succeeded bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range r.keys {
		a := l.keys[k]
		if a == nil {
			continue
		}
		if a.count--; a.count <= 0 || (succeeded && strings.HasPrefix(k, "client+user:")) {
			delete(l.keys, k)
		}
	}
}

// current returns the key's attempts, or nil when it has none that count:
// none within LoginWindow and no delay left to wait.
func (l *loginLimiter) current(key string, now time.Time) *attempts {
	a := l.keys[key]
	if a != nil && now.Sub(a.last) >= LoginWindow && !now.Before(a.next) {
		delete(l.keys, key)
		return nil
	}
	return a
}

// prune drops keys that no longer count, at most once a minute, so that a
// spray of usernames cannot grow the map without bound.
func (l *loginLimiter) prune(now time.Time) {
	if now.Sub(l.lastPrune) < time.Minute {
		return
	}
	l.lastPrune = now
	for k := range l.keys {
		l.current(k, now)
	}
}
