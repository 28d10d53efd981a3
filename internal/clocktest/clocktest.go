// Package clocktest holds the clock tests give Sigap in place of the wall
// clock: it reads the time the test set and moves only when the test (or a
// Sleep) moves it.
package clocktest

import (
	"context"
	"sync"
	"time"
)

// Clock is a sigap.Clock whose time the test controls; it is safe for
// concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock that reads t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Sleep moves the clock on by d at once instead of waiting, and returns
// ctx's error: for code that sleeps through an injected function.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		c.Add(d)
	}
	return ctx.Err()
}
