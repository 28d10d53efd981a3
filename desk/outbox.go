package desk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Outbox delivers committed outbound messages at least once: a message
// leaves the outbox only when its channel accepted it, and failures are
// retried with exponential backoff or after the wait the platform asked for.
type Outbox struct {
	Store   sigap.Store
	Senders map[sigap.Channel]sigap.Sender
	Now     sigap.Clock
	Logger  *slog.Logger
	// Sent and Failed, when set, observe each attempt (metrics).
	Sent   func(ch sigap.Channel)
	Failed func(ch sigap.Channel, err error)
	// Parallel is how many chats are served at once (default 8); replay
	// uses 1 so its output order is the commit order.
	Parallel int
	// Wake receives a value when new messages were committed (the desk's
	// Enqueued); without it the worker finds them at its next idle check.
	Wake <-chan struct{}

	once sync.Once
}

const (
	outboxBatch    = 64
	outboxParallel = 8
	// maxAttempts bounds retries of a message that keeps failing: with the
	// backoff below it is about two days of trying.
	maxAttempts = 40
	maxBackoff  = 1 * time.Hour
	// idleCheck is how often the worker looks for due retries when nothing
	// kicked it.
	idleCheck = 2 * time.Second
)

func (o *Outbox) init() {
	o.once.Do(func() {
		if o.Now == nil {
			o.Now = time.Now
		}
		if o.Logger == nil {
			o.Logger = slog.Default()
		}
		if o.Parallel <= 0 {
			o.Parallel = outboxParallel
		}
	})
}

// Run delivers messages until ctx ends.
func (o *Outbox) Run(ctx context.Context) error {
	o.init()
	t := time.NewTicker(idleCheck)
	defer t.Stop()
	for {
		for {
			n, err := o.Drain(ctx)
			if err != nil && ctx.Err() == nil {
				o.Logger.Error("outbox: drain", "err", err)
			}
			if n < outboxBatch || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-o.Wake:
		case <-t.C:
		}
	}
}

// Drain makes one pass over the due messages and returns how many it tried.
// Messages to one address go out in order; different addresses in parallel.
func (o *Outbox) Drain(ctx context.Context) (int, error) {
	o.init()
	due, err := sigap.Read(ctx, o.Store, func(tx sigap.Tx) ([]sigap.Outbound, error) {
		return tx.DueOutbound(ctx, o.Now(), outboxBatch)
	})
	if err != nil {
		return 0, fmt.Errorf("desk: outbox due: %w", err)
	}
	var order []sigap.Address
	byAddr := map[sigap.Address][]sigap.Outbound{}
	for _, m := range due {
		if _, ok := byAddr[m.To]; !ok {
			order = append(order, m.To)
		}
		byAddr[m.To] = append(byAddr[m.To], m)
	}
	if o.Parallel == 1 {
		for _, a := range order {
			o.serveChat(ctx, byAddr[a])
		}
		return len(due), nil
	}
	sem := make(chan struct{}, o.Parallel)
	var wg sync.WaitGroup
	for _, a := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func(msgs []sigap.Outbound) {
			defer func() { <-sem; wg.Done() }()
			o.serveChat(ctx, msgs)
		}(byAddr[a])
	}
	wg.Wait()
	return len(due), nil
}

// mark records the outcome of one attempt.
type mark func(ctx context.Context, tx sigap.Tx) error

// serveChat sends one chat's due messages in order, stopping at the first
// that must wait, and records the outcomes in one transaction.
func (o *Outbox) serveChat(ctx context.Context, msgs []sigap.Outbound) {
	var marks []mark
	for _, m := range msgs {
		mk, left := o.deliver(ctx, m)
		if mk != nil {
			marks = append(marks, mk)
		}
		if !left {
			break // keep this chat's order: later messages wait
		}
	}
	if len(marks) == 0 {
		return
	}
	rec := context.WithoutCancel(ctx) // what was sent is recorded even while stopping
	err := o.Store.Update(rec, func(tx sigap.Tx) error {
		for _, mk := range marks {
			if err := mk(rec, tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		o.Logger.Error("outbox: record delivery", "to", msgs[0].To.String(), "err", err)
	}
}

// deliver sends one message and returns how to record the outcome (nil
// when there is nothing to record) and whether the message left the
// outbox.
func (o *Outbox) deliver(ctx context.Context, m sigap.Outbound) (mark, bool) {
	sender, ok := o.Senders[m.To.Channel]
	var err error
	if !ok {
		err = fmt.Errorf("channel %s is not enabled", m.To.Channel)
	} else {
		err = sender.Send(ctx, m)
	}
	if err != nil && ctx.Err() != nil {
		return nil, false // shutting down: the message stays due
	}
	now := o.Now()
	if err == nil {
		if o.Sent != nil {
			o.Sent(m.To.Channel)
		}
		return func(ctx context.Context, tx sigap.Tx) error { return tx.MarkSent(ctx, m.ID, now) }, true
	}
	if o.Failed != nil {
		o.Failed(m.To.Channel, err)
	}
	var perm *sigap.PermanentError
	attempts := m.Attempts + 1
	reason := err.Error()
	if errors.As(err, &perm) || attempts >= maxAttempts {
		o.Logger.Warn("outbox: giving up", "id", m.ID, "to", m.To.String(), "attempts", attempts, "err", err)
		return func(ctx context.Context, tx sigap.Tx) error { return tx.MarkFailed(ctx, m.ID, reason) }, true
	}
	next := now.Add(Backoff(attempts, err))
	o.Logger.Info("outbox: retry later", "id", m.ID, "to", m.To.String(), "attempt", attempts, "next", next, "err", err)
	return func(ctx context.Context, tx sigap.Tx) error { return tx.MarkRetry(ctx, m.ID, next, reason) }, false
}

// Backoff is the wait before attempt n+1 after n failed attempts: what the
// platform asked for, or 2s doubling up to an hour.
func Backoff(attempts int, err error) time.Duration {
	var ra *sigap.RetryAfterError
	if errors.As(err, &ra) && ra.Wait > 0 {
		return ra.Wait
	}
	d := 2 * time.Second
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}
