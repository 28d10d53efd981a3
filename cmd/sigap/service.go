package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/bot/mediafile"
	"github.com/pemkab-kebumen/sigap/bot/meta"
	"github.com/pemkab-kebumen/sigap/bot/telegram"
	"github.com/pemkab-kebumen/sigap/bot/webchat"
	"github.com/pemkab-kebumen/sigap/bot/whatsapp"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/learning"
	"github.com/pemkab-kebumen/sigap/metrics"
	"github.com/pemkab-kebumen/sigap/sla"
	"github.com/pemkab-kebumen/sigap/staff"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/web"
)

// shutdownGrace is how long a stop may take before connections are cut.
const shutdownGrace = 10 * time.Second

// channelCheckEvery is how often the channels' states are checked for an
// outage to warn supervisors of.
const channelCheckEvery = 30 * time.Second

// sessionPurgeEvery is how often expired staff sessions are deleted.
const sessionPurgeEvery = time.Hour

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
	Learning *learning.Learner
	Desk     *desk.Desk
	Staff    *staff.Accounts
	Bot      *bot.Bot
	Adapters []sigap.ChannelAdapter
	Outbox   *desk.Outbox
	WebChat  *webchat.Adapter // nil when the channels have no web chat
	// HTTPServer serves the dashboard, /healthz, the channels' webhooks
	// and, with a token and no address of its own, /metrics on Addr; nil
	// when Config.HTTP is empty.
	HTTPServer *http.Server
	Addr       net.Addr
	// MetricsServer serves /metrics on MetricsAddr when Config.MetricsAddr
	// is set.
	MetricsServer *http.Server
	MetricsAddr   net.Addr
	// Timeouts bound the HTTP connections (web.DefaultTimeouts).
	Timeouts web.Timeouts

	listener        net.Listener
	metricsListener net.Listener
	// lease makes this the one process that runs the database's channels,
	// outbox and alerts: taken by Open on SQLite, awaited by Run on
	// PostgreSQL (instances.go).
	lease *storage.Lease
	// holding is true while this instance runs the channels; holder is who
	// it is then.
	holding atomic.Bool
	// following is true while this instance hears the changes the other
	// instances of a shared database commit (see followOtherInstances).
	following atomic.Bool
	holder    storage.Holder
	// disabled holds the states of the channels Config leaves off.
	disabled []sigap.ChannelState
	// createdDB is the database file Open created, removed again when
	// Open fails after it.
	createdDB string
}

// NewMain returns a Main with serve's defaults.
func NewMain() *Main {
	return &Main{Config: DefaultConfig(), Logger: slog.Default(), Now: time.Now, Timeouts: web.DefaultTimeouts}
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
	if _, statErr := os.Stat(m.Config.DB); errors.Is(statErr, os.ErrNotExist) && !storage.IsPostgres(m.Config.DB) {
		m.createdDB = m.Config.DB
	}
	defer func() {
		if err != nil {
			m.Close()
			m.removeCreatedDB()
		}
	}()
	opts := append([]storage.Option{storage.WithLogger(m.Logger), storage.WithLeaseTTL(m.Config.LeaseTTL)}, m.StoreOptions...)
	if m.Config.Litestream {
		opts = append(opts, storage.WithLitestream())
	}
	if m.Store, err = openStore(ctx, m.Config.DB, opts...); err != nil {
		return err
	}
	// Before anything of the channels is touched: a second process on one
	// SQLite file would poll Telegram too and send every reply twice. On
	// a shared database (PostgreSQL) every instance starts, and Run waits
	// for the lease before it starts the channels.
	if !m.Store.Shared() {
		if m.lease, err = m.Store.AcquireLease(ctx, storage.ThisProcess(m.Now())); err != nil {
			m.createdDB = "" // the holder may have created it a moment ago, and uses it
			return err
		}
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
	m.Outbox = &desk.Outbox{Store: m.Store, Desk: m.Desk, Senders: senders(m.Adapters), Now: m.Now, Logger: m.Logger,
		Parallel: m.Parallel, Sent: m.Metrics.Sent, Failed: m.Metrics.SendFailed,
		GiveUpAfter: m.Config.Outbox.GiveUpAfter, KeepSent: m.Config.Outbox.KeepSent}
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
	m.Learning = learning.New(learning.Config{Store: m.Store, KB: m.KB, Router: m.Router, Now: m.Now, Logger: m.Logger})
	m.Staff = staff.New(staff.Config{Store: m.Store, KB: m.KB.Get, Now: m.Now, Logger: m.Logger})
	m.Desk = desk.New(desk.Config{Store: m.Store, KB: m.KB, Calendar: cal, Now: m.Now,
		Texts: bot.Texts{Loc: cal.Location()}, Learn: m.Router.Learn})
	m.Bot = bot.New(bot.Config{Store: m.Store, Desk: m.Desk, Router: m.Router, Staff: m.Staff,
		Now: m.Now, Logger: m.Logger, Metrics: m.Metrics, Learning: m.Learning})
	return nil
}

// configuredChannels builds the web chat, and Telegram and WhatsApp when
// Config turns them on. A new channel is one more block here.
func configuredChannels(ctx context.Context, m *Main) ([]sigap.ChannelAdapter, error) {
	c := m.Config
	m.WebChat = webchat.New(m.Now)
	list := []sigap.ChannelAdapter{m.WebChat}
	if c.Telegram.Token == "" {
		m.disable(sigap.Telegram, "SIGAP_TELEGRAM_TOKEN is not set")
	} else {
		tg, err := telegram.New(ctx, telegram.Config{Token: c.Telegram.Token, APIEndpoint: c.Telegram.API,
			Logger: m.Logger, Now: m.Now, DataDir: c.DataDir, SetAside: m.Bot.SetAside,
			WebhookURL: c.Telegram.WebhookURL, WebhookSecret: c.Telegram.WebhookSecret})
		if err != nil {
			return nil, fmt.Errorf("telegram: %w", err)
		}
		list = append(list, tg)
	}
	metaChannels, err := m.metaChannels()
	if err != nil {
		return nil, err
	}
	list = append(list, metaChannels...)
	if !c.WhatsApp.Enabled {
		m.disable(sigap.WhatsApp, "not enabled (--whatsapp or SIGAP_WHATSAPP=1)")
		return list, nil
	}
	session, dialect := m.Store.SharedSQL()
	wa, err := whatsapp.New(ctx, whatsapp.Config{Store: m.Store, SessionDB: session, SessionDialect: dialect,
		DataDir: c.DataDir, Logger: m.Logger, Now: m.Now, PerChatGap: c.WhatsApp.ChatGap, PerMinute: c.WhatsApp.PerMinute})
	if err != nil {
		return nil, fmt.Errorf("whatsapp: %w", err)
	}
	return append(list, wa), nil
}

// metaChannels builds Facebook and Instagram when SIGAP_META_PAGES names
// accounts; Validate has checked the settings.
func (m *Main) metaChannels() ([]sigap.ChannelAdapter, error) {
	c := m.Config.Meta
	if c.Pages == "" {
		m.disable(sigap.Facebook, "SIGAP_META_PAGES is not set")
		m.disable(sigap.Instagram, "SIGAP_META_PAGES is not set")
		return nil, nil
	}
	pages, err := meta.ParsePages(c.Pages)
	if err != nil {
		return nil, err
	}
	opds, err := meta.ParseOPDs(c.OPDs)
	if err != nil {
		return nil, err
	}
	for account, opd := range opds {
		if _, ok := m.KB.Get().OPD(opd); !ok {
			m.Logger.Warn("SIGAP_META_OPDS names an OPD the KB does not have; its account gives no routing hint", "account", account, "opd", opd)
		}
	}
	a, err := meta.New(meta.Config{AppSecret: c.AppSecret, VerifyToken: c.VerifyToken, Accounts: pages, OPDs: opds,
		API: c.API, Store: m.Store, Logger: m.Logger, Now: m.Now, DataDir: m.Config.DataDir,
		PublicNote: bot.Texts{}.CommentPublicNote()})
	if err != nil {
		return nil, err
	}
	return a.Channels(), nil
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

// States reports every channel's state, those turned off included. On a
// stand-by the channels another instance runs are "standby".
func (m *Main) States() []sigap.ChannelState {
	out := make([]sigap.ChannelState, 0, len(m.Adapters)+len(m.disabled))
	for _, a := range m.Adapters {
		s := a.State()
		if a != sigap.ChannelAdapter(m.WebChat) && !m.holding.Load() && m.Store.Shared() {
			s = sigap.ChannelState{Channel: a.Channel(), State: sigap.StateStandby,
				Detail: "another instance runs the channels (see /healthz)", Since: s.Since}
		}
		out = append(out, s)
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
	proxies, err := m.Config.trustedProxies()
	if err != nil {
		return err
	}
	wcfg := web.Config{Store: m.Store, Desk: m.Desk, Staff: m.Staff, KB: m.KB, Calendar: m.Calendar, Learning: m.Learning,
		WebChat: m.WebChat, Now: m.Now, Logger: m.Logger, Channels: m.States,
		MediaDir: mediaDir(m.Config), SecureCookies: m.Config.SecureCookies,
		TrustedProxies: proxies, ChatLimits: m.Config.Chat}
	mux := http.NewServeMux()
	for _, a := range m.Adapters {
		switch a := a.(type) {
		case *whatsapp.Adapter:
			wcfg.WhatsAppLink = a.LinkQR
		case *telegram.Adapter:
			wcfg.TelegramBot = a.Username
		case interface{ Accounts() []sigap.AccountState }:
			wcfg.Accounts = a.Accounts
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
	folders := map[string]string{"data": m.Config.DataDir}
	if !m.Store.Shared() {
		folders["database"] = filepath.Dir(m.Config.DB) // a PostgreSQL server's disks are its own
	}
	mux.Handle("GET /healthz", web.Health(web.HealthConfig{Store: m.Store, Channels: m.States, Logger: m.Logger,
		Writes:  func(ctx context.Context) error { return m.Store.CheckWrites(ctx).Err },
		Folders: folders, Holder: m.channelsHolder}))
	if m.Config.MetricsAddr == "" && m.Config.MetricsToken != "" {
		mux.Handle("GET /metrics", bearer(m.Config.MetricsToken, m.Metrics.Handler()))
	}
	if m.listener, err = net.Listen("tcp", m.Config.HTTP); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.HTTP, err)
	}
	m.Addr = m.listener.Addr()
	m.HTTPServer = web.NewHTTPServer(mux, m.Timeouts, m.Logger)
	return m.openMetrics()
}

// openMetrics takes /metrics's own listening address, when it has one.
func (m *Main) openMetrics() error {
	if m.Config.MetricsAddr == "" {
		return nil
	}
	h := m.Metrics.Handler()
	if m.Config.MetricsToken != "" {
		h = bearer(m.Config.MetricsToken, h)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	var err error
	if m.metricsListener, err = net.Listen("tcp", m.Config.MetricsAddr); err != nil {
		return fmt.Errorf("metrics: listen on %s: %w", m.Config.MetricsAddr, err)
	}
	m.MetricsAddr = m.metricsListener.Addr()
	m.MetricsServer = web.NewHTTPServer(mux, m.Timeouts, m.Logger)
	return nil
}

// bearer lets through only requests with "Authorization: Bearer token".
func bearer(token string, h http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sigap metrics"`)
			http.Error(w, "metrics need a bearer token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// mediaDir is the folder of citizens' photos and files inside --data.
func mediaDir(c Config) string { return filepath.Join(c.DataDir, mediafile.Folder) }

// Run serves HTTP and the web chat, and runs the channels, the outbox and
// the SLA alerts once this instance holds the lease (at once on SQLite;
// as a stand-by until then on PostgreSQL), until ctx ends; then it stops
// them all within shutdownGrace. An instance that loses the lease stops
// and returns why.
func (m *Main) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if m.WebChat != nil {
		// Every instance serves the chat pages.
		if err := m.WebChat.Start(ctx, m.Bot); err != nil {
			return err
		}
	}
	var wg sync.WaitGroup
	var lost error
	wg.Go(func() {
		if lost = m.runChannels(ctx); lost != nil {
			cancel()
		}
	})
	wg.Go(func() { m.Store.TruncateWALWhenIdle(ctx, storage.WALIdle, m.Logger) })
	wg.Go(func() { m.runBackups(ctx) })
	wg.Go(func() { m.Staff.RunPurge(ctx, sessionPurgeEvery) })
	wg.Go(func() { m.followOtherInstances(ctx) })
	err := m.serveHTTP(ctx)
	cancel()
	wg.Wait()
	if err = errors.Join(lost, err); err != nil {
		return err
	}
	m.Logger.Info("sigap stopped")
	return nil
}

// serveHTTP serves until ctx ends, then shuts the servers down gracefully.
func (m *Main) serveHTTP(ctx context.Context) error {
	if m.HTTPServer == nil {
		<-ctx.Done()
		return nil
	}
	url := "http://" + m.Addr.String()
	m.Logger.Info("sigap serving", "http", url, "db", m.Store.Name(), "chat", url+"/chat") // a URL without its password
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	serve := func(srv *http.Server, l net.Listener) {
		wg.Go(func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- err
			}
		})
	}
	serve(m.HTTPServer, m.listener)
	switch {
	case m.MetricsServer != nil:
		m.Logger.Info("metrics serving", "http", "http://"+m.MetricsAddr.String()+"/metrics")
		serve(m.MetricsServer, m.metricsListener)
	case m.Config.MetricsToken != "":
		m.Logger.Info("metrics serving behind the bearer token", "http", url+"/metrics")
	default:
		m.Logger.Info("metrics off: set --metrics-addr or --metrics-token to serve /metrics")
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	sctx, stop := context.WithTimeout(context.Background(), shutdownGrace)
	defer stop()
	m.HTTPServer.Shutdown(sctx)
	if m.MetricsServer != nil {
		m.MetricsServer.Shutdown(sctx)
	}
	wg.Wait()
	return err
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
	for _, l := range []net.Listener{m.listener, m.metricsListener} {
		if l == nil {
			continue
		}
		if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	// The lease first: on PostgreSQL releasing it is a write.
	errs = append(errs, m.lease.Release())
	m.lease = nil
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
		m.Store = nil
	}
	return errors.Join(errs...)
}

// removeCreatedDB deletes the database file a failed Open created, with
// SQLite's side files and the lease's lock file, so that a refused start
// leaves no empty database.
func (m *Main) removeCreatedDB() {
	if m.createdDB == "" {
		return
	}
	for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
		if err := os.Remove(m.createdDB + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			m.Logger.Warn("remove the database a failed start created", "file", m.createdDB+suffix, "err", err)
		}
	}
}
