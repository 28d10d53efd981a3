package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// viewAuditGap is how long a view is not audited again for the same staff
// member and thing: a ticket page that reloads on every event, or its
// photos, would otherwise write an entry each time.
const viewAuditGap = 10 * time.Minute

// recentViews remembers which views were audited lately.
type recentViews struct {
	now       sigap.Clock
	mu        sync.Mutex
	at        map[string]time.Time
	lastPrune time.Time
}

func newRecentViews(now sigap.Clock) *recentViews {
	return &recentViews{now: now, at: map[string]time.Time{}}
}

// claim reports whether key is due an audit entry, and if so marks it
// audited now.
func (v *recentViews) claim(key string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.now()
	if now.Sub(v.lastPrune) >= time.Minute {
		v.lastPrune = now
		for k, t := range v.at {
			if now.Sub(t) >= viewAuditGap {
				delete(v.at, k)
			}
		}
	}
	if t, ok := v.at[key]; ok && now.Sub(t) < viewAuditGap {
		return false
	}
	v.at[key] = now
	return true
}

// forget unmarks key, whose audit entry could not be written.
func (v *recentViews) forget(key string) {
	v.mu.Lock()
	delete(v.at, key)
	v.mu.Unlock()
}

// auditView records that a staff member was shown something personal (a
// full phone number, a citizen's file), at most once per viewAuditGap per
// staff member and thing. The view is refused when it cannot be audited.
func (s *Server) auditView(ctx context.Context, a *auth, action sigap.AuditAction, ticketID int64, detail string) error {
	key := fmt.Sprintf("%s|%s|%d|%s", a.staff.Username, action, ticketID, detail)
	if !s.seen.claim(key) {
		return nil
	}
	e := &sigap.AuditEntry{At: s.cfg.Now(), Actor: sigap.StaffActor(a.staff.Username), TicketID: ticketID, Action: action, Detail: detail}
	if err := s.cfg.Store.Update(ctx, func(tx sigap.Tx) error { return tx.AddAudit(ctx, e) }); err != nil {
		s.seen.forget(key)
		return fmt.Errorf("web: audit %s: %w", action, err)
	}
	return nil
}

// auditPhoneView audits a ticket view that shows the citizen's full phone
// number; a citizen without one (web chat, most Telegram chats) shows
// nothing to audit.
func (s *Server) auditPhoneView(ctx context.Context, a *auth, t sigap.Ticket, c sigap.Citizen) error {
	if c.Phone == "" {
		return nil
	}
	return s.auditView(ctx, a, sigap.ActionPhoneView, t.ID, t.Code)
}

// auditExport records that an SLA report left the dashboard.
func (s *Server) auditExport(r *http.Request, a *auth, format string, from, to time.Time) error {
	ctx, loc := r.Context(), s.cfg.Calendar.Location()
	e := &sigap.AuditEntry{At: s.cfg.Now(), Actor: sigap.StaffActor(a.staff.Username), Action: sigap.ActionReportExport,
		Detail: fmt.Sprintf("%s %s–%s", format, from.In(loc).Format(time.DateOnly), to.In(loc).Format(time.DateOnly))}
	if err := s.cfg.Store.Update(ctx, func(tx sigap.Tx) error { return tx.AddAudit(ctx, e) }); err != nil {
		return fmt.Errorf("web: audit report export: %w", err)
	}
	return nil
}
