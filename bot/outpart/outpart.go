// Package outpart holds what channel adapters share when they deliver a
// long reply as several platform messages: where to cut the reply, the
// memory of how many parts of an outbox message already went out, so that
// a retry after a partial failure sends only the rest, and a
// context-aware wait.
package outpart

import (
	"context"
	"sync"
	"time"
)

// Progress remembers, per outbox message id, how many parts were sent. It
// lives in memory: after a restart a message is sent again in full, which
// at-least-once delivery allows. The zero value is ready to use.
type Progress struct {
	mu   sync.Mutex
	sent map[int64]int
}

// Sent returns how many parts of message id went out in earlier attempts.
func (p *Progress) Sent(id int64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent[id]
}

// Record notes that the first n parts of message id went out. Messages
// without an outbox id cannot be told apart on retry, so they are not
// recorded.
func (p *Progress) Record(id int64, n int) {
	if id == 0 || n == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sent == nil {
		p.sent = map[int64]int{}
	}
	p.sent[id] = n
}

// Done forgets message id once all its parts went out.
func (p *Progress) Done(id int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.sent, id)
}

// Sleep waits d, or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
