package bot

import (
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

const (
	// floodLimit messages within floodWindow make a citizen flooding.
	floodLimit  = 20
	floodWindow = time.Minute
	// ackGap is the least time between two "added to your ticket"
	// acknowledgements, so a citizen writing in several short messages
	// gets one, not one each.
	ackGap = 30 * time.Minute
)

// floodGuard counts each citizen's recent messages in memory. Losing it on
// restart only forgets who was flooding.
type floodGuard struct {
	mu    sync.Mutex
	seen  map[sigap.Address][]time.Time
	noted map[sigap.Address]bool // got the slow-down notice in this flood
}

func newFloodGuard() *floodGuard {
	return &floodGuard{seen: map[sigap.Address][]time.Time{}, noted: map[sigap.Address]bool{}}
}

// check records a message at now and reports whether the sender is
// flooding, and whether they should get the slow-down notice (once per
// flood).
func (g *floodGuard) check(a sigap.Address, now time.Time) (flooding, warn bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	times := g.seen[a]
	keep := times[:0]
	for _, t := range times {
		if now.Sub(t) < floodWindow {
			keep = append(keep, t)
		}
	}
	keep = append(keep, now)
	if len(keep) > floodLimit+1 {
		keep = keep[len(keep)-floodLimit-1:]
	}
	g.seen[a] = keep
	if len(keep) <= floodLimit {
		delete(g.noted, a)
		return false, false
	}
	_, noted := g.noted[a]
	return true, !noted
}

// warned records that the notice was committed.
func (g *floodGuard) warned(a sigap.Address) {
	g.mu.Lock()
	g.noted[a] = true
	g.mu.Unlock()
}

// ackMemory remembers when each citizen last got a follow-up
// acknowledgement.
type ackMemory struct {
	mu   sync.Mutex
	last map[sigap.Address]time.Time
}

func newAckMemory() *ackMemory { return &ackMemory{last: map[sigap.Address]time.Time{}} }

func (m *ackMemory) due(a sigap.Address, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.last[a]
	return !ok || now.Sub(t) >= ackGap
}

func (m *ackMemory) mark(a sigap.Address, now time.Time) {
	m.mu.Lock()
	m.last[a] = now
	m.mu.Unlock()
}
