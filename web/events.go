package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// sseHeartbeat keeps idle connections open through proxies.
const sseHeartbeat = 25 * time.Second

// streamSSE answers r with a server-sent event stream: one event for each
// value from events that format accepts, and a heartbeat comment so that
// proxies keep the connection open, until the client goes away or done
// (nil: never) is closed.
func streamSSE[T any](w http.ResponseWriter, r *http.Request, events <-chan T, done <-chan struct{}, format func(T) (string, bool)) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// An SSE stream outlives the server's write timeout, which would
	// otherwise cut it (net/http lifts the read deadline itself while a
	// handler runs); the heartbeat finds a client that left.
	rc.SetWriteDeadline(time.Time{})
	if err := rc.Flush(); err != nil {
		return
	}
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-done:
			return
		case <-beat.C:
			fmt.Fprint(w, ": ping\n\n")
		case v := <-events:
			msg, ok := format(v)
			if !ok {
				continue
			}
			fmt.Fprint(w, msg)
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

type ticketEvent struct {
	Code   string `json:"code"`
	OPD    string `json:"opd"`
	Status string `json:"status"`
}

// staffEvents streams the changes of the tickets the staff member may see;
// the queue page reloads its list on each. The stream ends with the
// session.
func (s *Server) staffEvents(w http.ResponseWriter, r *http.Request, a *auth) {
	changes, stop := s.cfg.Desk.Watch()
	defer stop()
	streamSSE(w, r, changes, s.sessionEnded(r.Context(), a), func(t sigap.Ticket) (string, bool) {
		if !a.staff.CanSee(t.OPD) {
			return "", false
		}
		data, _ := json.Marshal(ticketEvent{Code: t.Code, OPD: t.OPD, Status: string(t.Status)})
		return fmt.Sprintf("event: ticket\ndata: %s\n\n", data), true
	})
}
