package desk

import (
	"sync"

	"github.com/pemkab-kebumen/sigap"
)

// watchers fans committed ticket changes out to whoever watches them (the
// dashboards' live queues).
type watchers struct {
	mu   sync.Mutex
	subs map[chan sigap.Ticket]struct{}
}

func newWatchers() *watchers { return &watchers{subs: make(map[chan sigap.Ticket]struct{})} }

// Watch returns a channel that receives each ticket change once it is
// committed, and a function that ends the watch.
func (d *Desk) Watch() (<-chan sigap.Ticket, func()) {
	w := d.watchers
	ch := make(chan sigap.Ticket, 16)
	w.mu.Lock()
	w.subs[ch] = struct{}{}
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		delete(w.subs, ch)
		w.mu.Unlock()
	}
}

// publish never blocks the desk: a dashboard that is this far behind
// reloads its whole list on the changes already queued for it.
func (w *watchers) publish(t sigap.Ticket) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch := range w.subs {
		select {
		case ch <- t:
		default:
		}
	}
}
