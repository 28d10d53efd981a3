package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// hub fans committed ticket changes out to the dashboards watching them.
type hub struct {
	mu   sync.Mutex
	subs map[chan sigap.Ticket]struct{}
}

func newHub() *hub { return &hub{subs: make(map[chan sigap.Ticket]struct{})} }

func (h *hub) subscribe() (<-chan sigap.Ticket, func()) {
	ch := make(chan sigap.Ticket, 16)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

// publish never blocks the desk: a dashboard that is this far behind
// reloads its whole list on the changes already queued for it.
func (h *hub) publish(t sigap.Ticket) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- t:
		default:
		}
	}
}

// sseHeartbeat keeps idle connections open through proxies.
const sseHeartbeat = 25 * time.Second

// startSSE prepares an event stream, or reports that w cannot stream.
func startSSE(w http.ResponseWriter) (*http.ResponseController, bool) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// An SSE stream outlives any server write timeout.
	rc.SetWriteDeadline(time.Time{})
	if err := rc.Flush(); err != nil {
		return nil, false
	}
	return rc, true
}

type ticketEvent struct {
	Code   string `json:"code"`
	OPD    string `json:"opd"`
	Status string `json:"status"`
}

// staffEvents streams the changes of the tickets the staff member may see;
// the queue page reloads its list on each.
func (s *Server) staffEvents(w http.ResponseWriter, r *http.Request, a *auth) {
	changes, stop := s.staff.subscribe()
	defer stop()
	rc, ok := startSSE(w)
	if !ok {
		return
	}
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-beat.C:
			fmt.Fprint(w, ": ping\n\n")
		case t := <-changes:
			if !a.staff.CanSee(t.OPD) {
				continue
			}
			data, _ := json.Marshal(ticketEvent{Code: t.Code, OPD: t.OPD, Status: string(t.Status)})
			fmt.Fprintf(w, "event: ticket\ndata: %s\n\n", data)
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
