package staff

import "sync"

// sessionWatch tells open event streams that their session ended.
type sessionWatch struct {
	mu sync.Mutex
	// byStaff holds, per account, each watcher's session token hash.
	byStaff map[int64]map[chan struct{}]string
}

func newSessionWatch() *sessionWatch {
	return &sessionWatch{byStaff: make(map[int64]map[chan struct{}]string)}
}

func (w *sessionWatch) add(staffID int64, tokenHash string) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	w.mu.Lock()
	if w.byStaff[staffID] == nil {
		w.byStaff[staffID] = make(map[chan struct{}]string)
	}
	w.byStaff[staffID][ch] = tokenHash
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if _, ok := w.byStaff[staffID][ch]; ok {
			delete(w.byStaff[staffID], ch)
			close(ch)
		}
		if len(w.byStaff[staffID]) == 0 {
			delete(w.byStaff, staffID)
		}
	}
}

// end closes the watchers of one session of the account, or of all its
// sessions when tokenHash is empty.
func (w *sessionWatch) end(staffID int64, tokenHash string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for ch, h := range w.byStaff[staffID] {
		if tokenHash == "" || h == tokenHash {
			delete(w.byStaff[staffID], ch)
			close(ch)
		}
	}
	if len(w.byStaff[staffID]) == 0 {
		delete(w.byStaff, staffID)
	}
}
