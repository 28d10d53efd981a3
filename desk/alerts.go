package desk

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Alert kinds, each raised at most once per ticket.
const (
	AlertWarn   = "warn"   // the first-response target is mostly used up
	AlertBreach = "breach" // the first-response target passed without a reply
)

// DefaultWarnAt is the share of the first-response target after which the
// OPD's staff are warned.
const DefaultWarnAt = 0.75

// everything is a lead long enough that the store returns every unanswered
// ticket not yet warned; the share of the target is checked here, in
// working time, which the store cannot compute.
const everything = 100 * 365 * 24 * time.Hour

// Alerts raises due SLA alerts through the outbox: a warning to the OPD's
// staff once warnAt of the first-response target has passed with no reply,
// and at breach a warning to the supervisors too. Staff receive alerts on
// Telegram once they have linked their account. It returns how many alerts
// it raised.
func (d *Desk) Alerts(ctx context.Context, warnAt float64) (int, error) {
	if warnAt <= 0 || warnAt >= 1 {
		warnAt = DefaultWarnAt
	}
	now := d.cfg.Now()
	kb := d.KB()
	raised := 0
	err := d.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		staff, err := tx.ListStaff(ctx)
		if err != nil {
			return err
		}
		warn, err := tx.TicketsNeedingAlert(ctx, AlertWarn, now, everything)
		if err != nil {
			return err
		}
		for _, t := range warn {
			target := kb.Policy(t.OPD).FirstResponse
			used := d.cfg.Calendar.Between(t.CreatedAt, now)
			if !now.Before(t.FirstResponseDue) || float64(used) < warnAt*float64(target) {
				continue // not yet, or already breached (the breach alert says more)
			}
			text := fmt.Sprintf("⚠️ Tiket %s (%s) belum dijawab. Batas respons pertama: %s.",
				t.Code, t.OPD, FormatTime(t.FirstResponseDue, d.cfg.Calendar.Location()))
			n, err := d.alert(ctx, tx, t, AlertWarn, text, staff, false)
			if err != nil {
				return err
			}
			raised += n
		}
		breach, err := tx.TicketsNeedingAlert(ctx, AlertBreach, now, 0)
		if err != nil {
			return err
		}
		for _, t := range breach {
			text := fmt.Sprintf("🔴 Tiket %s (%s) melewati batas respons pertama (%s) dan belum dijawab.",
				t.Code, t.OPD, FormatTime(t.FirstResponseDue, d.cfg.Calendar.Location()))
			n, err := d.alert(ctx, tx, t, AlertBreach, text, staff, true)
			if err != nil {
				return err
			}
			raised += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("desk: SLA alerts: %w", err)
	}
	return raised, nil
}

// alert marks the alert raised and queues it to the OPD's linked staff and,
// with supervisors, to linked supervisors and admins.
func (d *Desk) alert(ctx context.Context, tx sigap.Tx, t sigap.Ticket, kind, text string, staff []sigap.Staff, supervisors bool) (int, error) {
	first, err := tx.MarkAlert(ctx, t.ID, kind, d.cfg.Now())
	if err != nil || !first {
		return 0, err
	}
	for _, s := range staff {
		if s.Disabled || s.TelegramChatID == "" {
			continue
		}
		boss := s.Role == sigap.RoleSupervisor || s.Role == sigap.RoleAdmin
		if s.OPD != t.OPD && !(supervisors && boss) {
			continue
		}
		o := &sigap.Outbound{To: sigap.Address{Channel: sigap.Telegram, ID: s.TelegramChatID}, TicketID: t.ID, Text: text, Created: d.cfg.Now()}
		if err := d.enqueue(ctx, tx, o); err != nil {
			return 0, err
		}
	}
	action := sigap.ActionSLAWarn
	if kind == AlertBreach {
		action = sigap.ActionSLABreach
	}
	return 1, d.audit(ctx, tx, sigap.ActorSystem, t.ID, action, "")
}

// RunAlerts raises due SLA alerts every interval until ctx ends.
func (d *Desk) RunAlerts(ctx context.Context, every time.Duration, warnAt float64, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := d.Alerts(ctx, warnAt); err != nil && ctx.Err() == nil {
			log.Error("desk: SLA alerts", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// WarnSupervisors sends text to every supervisor and admin who linked
// Telegram, through the outbox, and records action in the audit log. It is
// for trouble staff must act on outside any ticket, such as a channel that
// was logged out.
func (d *Desk) WarnSupervisors(ctx context.Context, text string, action sigap.AuditAction, detail string) error {
	err := d.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		staff, err := tx.ListStaff(ctx)
		if err != nil {
			return err
		}
		for _, s := range staff {
			if s.Disabled || s.TelegramChatID == "" || s.Role == sigap.RoleAgent {
				continue
			}
			o := &sigap.Outbound{To: sigap.Address{Channel: sigap.Telegram, ID: s.TelegramChatID}, Text: text, Created: d.cfg.Now()}
			if err := d.enqueue(ctx, tx, o); err != nil {
				return err
			}
		}
		return d.audit(ctx, tx, sigap.ActorSystem, 0, action, detail)
	})
	if err != nil {
		return fmt.Errorf("desk: warn supervisors: %w", err)
	}
	return nil
}

// ChannelTroubleText tells supervisors a channel is down (logged out,
// banned) and what to do.
func ChannelTroubleText(channel, state, detail string) string {
	return fmt.Sprintf("⚠️ Kanal %s Sigap berstatus %q: %s. Kanal lain tetap berjalan; mohon admin memeriksa dan menautkan ulang %s di halaman Admin.",
		channel, state, detail, channel)
}
