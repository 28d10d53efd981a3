package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/bot/telegram"
	"github.com/pemkab-kebumen/sigap/bot/webchat"
	"github.com/pemkab-kebumen/sigap/bot/whatsapp"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/metrics"
	"github.com/pemkab-kebumen/sigap/sla"
	"github.com/pemkab-kebumen/sigap/staff"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/web"
)

// shutdownGrace is how long a stop may take before connections are cut.
const shutdownGrace = 10 * time.Second

// alertEvery is how often SLA warnings are checked.
const alertEvery = time.Minute

// Main is the whole service: what sigap serve runs, and what replay and
// the end-to-end tests build the same way. Open builds it in dependency
// order — the store, the KB in force, the core (desk, bot, router), the
// channels, the outbox, the web server — so nothing is bound late; Run
// starts the channels and the workers and serves HTTP; Close ends it.
type Main struct {
	Config Config
	Logger *slog.Logger
	// Now is the clock of everything but the HTTP server's timeouts.
	Now sigap.Clock
	// StoreOptions are given to storage.Open (replay's simulated clock).
	StoreOptions []storage.Option
	// Channels builds the channel adapters once the core is open; nil
	// builds Telegram, WhatsApp and the web chat from Config. Replay
	// gives its recorder.
	Channels func(ctx context.Context, m *Main) ([]sigap.ChannelAdapter, error)
	// Parallel is how many chats the outbox serves at once (0: its
	// default); replay uses 1 so its output follows the commits.
	Parallel int

	// What Open builds, exposed for replay and the tests.
	Store    *storage.DB
	KB       *sigap.LiveKB
	Calendar *sla.Calendar
	Metrics  *metrics.Metrics
	Router   *bot.LiveRouter
	Desk     *desk.Desk
	Staff    *staff.Accounts
	Bot      *bot.Bot
	Adapters []sigap.ChannelAdapter
	Outbox   *desk.Outbox
	WebChat  *webchat.Adapter // nil when the channels have no web chat
	// HTTPServer serves the dashboard, /healthz, /metrics and the
	// channels' webhooks on Addr; nil when Config.HTTP is empty.
	HTTPServer *http.Server
	Addr       net.Addr

	listener net.Listener
	// disabled holds the states of the channels Config leaves off.
	disabled []sigap.ChannelState
	// createdDB is the database file Open created, removed again when
	// Open fails after it.
	createdDB string
}

// NewMain returns a Main with serve's defaults.
func NewMain() *Main {
	return &Main{Config: DefaultConfig(), Logger: slog.Default(), Now: time.Now}
}

// Open builds the service. On failure it leaves nothing behind: no open
// database, and no database file it created.
func (m *Main) Open(ctx context.Context) (err error) {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	file, err := kbFile(m.Config.KB) // a bad file is refused before the database is touched
	if err != nil {
		return err
	}
	if _, statErr := os.Stat(m.Config.DB); errors.Is(statErr, os.ErrNotExist) {
		m.createdDB = m.Config.DB
	}
	defer func() {
		if err != nil {
			m.Close()
			m.removeCreatedDB()
		}
	}()
	opts := append([]storage.Option{storage.WithLogger(m.Logger)}, m.StoreOptions...)
	if m.Store, err = openStore(ctx, m.Config.DB, opts...); err != nil {
		return err
	}
	k, hidesSaved, err := kb.InForce(ctx, m.Store, file)
	if err != nil {
		return err
	}
	if hidesSaved {
		m.Logger.Warn("the --kb file overrides the KB edited in the dashboard", "kb", m.Config.KB)
	}
	if err := m.openCore(ctx, k); err != nil {
		return err
	}
	build := m.Channels
	if build == nil {
		build = configuredChannels
	}
	if m.Adapters, err = build(ctx, m); err != nil {
		return err
	}
	m.Outbox = &desk.Outbox{Store: m.Store, Senders: senders(m.Adapters), Now: m.Now, Logger: m.Logger,
		Parallel: m.Parallel, Wake: m.Desk.Enqueued(), Sent: m.Metrics.Sent, Failed: m.Metrics.SendFailed}
	return m.openHTTP()
}

// openCore builds what every channel shares: the calendar, the KB in
// force, the router, the staff accounts, the desk and the conversation.
func (m *Main) openCore(ctx context.Context, k *sigap.KB) error {
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	m.Calendar, m.KB = cal, sigap.NewLiveKB(k)
	m.Metrics = metrics.New()
	m.Metrics.WatchBacklog(m.Store, m.Logger)
	if m.Router, err = bot.NewLiveRouter(ctx, m.Store, m.KB, m.Logger); err != nil {
		return err
	}
	m.Staff = staff.New(staff.Config{Store: m.Store, KB: m.KB.Get, Now: m.Now})
	m.Desk = desk.New(desk.Config{Store: m.Store, KB: m.KB, Calendar: cal, Now: m.Now,
		Texts: bot.Texts{Loc: cal.Location()}, Learn: m.Router.Learn})
	m.Bot = bot.New(bot.Config{Store: m.Store, Desk: m.Desk, Router: m.Router, Staff: m.Staff,
		Now: m.Now, Logger: m.Logger, Metrics: m.Metrics})
	return nil
}

// configuredChannels builds the web chat, and Telegram and WhatsApp when
// Config turns them on. A new channel is one more block here.
func configuredChannels(ctx context.Context, m *Main) ([]sigap.ChannelAdapter, error) {
	c := m.Config
	media := filepath.Join(c.DataDir, "media")
	m.WebChat = webchat.New(m.Now)
	list := []sigap.ChannelAdapter{m.WebChat}
	if c.Telegram.Token == "" {
		m.disable(sigap.Telegram, "SIGAP_TELEGRAM_TOKEN is not set")
	} else {
		tg, err := telegram.New(ctx, telegram.Config{Token: c.Telegram.Token, APIEndpoint: c.Telegram.API,
			Logger: m.Logger, Now: m.Now, DataDir: media,
			WebhookURL: c.Telegram.WebhookURL, WebhookSecret: c.Telegram.WebhookSecret})
		if err != nil {
			return nil, fmt.Errorf("telegram: %w", err)
		}
		list = append(list, tg)
	}
	if !c.WhatsApp.Enabled {
		m.disable(sigap.WhatsApp, "not enabled (--whatsapp or SIGAP_WHATSAPP=1)")
		return list, nil
	}
	session, dialect := m.Store.SharedSQL()
	wa, err := whatsapp.New(ctx, whatsapp.Config{Store: m.Store, SessionDB: session, SessionDialect: dialect,
		DataDir: media, Logger: m.Logger, Now: m.Now, PerChatGap: c.WhatsApp.ChatGap, PerMinute: c.WhatsApp.PerMinute})
	if err != nil {
		return nil, fmt.Errorf("whatsapp: %w", err)
	}
	wa.OnStateChange(m.warnOnTrouble)
	return append(list, wa), nil
}

// warnOnTrouble warns supervisors when WhatsApp is logged out or banned,
// which staff must fix.
func (m *Main) warnOnTrouble(s sigap.ChannelState) {
	if s.State != whatsapp.StateLoggedOut && s.State != whatsapp.StateBanned {
		return
	}
	// The event loop of whatsmeow must not wait on the database.
	go func() {
		text := desk.ChannelTroubleText("WhatsApp", s.State, s.Detail)
		detail := fmt.Sprintf("%s %s: %s", s.Channel, s.State, s.Detail)
		if err := m.Desk.WarnSupervisors(context.Background(), text, sigap.ActionChannelTrouble, detail); err != nil {
			m.Logger.Error("warn supervisors about WhatsApp", "err", err)
		}
	}()
}

func (m *Main) disable(ch sigap.Channel, why string) {
	m.disabled = append(m.disabled, sigap.ChannelState{Channel: ch, State: sigap.StateDisabled, Detail: why, Since: m.Now()})
}

// senders are the outbox's channels, from the adapter list.
func senders(adapters []sigap.ChannelAdapter) map[sigap.Channel]sigap.Sender {
	out := make(map[sigap.Channel]sigap.Sender, len(adapters))
	for _, a := range adapters {
		out[a.Channel()] = a
	}
	return out
}

// States reports every channel's state, those turned off included.
func (m *Main) States() []sigap.ChannelState {
	out := make([]sigap.ChannelState, 0, len(m.Adapters)+len(m.disabled))
	for _, a := range m.Adapters {
		out = append(out, a.State())
	}
	return append(out, m.disabled...)
}

// openHTTP builds the web server and takes the listening address, so that
// a busy port fails Open.
func (m *Main) openHTTP() error {
	if m.Config.HTTP == "" {
		return nil
	}
	if m.WebChat == nil {
		return errors.New("web: the channels have no web chat")
	}
	wcfg := web.Config{Store: m.Store, Desk: m.Desk, Staff: m.Staff, KB: m.KB, Calendar: m.Calendar,
		WebChat: m.WebChat, Now: m.Now, Logger: m.Logger, Channels: m.States,
		DataDir: m.Config.DataDir, SecureCookies: m.Config.SecureCookies}
	mux := http.NewServeMux()
	for _, a := range m.Adapters {
		switch a := a.(type) {
		case *whatsapp.Adapter:
			wcfg.WhatsAppLink = a.LinkQR
		case *telegram.Adapter:
			wcfg.TelegramBot = a.Username
		}
		if h, ok := a.(sigap.HTTPChannel); ok {
			h.Routes(mux, m.Bot)
		}
	}
	srv, err := web.New(wcfg)
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	mux.Handle("/", srv.Handler())
	mux.Handle("GET /metrics", m.Metrics.Handler())
	mux.Handle("GET /healthz", web.Health(m.Store, m.States, m.Logger))
	if m.listener, err = net.Listen("tcp", m.Config.HTTP); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.HTTP, err)
	}
	m.Addr = m.listener.Addr()
	m.HTTPServer = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return nil
}

// Run starts the channels, the outbox and the SLA alerts, and serves HTTP
// until ctx ends; then it stops them all within shutdownGrace.
func (m *Main) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, a := range m.Adapters {
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
	wg.Go(func() { m.Desk.RunAlerts(ctx, alertEvery, m.Config.SLAWarnAt, m.Logger) })
	err := m.serveHTTP(ctx)
	cancel()
	m.stopChannels()
	wg.Wait()
	if err != nil {
		return err
	}
	m.Logger.Info("sigap stopped")
	return nil
}

// serveHTTP serves until ctx ends, then shuts the server down gracefully.
func (m *Main) serveHTTP(ctx context.Context) error {
	if m.HTTPServer == nil {
		<-ctx.Done()
		return nil
	}
	go func() {
		<-ctx.Done()
		sctx, stop := context.WithTimeout(context.Background(), shutdownGrace)
		defer stop()
		m.HTTPServer.Shutdown(sctx)
	}()
	url := "http://" + m.Addr.String()
	m.Logger.Info("sigap serving", "http", url, "db", m.Config.DB, "chat", url+"/chat")
	if err := m.HTTPServer.Serve(m.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (m *Main) stopChannels() {
	for _, a := range m.Adapters {
		a.Stop()
	}
}

// Close stops the channels and closes the listener and the database.
func (m *Main) Close() error {
	m.stopChannels()
	var errs []error
	if m.listener != nil {
		if err := m.listener.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
		m.Store = nil
	}
	return errors.Join(errs...)
}

// removeCreatedDB deletes the database file a failed Open created, with
// SQLite's side files, so that a refused start leaves no empty database.
func (m *Main) removeCreatedDB() {
	if m.createdDB == "" {
		return
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(m.createdDB + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			m.Logger.Warn("remove the database a failed start created", "file", m.createdDB+suffix, "err", err)
		}
	}
}
