package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// maxGroup bounds how many updates share one transaction: enough to pay
// one fsync for a burst of messages from every channel, few enough that
// the first of a group does not wait long for the last.
const maxGroup = 256

// committer runs every Update of a DB outside a Batch on one goroutine, in
// groups (group commit): it takes the updates waiting when it begins a
// transaction, runs each in a savepoint of its own, and commits once. A
// caller returns only after the commit that holds its update, so a channel
// acknowledges a message to its platform only once it is on disk; with
// synchronous=FULL that costs one fsync per group instead of one per
// message. Under no load a group is one update, committed at once.
type committer struct {
	db      *DB
	mu      sync.Mutex
	waiting []*request
	closed  bool
	// syncer flushes the WAL after each group's commit and then tells
	// its callers; nil when a commit is durable once it returns
	// (":memory:", which no disk holds).
	syncer *walSyncer
	wake   chan struct{} // holds a value once waiting grew or closed was set
	ended  chan struct{} // closed when the goroutine has returned
}

// request is one Update waiting for the committer, and then its outcome.
type request struct {
	ctx   context.Context
	fn    func(sigap.Tx) error
	tx    *Tx // the update's own Tx, which holds its OnCommit hooks
	err   error
	panic any // what fn panicked with, raised again in the caller
	done  chan struct{}
	// syncing is set once the request's group committed and the syncer
	// closes done after the fsync.
	syncing bool
}

func startCommitter(db *DB) *committer {
	c := &committer{db: db, wake: make(chan struct{}, 1), ended: make(chan struct{})}
	if db.path != ":memory:" {
		c.syncer = startWALSyncer(db)
	}
	go c.run()
	return c
}

// update submits fn and waits for the outcome of its group. The OnCommit
// hooks run on the caller's goroutine, so a slow hook (a KB put in force)
// delays no one else's commit, and a hook may update the database again.
func (c *committer) update(ctx context.Context, fn func(sigap.Tx) error) error {
	r := &request{ctx: ctx, fn: fn, done: make(chan struct{})}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return fmt.Errorf("storage: update of %s after it was closed", c.db.path)
	}
	c.waiting = append(c.waiting, r)
	c.mu.Unlock()
	c.signal()
	<-r.done
	if r.panic != nil {
		panic(r.panic)
	}
	if r.err != nil {
		return r.err
	}
	r.tx.committed()
	return nil
}

func (c *committer) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// stop lets the updates already submitted finish, refuses new ones, and
// waits for the goroutine to end.
func (c *committer) stop() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.signal()
	<-c.ended
}

func (c *committer) run() {
	defer close(c.ended)
	defer c.syncer.stop()
	upkeep := time.NewTicker(vacuumEvery)
	defer upkeep.Stop()
	for {
		select {
		case <-c.wake:
		case <-upkeep.C:
			c.db.vacuumStep(context.Background())
			continue
		}
		for {
			group, closed := c.take()
			if len(group) == 0 {
				if closed {
					return
				}
				break
			}
			c.commit(group)
		}
	}
}

// take removes up to maxGroup waiting updates, oldest first, and says
// whether the database is closing.
func (c *committer) take() ([]*request, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := min(len(c.waiting), maxGroup)
	group := c.waiting[:n:n]
	if n == len(c.waiting) {
		c.waiting = nil
	} else {
		c.waiting = append([]*request(nil), c.waiting[n:]...)
	}
	return group, c.closed
}

// commit runs a group in one transaction and tells each caller its
// outcome. An update runs bare while nothing in the transaction is worth
// keeping, since rolling back the whole transaction then undoes it alone;
// after that each runs in a savepoint. A failed commit fails every update
// it held: none of them is on disk.
func (c *committer) commit(group []*request) {
	defer func() {
		for _, r := range group {
			if !r.syncing {
				close(r.done)
			}
		}
	}()
	g := &groupTx{db: c.db, relaxed: c.syncer != nil}
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		if err := g.apply(r); err != nil {
			g.lost(err)
		}
	}
	if g.tx == nil {
		return
	}
	if len(g.kept) == 0 {
		g.tx.Rollback()
		return
	}
	if err := c.db.refreshSearch(context.Background(), g.tx); err != nil {
		c.db.writes.note(err)
		g.lost(err)
		return
	}
	if err := g.tx.Commit(); err != nil {
		c.db.writes.note(err)
		for _, r := range g.kept {
			r.err = fmt.Errorf("storage: commit: %w", err)
		}
		return
	}
	c.db.writes.note(nil)
	c.db.wal.grew()
	if c.syncer != nil {
		for _, r := range g.kept {
			r.syncing = true
		}
		c.syncer.wait(g.kept)
	}
}

// groupTx is the transaction of one group while it runs.
type groupTx struct {
	db *DB
	// relaxed commits without waiting for the disk (see walSyncer).
	relaxed bool
	tx      *connTx    // nil until the first update, and after it was lost
	kept    []*request // updates applied in tx so far
}

// lost ends a transaction that can no longer commit: what it held fails
// with err.
func (g *groupTx) lost(err error) {
	for _, r := range g.kept {
		r.err = err
	}
	if g.tx != nil {
		g.tx.Rollback()
	}
	g.tx, g.kept = nil, nil
}

// apply runs one update in the group's transaction, beginning one when
// there is none. It returns an error only when the transaction itself was
// lost; the update's own failure is in r.err.
func (g *groupTx) apply(r *request) error {
	if g.tx == nil {
		tx, err := g.db.beginWrite(context.Background(), g.relaxed)
		if err != nil {
			g.db.writes.note(err)
			r.err = fmt.Errorf("storage: begin: %w", err)
			return nil
		}
		g.tx = tx
	}
	// The update's statements run to their end even when its caller
	// stops waiting: an interrupted statement can roll back the whole
	// transaction, and with it the group's other updates.
	ctx := context.WithoutCancel(r.ctx)
	bare := len(g.kept) == 0
	if !bare {
		if _, err := g.tx.ExecContext(ctx, "SAVEPOINT group_update"); err != nil {
			r.err = fmt.Errorf("storage: savepoint: %w", err)
			return r.err
		}
	}
	r.tx = g.db.newSharedTx(g.tx)
	r.err, r.panic = call(r.fn, r.tx)
	if r.err != nil {
		g.db.writes.note(r.err) // counts only SQLite failing to write
	}
	switch {
	case r.err == nil && !bare:
		// Released at once: an open savepoint keeps SQLite's statement
		// journal growing, and every later statement walks it from its
		// start (a group of 256 open savepoints cost a third of serve's
		// CPU under web chat load).
		if _, err := g.tx.ExecContext(ctx, "RELEASE group_update"); err != nil {
			r.err = fmt.Errorf("storage: release savepoint: %w", err)
			return r.err
		}
		g.kept = append(g.kept, r)
	case r.err == nil:
		g.kept = append(g.kept, r)
	case bare:
		g.tx.Rollback()
		g.tx = nil
	default:
		// To the latest savepoint of that name: this update's, which
		// ROLLBACK TO leaves open, so it is released too.
		if _, err := g.tx.ExecContext(ctx, "ROLLBACK TO group_update"); err != nil {
			return errors.Join(r.err, fmt.Errorf("storage: roll back savepoint: %w", err))
		}
		if _, err := g.tx.ExecContext(ctx, "RELEASE group_update"); err != nil {
			return errors.Join(r.err, fmt.Errorf("storage: release savepoint: %w", err))
		}
	}
	return nil
}

// call runs fn, turning a panic into an error for the rollback and the
// value to raise again in the caller's goroutine.
func call(fn func(sigap.Tx) error, tx *Tx) (err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			err, panicked = fmt.Errorf("storage: update panicked: %v", p), p
		}
	}()
	return fn(tx), nil
}
