// Package outpart holds what channel adapters share when they deliver a
// long reply as several platform messages: where to cut the reply, the
// loop that sends the parts still to go and records each one sent, and a
// context-aware wait. How many parts of an outbox message went out is
// kept in the database (sigap.Outbound's PartsSent and PartSent).
package outpart

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// First is the first of msg's n parts still to send: the parts before it
// went out in earlier attempts (msg.PartsSent).
func First(msg sigap.Outbound, n int) int {
	return min(max(msg.PartsSent, 0), n)
}

// Deliver sends msg's parts from First on, calling send with each part's
// index, and after each part but the last tells msg.PartSent, before the
// next, so that a retry, even after a crash, does not send it again. It
// stops at the first error: send's as it is, or PartSent's, saying so.
func Deliver(ctx context.Context, msg sigap.Outbound, n int, send func(i int) error) error {
	for i := First(msg, n); i < n; i++ {
		if err := send(i); err != nil {
			return err
		}
		if i < n-1 && msg.PartSent != nil {
			if err := msg.PartSent(ctx, i+1); err != nil {
				return fmt.Errorf("%s: message %d to %s: record part %d sent: %w", msg.To.Channel, msg.ID, msg.To, i+1, err)
			}
		}
	}
	return nil
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
