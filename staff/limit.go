package staff

import (
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

const (
	// MaxLoginFailures failed logins within LoginWindow lock a username
	// out from the address they came from.
	MaxLoginFailures = 5
	// LoginWindow is how long a lockout lasts, from the first failure.
	LoginWindow = 15 * time.Minute
)

// loginLimiter locks a username+address out after MaxLoginFailures failed
// logins within LoginWindow, counted from the first failure of the window.
type loginLimiter struct {
	now sigap.Clock
	mu  sync.Mutex
	// failures holds, per key, the start of its window and the count.
	failures  map[string]*loginFailures
	lastPrune time.Time
}

type loginFailures struct {
	since time.Time
	count int
}

func newLoginLimiter(now sigap.Clock) *loginLimiter {
	return &loginLimiter{now: now, failures: make(map[string]*loginFailures)}
}

func (l *loginLimiter) blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.current(key)
	return f != nil && f.count >= MaxLoginFailures
}

func (l *loginLimiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.current(key)
	if f == nil {
		l.prune()
		f = &loginFailures{since: l.now()}
		l.failures[key] = f
	}
	f.count++
}

func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

// current returns the key's failures in the running window, or nil.
func (l *loginLimiter) current(key string) *loginFailures {
	f := l.failures[key]
	if f != nil && l.now().Sub(f.since) >= LoginWindow {
		delete(l.failures, key)
		return nil
	}
	return f
}

// prune drops expired windows, at most once a minute, so that a spray of
// usernames cannot grow the map without bound.
func (l *loginLimiter) prune() {
	now := l.now()
	if now.Sub(l.lastPrune) < time.Minute {
		return
	}
	l.lastPrune = now
	for k, f := range l.failures {
		if now.Sub(f.since) >= LoginWindow {
			delete(l.failures, k)
		}
	}
}
