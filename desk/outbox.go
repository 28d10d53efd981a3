package desk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Outbox delivers committed outbound messages at least once: a message
// leaves the outbox only when its channel accepted it or the outbox gave up
// on it. Failed tries are retried with exponential backoff or after the
// wait the platform asked for; a channel that is not connected, or holds
// messages back for its own pacing, makes no try and uses up nothing. The
// outbox gives up on a message that waited GiveUpAfter, or that its
// platform refused for good, and then the ticket shows it and the OPD's
// staff are told.
//
// Run sends what the Desk hands it as each transaction commits, and reads
// the database only for retries that fall due, after a restart, and every
// Poll as a safety net.
type Outbox struct {
	Store sigap.Store
	// Desk, when set, hands Run each message committed through it, and
	// records on their tickets the replies the outbox gave up on and tells
	// the OPD's staff. Messages enqueued some other way are found at the
	// next poll.
	Desk    *Desk
	Senders map[sigap.Channel]sigap.Sender
	Now     sigap.Clock
	Logger  *slog.Logger
	// Sent and Failed, when set, observe each try (metrics).
	Sent   func(ch sigap.Channel)
	Failed func(ch sigap.Channel, err error)
	// Parallel is how many chats are served at once (default 8); replay
	// uses 1 so its output order is the commit order.
	Parallel int
	// GiveUpAfter is how long a message may wait in the queue before the
	// outbox gives up on it [DefaultGiveUpAfter].
	GiveUpAfter time.Duration
	// KeepSent is how long Run keeps sent messages before it deletes them
	// (the threads keep what they said); 0 keeps them.
	KeepSent time.Duration
	// Poll is how often Run reads the database when nothing is due
	// [DefaultPoll].
	Poll time.Duration

	once sync.Once
	mu   sync.Mutex
	// waiting holds the chats whose first message waits for a retry, with
	// when: what is handed for them later must wait behind it.
	waiting map[sigap.Address]time.Time
	// held holds the channels that sent nothing (not connected, paced),
	// until when.
	held map[sigap.Channel]time.Time
	// doubted holds the channels that sent nothing at their last try: one
	// chat at a time asks such a channel again until it sends, so a channel
	// still down is asked once, not once per chat.
	doubted map[sigap.Channel]bool
	// asking holds the doubted channels a chat is asking now, each with
	// what closes when it has answered.
	asking map[sigap.Channel]chan struct{}
}

const (
	// DefaultGiveUpAfter is how long the outbox tries: a long weekend
	// outage of a channel does not lose a reply.
	DefaultGiveUpAfter = 7 * 24 * time.Hour
	// DefaultPoll is how often Run reads the database when nothing is due.
	DefaultPoll = 30 * time.Second

	outboxBatch    = 64
	outboxParallel = 8
	maxBackoff     = 1 * time.Hour
	// holdNotSent is how long a channel that sent nothing is left alone
	// when it did not say for how long.
	holdNotSent = 15 * time.Second
	// maintainEvery is how often Run gives up on messages waiting too
	// long and prunes sent ones.
	maintainEvery = 5 * time.Minute
	pruneBatch    = 5000
	minWake       = 200 * time.Millisecond
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
		if o.GiveUpAfter <= 0 {
			o.GiveUpAfter = DefaultGiveUpAfter
		}
		if o.Poll <= 0 {
			o.Poll = DefaultPoll
		}
		o.waiting = map[sigap.Address]time.Time{}
		o.held = map[sigap.Channel]time.Time{}
		o.doubted = map[sigap.Channel]bool{}
		o.asking = map[sigap.Channel]chan struct{}{}
	})
}

// Run delivers messages until ctx ends.
func (o *Outbox) Run(ctx context.Context) error {
	o.init()
	var ready <-chan struct{}
	if o.Desk != nil {
		o.Desk.hand.start()
		defer o.Desk.hand.stop()
		ready = o.Desk.hand.ready
	}
	if err := o.loadWaiting(ctx); err != nil && ctx.Err() == nil {
		o.Logger.Error("outbox: chats waiting for a retry", "err", err)
	}
	o.maintain(ctx)
	o.drainAll(ctx)
	maintained, polled := o.Now(), o.Now()
	timer := time.NewTimer(o.Poll)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ready:
			msgs, drain := o.Desk.hand.take()
			o.deliverHanded(ctx, msgs)
			if !drain {
				break
			}
			o.drainAll(ctx)
			polled = o.Now()
		case <-timer.C:
			if o.Now().Sub(maintained) >= maintainEvery {
				o.maintain(ctx)
				maintained = o.Now()
			}
			o.drainAll(ctx)
			polled = o.Now()
		}
		timer.Reset(o.nextWake(polled))
	}
}

// nextWake is how long Run may wait before it reads the database: until
// the next poll, the first retry due or the end of a channel's hold.
func (o *Outbox) nextWake(polled time.Time) time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	next := polled.Add(o.Poll)
	earlier := func(t time.Time) {
		if t.Before(next) {
			next = t
		}
	}
	for chat, at := range o.waiting {
		if until, ok := o.held[chat.Channel]; ok && until.After(at) {
			at = until
		}
		earlier(at)
	}
	for _, until := range o.held {
		earlier(until)
	}
	// A floor, so that a database that keeps failing is not read in a
	// busy loop.
	return max(next.Sub(o.Now()), minWake)
}

// loadWaiting learns which chats wait for a retry, from before a restart.
func (o *Outbox) loadWaiting(ctx context.Context) error {
	waiting, err := sigap.Read(ctx, o.Store, func(tx sigap.Tx) (map[sigap.Address]time.Time, error) {
		return tx.WaitingChats(ctx, o.Now())
	})
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for chat, at := range waiting {
		o.waiting[chat] = at
	}
	return nil
}

// drainAll sends every due message in the database, a batch at a time.
func (o *Outbox) drainAll(ctx context.Context) {
	start := o.Now()
	for {
		n, err := o.Drain(ctx)
		if err != nil {
			if ctx.Err() == nil {
				o.Logger.Error("outbox: drain", "err", err)
			}
			return
		}
		if n < outboxBatch {
			break
		}
	}
	// Every chat due by start was in the reads: those still waiting were
	// set again with a later time.
	o.mu.Lock()
	defer o.mu.Unlock()
	for chat, at := range o.waiting {
		if _, held := o.held[chat.Channel]; !held && !at.After(start) {
			delete(o.waiting, chat)
		}
	}
}

// Drain makes one pass over the due messages in the database and returns
// how many it read. Messages to one chat go out in order; different chats
// in parallel; citizen replies before staff notices.
func (o *Outbox) Drain(ctx context.Context) (int, error) {
	o.init()
	now := o.Now()
	skip := o.heldChannels(now)
	due, err := sigap.Read(ctx, o.Store, func(tx sigap.Tx) ([]sigap.Outbound, error) {
		return tx.DueOutbound(ctx, now, outboxBatch, skip)
	})
	if err != nil {
		return 0, fmt.Errorf("desk: outbox due: %w", err)
	}
	if o.Desk != nil {
		o.Desk.hand.claim(due, now)
	}
	o.serveChats(ctx, due)
	return len(due), nil
}

// heldChannels ends the holds that are over and returns the channels still
// held.
func (o *Outbox) heldChannels(now time.Time) []sigap.Channel {
	o.mu.Lock()
	defer o.mu.Unlock()
	var skip []sigap.Channel
	for ch, until := range o.held {
		if until.After(now) {
			skip = append(skip, ch)
		} else {
			delete(o.held, ch)
		}
	}
	return skip
}

// deliverHanded sends what the Desk handed over (a read of the database
// claimed the messages it had), but for messages on a held channel and
// messages to a chat that waits for a retry: those go out from the
// database, in order.
func (o *Outbox) deliverHanded(ctx context.Context, msgs []sigap.Outbound) {
	o.mu.Lock()
	fresh := msgs[:0]
	for _, m := range msgs {
		_, held := o.held[m.To.Channel]
		_, waiting := o.waiting[m.To]
		if !held && !waiting {
			fresh = append(fresh, m)
		}
	}
	o.mu.Unlock()
	slices.SortFunc(fresh, func(a, b sigap.Outbound) int {
		return cmp.Or(cmp.Compare(a.Lane, b.Lane), cmp.Compare(a.ID, b.ID))
	})
	o.serveChats(ctx, fresh)
}

// serveChats serves each chat's messages in order, chats in parallel in
// the order their first message comes.
func (o *Outbox) serveChats(ctx context.Context, msgs []sigap.Outbound) {
	var order []sigap.Address
	byAddr := map[sigap.Address][]sigap.Outbound{}
	for _, m := range msgs {
		if _, ok := byAddr[m.To]; !ok {
			order = append(order, m.To)
		}
		byAddr[m.To] = append(byAddr[m.To], m)
	}
	for _, chat := range byAddr {
		// A chat's own messages go in the order enqueued, whatever lane.
		slices.SortFunc(chat, func(a, b sigap.Outbound) int { return cmp.Compare(a.ID, b.ID) })
	}
	if o.Parallel == 1 {
		for _, a := range order {
			o.serveChat(ctx, byAddr[a])
		}
		return
	}
	sem := make(chan struct{}, o.Parallel)
	var wg sync.WaitGroup
	for _, a := range order {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			o.serveChat(ctx, byAddr[a])
		})
	}
	wg.Wait()
}

// outcome is what became of one try.
type outcome struct {
	mark  func(ctx context.Context, tx sigap.Tx) error // nil: nothing to record
	left  bool                                         // sent or given up
	retry time.Time                                    // when it waits for a retry
	// undelivered is the message given up on, to show and tell.
	undelivered *sigap.Outbound
}

// serveChat sends one chat's messages in order, stopping at the first that
// must wait, and records the outcomes in one transaction.
func (o *Outbox) serveChat(ctx context.Context, msgs []sigap.Outbound) {
	var done []outcome
	var retry time.Time
	for _, m := range msgs {
		out := o.deliver(ctx, m)
		if out.mark != nil {
			done = append(done, out)
		}
		if !out.left {
			retry = out.retry
			break // keep this chat's order: later messages wait
		}
	}
	if len(done) > 0 && !o.record(ctx, done) {
		return
	}
	chat := msgs[0].To
	o.mu.Lock()
	defer o.mu.Unlock()
	if retry.IsZero() {
		delete(o.waiting, chat)
	} else {
		o.waiting[chat] = retry
	}
}

// record stores the outcomes and tells of what was given up, in one
// transaction, even while stopping; it reports whether that worked.
func (o *Outbox) record(ctx context.Context, done []outcome) bool {
	rec := context.WithoutCancel(ctx)
	err := o.Store.Update(rec, func(tx sigap.Tx) error {
		var undelivered []sigap.Outbound
		for _, out := range done {
			if err := out.mark(rec, tx); err != nil {
				return err
			}
			if out.undelivered != nil {
				undelivered = append(undelivered, *out.undelivered)
			}
		}
		if o.Desk == nil || len(undelivered) == 0 {
			return nil
		}
		return o.Desk.undelivered(rec, tx, undelivered)
	})
	if err != nil {
		o.Logger.Error("outbox: record delivery", "err", err)
		return false
	}
	return true
}

// deliver sends one message and says what became of it.
func (o *Outbox) deliver(ctx context.Context, m sigap.Outbound) outcome {
	ok, prober := o.mayAsk(ctx, m.To.Channel)
	if !ok {
		return outcome{} // another chat of this read found the channel sending nothing
	}
	err := o.ask(ctx, m, prober)
	now := o.Now()
	if err != nil && ctx.Err() != nil {
		return outcome{} // shutting down: the message stays due
	}
	var notSent *sigap.NotSentError
	switch {
	case err == nil:
		if o.Sent != nil {
			o.Sent(m.To.Channel)
		}
		return outcome{left: true, mark: func(ctx context.Context, tx sigap.Tx) error { return tx.MarkSent(ctx, m.ID, now) }}
	case errors.As(err, &notSent):
		o.Logger.Debug("outbox: channel sends nothing now", "channel", m.To.Channel, "err", err)
		return outcome{}
	}
	if o.Failed != nil {
		o.Failed(m.To.Channel, err)
	}
	reason := err.Error()
	var perm *sigap.PermanentError
	if errors.As(err, &perm) {
		f := sigap.FailureRefused
		if errors.Is(err, sigap.ErrBlocked) {
			f = sigap.FailureBlocked
		}
		o.Logger.Warn("outbox: undeliverable", "id", m.ID, "to", m.To.String(), "err", err)
		m.FailedAt, m.Failure, m.LastError = now, f, reason
		return outcome{left: true, undelivered: &m,
			mark: func(ctx context.Context, tx sigap.Tx) error { return tx.MarkFailed(ctx, m.ID, now, f, reason) }}
	}
	next := now.Add(Backoff(m.Attempts+1, err))
	o.Logger.Info("outbox: retry later", "id", m.ID, "to", m.To.String(), "attempt", m.Attempts+1, "next", next, "err", err)
	return outcome{retry: next, mark: func(ctx context.Context, tx sigap.Tx) error { return tx.MarkRetry(ctx, m.ID, next, reason) }}
}

// send hands m to its channel, with a way to record each part sent.
func (o *Outbox) send(ctx context.Context, m sigap.Outbound) error {
	sender, ok := o.Senders[m.To.Channel]
	if !ok {
		return &sigap.NotSentError{Err: fmt.Errorf("channel %s is not enabled", m.To.Channel)}
	}
	m.PartSent = func(ctx context.Context, n int) error {
		rec := context.WithoutCancel(ctx) // a part that went out is recorded even while stopping
		return o.Store.Update(rec, func(tx sigap.Tx) error { return tx.MarkPartsSent(rec, m.ID, n) })
	}
	return sender.Send(ctx, m)
}

// mayAsk reports whether a message may be handed to channel ch now: not
// while ch is held. A doubted channel is asked by one chat at a time (the
// prober, which must then call asked); the others wait for its answer.
func (o *Outbox) mayAsk(ctx context.Context, ch sigap.Channel) (ok, prober bool) {
	for {
		o.mu.Lock()
		if until, held := o.held[ch]; held && until.After(o.Now()) {
			o.mu.Unlock()
			return false, false
		}
		if !o.doubted[ch] {
			o.mu.Unlock()
			return true, false
		}
		answered, busy := o.asking[ch]
		if !busy {
			o.asking[ch] = make(chan struct{})
			o.mu.Unlock()
			return true, true
		}
		o.mu.Unlock()
		select {
		case <-answered:
		case <-ctx.Done():
			return false, false
		}
	}
}

// ask hands m to its channel and records what the channel answered, even
// when sending panics: a prober that never answered would keep every other
// chat of its channel waiting.
func (o *Outbox) ask(ctx context.Context, m sigap.Outbound, prober bool) (err error) {
	defer func() { o.asked(m.To.Channel, prober, o.Now(), err) }()
	return o.send(ctx, m)
}

// asked records what channel ch answered at now. A channel that sent
// nothing is held for the wait it asked for and doubted. It is trusted
// again once it sends, or once it fails on its own to the prober; a
// failure to a chat that asked before the doubt says nothing of it.
func (o *Outbox) asked(ch sigap.Channel, prober bool, now time.Time, err error) {
	var notSent *sigap.NotSentError
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case errors.As(err, &notSent):
		o.doubted[ch] = true
		wait := notSent.Wait
		if wait <= 0 {
			wait = holdNotSent
		}
		if until := now.Add(wait); until.After(o.held[ch]) {
			o.held[ch] = until
		}
	case err == nil || prober:
		delete(o.doubted, ch)
	}
	if prober {
		close(o.asking[ch])
		delete(o.asking, ch)
	}
}

// maintain gives up on the messages that waited too long and deletes sent
// messages past KeepSent.
func (o *Outbox) maintain(ctx context.Context) {
	if err := o.Expire(ctx); err != nil && ctx.Err() == nil {
		o.Logger.Error("outbox: give up on old messages", "err", err)
	}
	if o.KeepSent <= 0 {
		return
	}
	before := o.Now().Add(-o.KeepSent)
	for ctx.Err() == nil {
		var n int
		err := o.Store.Update(ctx, func(tx sigap.Tx) (err error) {
			n, err = tx.PruneSent(ctx, before, pruneBatch)
			return err
		})
		if err != nil {
			o.Logger.Error("outbox: prune sent messages", "err", err)
			return
		}
		if n < pruneBatch {
			return
		}
	}
}

// Expire gives up on every message that waited GiveUpAfter, and tells of
// the replies among them.
func (o *Outbox) Expire(ctx context.Context) error {
	o.init()
	now := o.Now()
	return o.Store.Update(ctx, func(tx sigap.Tx) error {
		expired, err := tx.ExpireOutbound(ctx, now.Add(-o.GiveUpAfter), now)
		if err != nil || len(expired) == 0 {
			return err
		}
		o.Logger.Warn("outbox: gave up on messages not sent in time", "count", len(expired), "after", o.GiveUpAfter)
		if o.Desk == nil {
			return nil
		}
		return o.Desk.undelivered(ctx, tx, expired)
	})
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
