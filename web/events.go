package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
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

// rowEvent is a live list's change: the changed ticket's row, rendered
// with the list's own template, or an empty HTML when the ticket left the
// list.
type rowEvent struct {
	Code  string `json:"code"`
	Order string `json:"order,omitempty"`
	HTML  string `json:"html"`
}

// staffEvents streams the changes of the tickets the staff member may see.
// With rows=1 and a list's filter (queueFilter's parameters) it sends each
// changed ticket's row as that list shows it, so that the queue patches
// itself instead of reloading; otherwise a small "ticket" event, on which
// a ticket's page reloads its thread. The stream ends with the session.
func (s *Server) staffEvents(w http.ResponseWriter, r *http.Request, a *auth) {
	rows := r.URL.Query().Get("rows") == "1"
	f, err := s.queueFilter(r, a)
	if err != nil {
		s.fail(w, r, a, err)
		return
	}
	changes, stop := s.cfg.Desk.Watch()
	defer stop()
	streamSSE(w, r, changes, s.sessionEnded(r.Context(), a), func(c desk.Change) (string, bool) {
		if c.Missed {
			return "event: missed\ndata: {}\n\n", true // names no ticket: nothing to leak
		}
		t := c.Ticket
		if !a.staff.CanSee(t.OPD) && !a.staff.CanSee(c.FromOPD) {
			return "", false // never seen here: nothing to tell, nothing to leak
		}
		if rows {
			return s.rowEvent(r, a, f, t)
		}
		data, _ := json.Marshal(ticketEvent{Code: t.Code, OPD: t.OPD, Status: string(t.Status)})
		return fmt.Sprintf("event: ticket\ndata: %s\n\n", data), true
	})
}

// rowEvent renders the list row of a changed ticket, or says it left the
// list; a ticket moved to an OPD the staff member cannot see leaves it too.
func (s *Server) rowEvent(r *http.Request, a *auth, f sigap.TicketFilter, t sigap.Ticket) (string, bool) {
	ctx := r.Context()
	ev := rowEvent{Code: t.Code}
	row, err := s.cfg.Desk.TicketRow(ctx, a.staff, f, t.ID)
	if err != nil {
		s.cfg.Logger.Warn("web: live row", "ticket", t.Code, "err", err)
		return "", false
	}
	if row != nil {
		// Every open list renders every change: the names, which a row
		// needs only for its assignee, are read only then.
		var names map[string]string
		if row.Assignee != "" {
			if names, err = s.cfg.Desk.StaffNames(ctx); err != nil {
				s.cfg.Logger.Warn("web: live row", "ticket", t.Code, "err", err)
				return "", false
			}
		}
		var b bytes.Buffer
		view := s.ticketRow(*row, names, s.cfg.Now())
		if err := s.pages["queue"].ExecuteTemplate(&b, "ticketRow", view); err != nil {
			s.cfg.Logger.Error("web: render live row", "ticket", t.Code, "err", err)
			return "", false
		}
		ev.Order, ev.HTML = view.Order, b.String()
	}
	data, _ := json.Marshal(ev)
	return fmt.Sprintf("event: row\ndata: %s\n\n", data), true
}
