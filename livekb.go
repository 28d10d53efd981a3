package sigap

import (
	"sync"
	"sync/atomic"
)

// LiveKB holds the knowledge base in force. An admin may replace it while
// Sigap runs; whoever derives state from it (the FAQ index, the router)
// subscribes and rebuilds.
type LiveKB struct {
	kb   atomic.Pointer[KB]
	mu   sync.Mutex
	subs []func(*KB)
}

// NewLiveKB returns a LiveKB holding kb.
func NewLiveKB(kb *KB) *LiveKB {
	l := &LiveKB{}
	l.kb.Store(kb)
	return l
}

// Get returns the KB in force. Callers must not modify it.
func (l *LiveKB) Get() *KB { return l.kb.Load() }

// Set replaces the KB and tells every subscriber, in order of subscription.
// The caller validates kb first.
func (l *LiveKB) Set(kb *KB) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.kb.Store(kb)
	for _, f := range l.subs {
		f(kb)
	}
}

// Subscribe registers f to be called with each new KB.
func (l *LiveKB) Subscribe(f func(*KB)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.subs = append(l.subs, f)
}
