package desk

import (
	"sync"

	"github.com/pemkab-kebumen/sigap"
)

// maxHandoff bounds the messages waiting to be handed to the outbox; past
// it they are left for the outbox to read from the database.
const maxHandoff = 4096

// handoff carries messages from the transactions that committed them to
// the outbox worker, so that the worker sends them at once instead of
// finding them at its next look into the database. It holds messages only
// while a worker takes them (open); otherwise it only signals.
type handoff struct {
	ready chan struct{} // a value once there is something to take

	mu    sync.Mutex
	open  bool
	msgs  []sigap.Outbound
	drain bool // the worker must read the database: messages were left out, or requeued
}

func newHandoff() *handoff { return &handoff{ready: make(chan struct{}, 1)} }

// put hands over a committed message; it never blocks a transaction.
func (h *handoff) put(o sigap.Outbound) {
	h.mu.Lock()
	switch {
	case !h.open:
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
	h.mu.Unlock()
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
