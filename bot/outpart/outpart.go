// Package outpart holds what channel adapters share when they deliver a
// long reply as several platform messages: where to cut the reply, and a
// context-aware wait. How many parts of an outbox message went out is
// kept in the database (sigap.Outbound's PartsSent and PartSent).
package outpart

import (
	"context"
	"time"
)

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
