package desk

import (
	"slices"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// maxHandoff bounds the messages waiting to be handed to the outbox; past
// it they are left for the outbox to read from the database.
const maxHandoff = 4096

// claimKept is how long the handoff remembers a message the outbox read
// from the database, for a hand-over of it still to come. That comes right
// after its commit; a message no one hands over (another instance's) is
// forgotten then.
const claimKept = 10 * time.Minute

// handoff carries messages from the transactions that committed them to
// the outbox worker, so that the worker sends them at once instead of
// finding them at its next look into the database. It holds messages only
// while a worker takes them (open); otherwise it only signals.
//
// A message goes out by one way only: when the worker reads it from the
// database, it claims it, and the handoff drops it, whether it was handed
// over before the claim or is handed over after. (A read cannot tell by
// the ids which messages it saw: on PostgreSQL concurrent transactions
// commit in another order than they took their ids.)
type handoff struct {
	ready chan struct{} // a value once there is something to take

	mu      sync.Mutex
	open    bool
	msgs    []sigap.Outbound
	drain   bool                // the worker must read the database: messages were left out, or requeued
	claimed map[int64]time.Time // messages read from the database before their hand-over, with when
}

func newHandoff() *handoff {
	return &handoff{ready: make(chan struct{}, 1), claimed: map[int64]time.Time{}}
}

// put hands over a committed message; it never blocks a transaction.
func (h *handoff) put(o sigap.Outbound) {
	h.mu.Lock()
	_, claimed := h.claimed[o.ID]
	switch {
	case !h.open:
	case claimed:
		delete(h.claimed, o.ID)
	case len(h.msgs) >= maxHandoff:
		h.drain = true
	default:
		h.msgs = append(h.msgs, o)
	}
	h.mu.Unlock()
	h.signal()
}

// requestDrain asks the worker to read the database, for a message it
// could not be handed (one put back in the queue keeps its old place).
func (h *handoff) requestDrain() {
	h.mu.Lock()
	if h.open {
		h.drain = true
	}
	h.mu.Unlock()
	h.signal()
}

func (h *handoff) signal() {
	select {
	case h.ready <- struct{}{}:
	default:
	}
}

// start makes the handoff hold messages for a worker, until stop.
func (h *handoff) start() {
	h.mu.Lock()
	h.open = true
	h.mu.Unlock()
}

func (h *handoff) stop() {
	h.mu.Lock()
	h.open, h.msgs, h.drain = false, nil, false
	clear(h.claimed)
	h.mu.Unlock()
}

// claim takes the messages a read of the database returned away from the
// handoff: those handed over already, and those handed over later.
func (h *handoff) claim(read []sigap.Outbound, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.open {
		return
	}
	for id, at := range h.claimed {
		if now.Sub(at) > claimKept {
			delete(h.claimed, id)
		}
	}
	for _, m := range read {
		if i := slices.IndexFunc(h.msgs, func(o sigap.Outbound) bool { return o.ID == m.ID }); i >= 0 {
			h.msgs = slices.Delete(h.msgs, i, i+1)
		} else {
			h.claimed[m.ID] = now
		}
	}
}

// take returns what was handed over since the last take, and whether the
// worker must also read the database.
func (h *handoff) take() (msgs []sigap.Outbound, drain bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	msgs, drain = h.msgs, h.drain
	h.msgs, h.drain = nil, false
	return msgs, drain
}
