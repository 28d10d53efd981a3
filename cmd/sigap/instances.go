package main

import (
	"cmp"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/storage"
)

// runChannels runs what one instance at a time runs for a database — the
// channels, the outbox sender, the SLA alerts, the channel watch, the
// retention period's anonymization — once
// this instance holds the lease, until ctx ends or the lease is lost,
// which it returns as an error: the channels of an instance that lost its
// lease may already run elsewhere, so it stops, and its service manager
// starts it again as a stand-by.
func (m *Main) runChannels(ctx context.Context) error {
	lease, err := m.awaitLease(ctx)
	if err != nil {
		return nil // ctx ended while standing by
	}
	defer func() {
		m.holding.Store(false)
		if err := lease.Release(); err != nil {
			m.Logger.Warn("release the channels' lease", "err", err)
		}
	}()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	for _, a := range m.Adapters {
		if a == sigap.ChannelAdapter(m.WebChat) {
			continue // started by Run, on every instance
		}
		if err := a.Start(ctx, m.Bot); err != nil {
			m.Logger.Error("channel did not start; the others keep running", "channel", a.Channel(), "err", err)
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := m.Outbox.Run(ctx); err != nil && ctx.Err() == nil {
			m.Logger.Error("outbox stopped", "err", err)
		}
	})
	wg.Go(func() { m.Desk.RunAlerts(ctx, m.Config.AlertEvery, m.Config.SLAWarnAt, m.Logger) })
	wg.Go(func() { m.Desk.RunChannelWatch(ctx, channelCheckEvery, m.States, m.Logger) })
	wg.Go(func() { m.runRetention(ctx) }) // once per database is enough
	var lost error
	select {
	case <-ctx.Done():
	case <-lease.Lost():
		lost = fmt.Errorf("this instance lost the channels' lease and stops, so that its channels do not run twice; start it again and it waits as a stand-by: %w", lease.Err())
		m.Logger.Error("lost the channels' lease", "err", lease.Err())
	}
	stop()
	m.stopChannels()
	wg.Wait()
	return lost
}

// awaitLease returns the lease Open took (SQLite), or waits as a stand-by
// until this instance takes it (PostgreSQL).
func (m *Main) awaitLease(ctx context.Context) (*storage.Lease, error) {
	if m.lease != nil {
		m.holder = storage.ThisProcess(m.Now())
		m.holding.Store(true)
		return m.lease, nil
	}
	if h, err := m.Store.LeaseHolder(ctx); err == nil {
		m.Logger.Info("standing by: another instance runs the channels", "pid", h.PID, "host", h.Host, "since", h.Since)
	}
	me := storage.ThisProcess(m.Now())
	lease, err := m.Store.AwaitLease(ctx, me)
	if err != nil {
		return nil, err
	}
	m.holder = me
	m.holding.Store(true)
	m.Logger.Info("this instance runs the channels", "db", m.Store.Name())
	return lease, nil
}

// channelsHolder is /healthz's word on which instance runs the channels:
// this one ("here"), another, or none at this moment (a takeover is under
// way), as nil.
func (m *Main) channelsHolder(ctx context.Context) any {
	type holder struct {
		PID   int       `json:"pid"`
		Host  string    `json:"host"`
		Since time.Time `json:"since"`
		Here  bool      `json:"here"`
	}
	if m.holding.Load() {
		return holder{PID: m.holder.PID, Host: m.holder.Host, Since: m.holder.Since, Here: true}
	}
	h, err := m.Store.LeaseHolder(ctx)
	if err != nil {
		return nil
	}
	return holder{PID: h.PID, Host: h.Host, Since: h.Since}
}

// followOtherInstances keeps what this instance shows and runs up to date
// with what the other instances of a shared database commit: the
// dashboards' live queues, the web chat pages, the KB an admin edited and,
// on the holder, the outbox. On SQLite there are no others.
func (m *Main) followOtherInstances(ctx context.Context) {
	err := m.Store.Listen(ctx, func(c storage.Change) { m.changedElsewhere(ctx, c) },
		func(err error) {
			m.following.Store(false)
			m.Logger.Warn("the other instances' changes: listening again", "err", err)
		})
	if err != nil {
		m.Logger.Error("the other instances' changes are no longer heard", "err", err)
	}
}

func (m *Main) changedElsewhere(ctx context.Context, c storage.Change) {
	var err error
	switch c.What {
	case storage.ChangedTicket:
		var t *sigap.Ticket
		if t, err = sigap.Read(ctx, m.Store, func(tx sigap.Tx) (*sigap.Ticket, error) { return tx.TicketByID(ctx, c.ID) }); err == nil {
			m.Desk.ChangedElsewhere(*t, cmp.Or(c.From, t.OPD))
		}
	case storage.ChangedChat:
		var citizen *sigap.Citizen
		if m.WebChat == nil {
			return
		}
		if citizen, err = sigap.Read(ctx, m.Store, func(tx sigap.Tx) (*sigap.Citizen, error) { return tx.CitizenByID(ctx, c.ID) }); err == nil {
			m.WebChat.Notify(citizen.Address.ID)
		}
	case storage.ChangedKB:
		var k *sigap.KB
		if m.Config.KB != "" {
			return // the --kb file is in force, whatever the dashboard saved
		}
		if k, err = kb.Saved(ctx, m.Store); err == nil && k != nil {
			m.KB.Set(k)
		}
	case storage.ChangesMissed: // (re)connected: from now on nothing is missed
		m.following.Store(true)
		m.Desk.MissedElsewhere()
		m.Desk.EnqueuedElsewhere()
	case storage.ChangedOutbox:
		m.Desk.EnqueuedElsewhere()
	}
	if err != nil && ctx.Err() == nil {
		m.Logger.Warn("another instance's change", "change", c.What, "id", c.ID, "err", err)
	}
}
