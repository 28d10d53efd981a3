package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/metrics"
	"github.com/pemkab-kebumen/sigap/sla"
)

// core is the channel-agnostic heart that serve and replay share: the KB
// in force, the calendar, the router, the desk, the conversation and the
// outbox.
type core struct {
	kb     *sigap.LiveKB
	cal    *sla.Calendar
	router *bot.LiveRouter
	desk   *desk.Desk
	bot    *bot.Bot
	outbox *desk.Outbox
}

type coreConfig struct {
	KB       *sigap.KB
	Store    sigap.Store
	Now      sigap.Clock
	Logger   *slog.Logger
	Metrics  *metrics.Registry
	OnChange func(sigap.Ticket)
	Senders  map[sigap.Channel]sigap.Sender
	Parallel int
}

func newCore(ctx context.Context, cfg coreConfig) (*core, error) {
	cal, err := sla.NewCalendar(cfg.KB.Calendar)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	live := sigap.NewLiveKB(cfg.KB)
	router, err := bot.NewLiveRouter(ctx, cfg.Store, live, cfg.Logger)
	if err != nil {
		return nil, err
	}
	ob := &desk.Outbox{Store: cfg.Store, Senders: cfg.Senders, Now: cfg.Now, Logger: cfg.Logger, Parallel: cfg.Parallel}
	if m := cfg.Metrics; m != nil {
		out := m.Counter("sigap_messages_out_total", "Messages delivered to citizens and staff, by channel.", "channel")
		fail := m.Counter("sigap_send_errors_total", "Failed delivery attempts, by channel.", "channel")
		ob.Sent = func(ch sigap.Channel) { out.Inc(string(ch)) }
		ob.Failed = func(ch sigap.Channel, _ error) { fail.Inc(string(ch)) }
	}
	texts := bot.Texts{Loc: cal.Location()}
	d := desk.New(desk.Config{Store: cfg.Store, KB: live, Calendar: cal, Now: cfg.Now, Texts: texts,
		Learn: router.Learn, OnChange: cfg.OnChange, Kick: ob.Kick})
	b := bot.New(bot.Config{Store: cfg.Store, Desk: d, Router: router, Now: cfg.Now, Logger: cfg.Logger, Metrics: cfg.Metrics})
	return &core{kb: live, cal: cal, router: router, desk: d, bot: b, outbox: ob}, nil
}
