package desk

import (
	"sync"

	"github.com/pemkab-kebumen/sigap"
)

// Change is a committed change of a ticket, as the dashboards hear of it.
type Change struct {
	Ticket sigap.Ticket
	// FromOPD is the OPD that held the ticket before the change: a
	// dashboard that could see the ticket there must hear that it left.
	FromOPD string
	// Missed says that changes may have gone unheard (another instance's,
	// while this one was not listening): whatever shows tickets reloads.
	// Ticket and FromOPD are then empty.
	Missed bool
}

// watchers fans committed ticket changes out to whoever watches them (the
// dashboards' live queues).
type watchers struct {
	mu   sync.Mutex
	subs map[chan Change]struct{}
}

func newWatchers() *watchers { return &watchers{subs: make(map[chan Change]struct{})} }

// Watch returns a channel that receives each ticket change once it is
// committed, and a function that ends the watch.
func (d *Desk) Watch() (<-chan Change, func()) {
	w := d.watchers
	ch := make(chan Change, 64)
	w.mu.Lock()
	w.subs[ch] = struct{}{}
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		delete(w.subs, ch)
		w.mu.Unlock()
	}
}

// publish never blocks the desk: a dashboard this far behind misses
// changes, which its periodic refresh brings in.
func (w *watchers) publish(c Change) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.subs {
		select {
		case ch <- c:
		default:
		}
	}
}
