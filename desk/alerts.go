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

// DefaultAlertEvery is how often SLA alerts are raised, each time as one
// digest per staff member.
const DefaultAlertEvery = 15 * time.Minute

// everything is a lead long enough that the store returns every unanswered
// ticket not yet warned; the share of the target is checked here, in
// working time, which the store cannot compute.
const everything = 100 * 365 * 24 * time.Hour

// Alerts raises due SLA alerts: a warning once warnAt of a ticket's
// first-response target has passed with no reply, and a breach alert once
// it passed. Each alert is raised once per ticket and audited on it; the
// OPD's staff, and at breach the supervisors and admins too, hear of all
// the pass raised in one digest each, on Telegram once they have linked
// their account. It returns how many alerts it raised.
func (d *Desk) Alerts(ctx context.Context, warnAt float64) (int, error) {
	if warnAt <= 0 || warnAt >= 1 {
		warnAt = DefaultWarnAt
	}
	now := d.cfg.Now()
	kb := d.KB()
	raised := 0
	err := d.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		raised = 0 // the transaction may run again (PostgreSQL)
		g, err := newDigest(ctx, tx)
		if err != nil {
			return err
		}
		raise := func(t sigap.Ticket, kind string) error {
			first, err := tx.MarkAlert(ctx, t.ID, kind, now)
			if err != nil || !first {
				return err
			}
			raised++
			if kind == AlertBreach {
				g.add(noticeBreach, t.OPD, t.Code, true)
				return d.audit(ctx, tx, sigap.ActorSystem, t.ID, sigap.ActionSLABreach, "")
			}
			g.add(noticeWarn, t.OPD, t.Code, false)
			return d.audit(ctx, tx, sigap.ActorSystem, t.ID, sigap.ActionSLAWarn, "")
		}
		warn, err := tx.TicketsNeedingAlert(ctx, AlertWarn, now, everything)
		if err != nil {
			return err
		}
		for _, t := range warn {
			used := d.cfg.Calendar.Between(t.CreatedAt, now)
			if !now.Before(t.FirstResponseDue) || float64(used) < warnAt*float64(kb.Policy(t.OPD).FirstResponse) {
				continue // not yet, or already breached (the breach alert says more)
			}
			if err := raise(t, AlertWarn); err != nil {
				return err
			}
		}
		breach, err := tx.TicketsNeedingAlert(ctx, AlertBreach, now, 0)
		if err != nil {
			return err
		}
		for _, t := range breach {
			if err := raise(t, AlertBreach); err != nil {
				return err
			}
		}
		return g.send(ctx, tx, d)
	})
	if err != nil {
		return 0, fmt.Errorf("desk: SLA alerts: %w", err)
	}
	return raised, nil
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
// is down.
func (d *Desk) WarnSupervisors(ctx context.Context, text string, action sigap.AuditAction, detail string) error {
	err := d.cfg.Store.Update(ctx, func(tx sigap.Tx) error { return d.warnSupervisors(ctx, tx, text, action, detail) })
	if err != nil {
		return fmt.Errorf("desk: warn supervisors: %w", err)
	}
	return nil
}

func (d *Desk) warnSupervisors(ctx context.Context, tx sigap.Tx, text string, action sigap.AuditAction, detail string) error {
	staff, err := tx.ListStaff(ctx)
	if err != nil {
		return err
	}
	for i := range staff {
		if staff[i].Role == sigap.RoleAgent {
			continue
		}
		if err := d.tellStaff(ctx, tx, &staff[i], 0, text); err != nil {
			return err
		}
	}
	return d.audit(ctx, tx, sigap.ActorSystem, 0, action, detail)
}

// ChannelDownAfter is how long a channel may go without its connection
// before supervisors are warned: long enough for a reconnect to pass
// unnoticed.
const ChannelDownAfter = 5 * time.Minute

// ChannelDown reports whether the channel in state s has not been
// connected for ChannelDownAfter at now. A channel that is turned off is
// never down.
func ChannelDown(s sigap.ChannelState, now time.Time) bool {
	return s.State != sigap.StateDisabled && !s.Connected() && now.Sub(s.Since) >= ChannelDownAfter
}

// outageKey is the setting that remembers supervisors were warned of a
// channel's outage, so that a restart neither warns again nor forgets to
// say the channel is back.
func outageKey(ch sigap.Channel) string { return "channel.outage." + string(ch) }

// WatchChannels warns supervisors, once per outage, of each channel in
// states that is down (ChannelDown), and tells them again once it is
// connected. It returns how many warnings it queued.
func (d *Desk) WatchChannels(ctx context.Context, states []sigap.ChannelState) (int, error) {
	changes, err := sigap.Read(ctx, d.cfg.Store, func(tx sigap.Tx) ([]outageChange, error) {
		return d.outageChanges(ctx, tx, states)
	})
	if err != nil || len(changes) == 0 {
		return 0, err
	}
	err = d.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		for _, c := range changes {
			if err := tx.PutSetting(ctx, &c.setting); err != nil {
				return err
			}
			if err := d.warnSupervisors(ctx, tx, c.text, c.action, c.detail); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("desk: watch channels: %w", err)
	}
	return len(changes), nil
}

// outageChange is a channel going down or coming back, as supervisors
// hear of it.
type outageChange struct {
	setting      sigap.Setting // the outage remembered (a state and since when), or none ("")
	text, detail string
	action       sigap.AuditAction
}

// outageChanges compares the channels' states with the outages supervisors
// were warned of.
func (d *Desk) outageChanges(ctx context.Context, tx sigap.Tx, states []sigap.ChannelState) ([]outageChange, error) {
	now := d.cfg.Now()
	var out []outageChange
	for _, s := range states {
		key := outageKey(s.Channel)
		prev, err := tx.Setting(ctx, key)
		if sigap.ErrorCode(err) == sigap.ENOTFOUND {
			prev, err = &sigap.Setting{Key: key}, nil
		}
		if err != nil {
			return nil, err
		}
		switch down := prev.Value != ""; {
		case !down && ChannelDown(s, now):
			out = append(out, outageChange{setting: sigap.Setting{Key: key, Value: s.State, At: s.Since},
				text: d.channelDownText(s), detail: fmt.Sprintf("%s %s: %s", s.Channel, s.State, s.Detail),
				action: sigap.ActionChannelTrouble})
		case down && s.Connected():
			out = append(out, outageChange{setting: sigap.Setting{Key: key, At: now},
				text: d.channelBackText(s.Channel, prev.At), detail: fmt.Sprintf("%s %s", s.Channel, s.State),
				action: sigap.ActionChannelRestored})
		}
	}
	return out, nil
}

// RunChannelWatch checks the channels' states every interval until ctx
// ends.
func (d *Desk) RunChannelWatch(ctx context.Context, every time.Duration, states func() []sigap.ChannelState, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := d.WatchChannels(ctx, states()); err != nil && ctx.Err() == nil {
			log.Error("desk: watch channels", "err", err)
		}
	}
}

// channelDownText tells supervisors a channel is down and what to do.
func (d *Desk) channelDownText(s sigap.ChannelState) string {
	detail := ""
	if s.Detail != "" {
		detail = ": " + s.Detail
	}
	return fmt.Sprintf("⚠️ Kanal %s Sigap tidak tersambung sejak %s (status %s%s). Balasan ke warga di kanal ini menunggu dan terkirim begitu tersambung lagi; kanal lain tetap berjalan. Mohon admin memeriksa halaman Admin → Kanal.",
		s.Channel.Name(), FormatTime(s.Since, d.cfg.Calendar.Location()), s.State, detail)
}

// channelBackText tells supervisors a channel is connected again.
func (d *Desk) channelBackText(ch sigap.Channel, since time.Time) string {
	return fmt.Sprintf("✅ Kanal %s Sigap tersambung kembali (terputus sejak %s). Balasan yang menunggu sedang dikirim.",
		ch.Name(), FormatTime(since, d.cfg.Calendar.Location()))
}
