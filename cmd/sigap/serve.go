package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/telegram"
	"github.com/pemkab-kebumen/sigap/bot/whatsapp"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/metrics"
	"github.com/pemkab-kebumen/sigap/web"
)

func init() {
	register(command{name: "serve", summary: "run the service: channels, dashboard, outbox and SLA alerts", run: runServe})
}

// shutdownGrace is how long a stop may take before connections are cut.
const shutdownGrace = 10 * time.Second

// alertEvery is how often SLA warnings are checked.
const alertEvery = time.Minute

type serveFlags struct {
	db, kb, http, dataDir   string
	tgToken, tgAPI          string
	tgWebhookURL, tgSecret  string
	whatsapp, secureCookies bool
	warnAt                  float64
	waPerChatGap            time.Duration
	waPerMinute             int
}

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "serve")
	var f serveFlags
	db, kbPath := dbFlag(fs, env), kbFlag(fs, env)
	fs.StringVar(&f.http, "http", envOr(env, "SIGAP_HTTP", "127.0.0.1:8080"), "dashboard and API listen `address` (env SIGAP_HTTP)")
	fs.StringVar(&f.dataDir, "data", envOr(env, "SIGAP_DATA", "./data"), "`folder` for received photos and files (env SIGAP_DATA)")
	fs.StringVar(&f.tgToken, "telegram-token", env.Getenv("SIGAP_TELEGRAM_TOKEN"), "Telegram bot `token` from BotFather (env SIGAP_TELEGRAM_TOKEN; empty: Telegram off)")
	fs.StringVar(&f.tgAPI, "telegram-api", envOr(env, "SIGAP_TELEGRAM_API", telegram.DefaultAPIEndpoint), "Bot API endpoint `pattern` (env SIGAP_TELEGRAM_API)")
	fs.StringVar(&f.tgWebhookURL, "telegram-webhook-url", env.Getenv("SIGAP_TELEGRAM_WEBHOOK_URL"), "receive Telegram by webhook instead of long polling: the public HTTPS `url` that reaches /telegram/webhook (env SIGAP_TELEGRAM_WEBHOOK_URL)")
	fs.StringVar(&f.tgSecret, "telegram-webhook-secret", env.Getenv("SIGAP_TELEGRAM_WEBHOOK_SECRET"), "secret `token` Telegram sends with each webhook call (env SIGAP_TELEGRAM_WEBHOOK_SECRET)")
	fs.BoolVar(&f.whatsapp, "whatsapp", envBool(env, "SIGAP_WHATSAPP"), "enable WhatsApp (env SIGAP_WHATSAPP=1); link first with 'sigap whatsapp link'")
	fs.DurationVar(&f.waPerChatGap, "whatsapp-chat-gap", 3*time.Second, "least time between two WhatsApp messages to one chat")
	fs.IntVar(&f.waPerMinute, "whatsapp-per-minute", 20, "most WhatsApp messages sent per minute in all")
	fs.BoolVar(&f.secureCookies, "secure-cookies", envBool(env, "SIGAP_SECURE_COOKIES"), "mark cookies Secure (behind HTTPS) (env SIGAP_SECURE_COOKIES=1)")
	fs.Float64Var(&f.warnAt, "sla-warn-at", desk.DefaultWarnAt, "warn an OPD's staff when this share of the first-response target has passed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f.db, f.kb = *db, *kbPath
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "sigap serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if f.tgWebhookURL != "" && len(f.tgSecret) < 16 {
		return fmt.Errorf("--telegram-webhook-secret (SIGAP_TELEGRAM_WEBHOOK_SECRET) must be at least 16 characters when a webhook URL is set")
	}
	if f.warnAt <= 0 || f.warnAt >= 1 {
		return fmt.Errorf("--sla-warn-at %g: want a share of the target between 0 and 1, such as 0.75", f.warnAt)
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	return serve(ctx, f, log)
}

func envBool(env *Env, name string) bool {
	b, _ := strconv.ParseBool(env.Getenv(name))
	return b
}

func serve(ctx context.Context, f serveFlags, log *slog.Logger) error {
	k, err := loadKB(f.kb)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, f.db)
	if err != nil {
		return err
	}
	defer db.Close()
	// The KB an admin edited in the dashboard is in force, unless a --kb
	// file was named: the operator's explicit choice wins.
	saved, err := kb.Saved(ctx, db)
	switch {
	case err != nil:
		return err
	case saved != nil && f.kb == "":
		k = saved
	case saved != nil:
		log.Warn("the --kb file overrides the KB edited in the dashboard", "kb", f.kb)
	}

	reg := metrics.New()
	senders := map[sigap.Channel]sigap.Sender{}
	var webSrv *web.Server
	c, err := newCore(ctx, coreConfig{KB: k, Store: db, Now: time.Now, Logger: log, Metrics: reg, Senders: senders,
		OnChange: func(t sigap.Ticket) {
			if webSrv != nil {
				webSrv.TicketChanged(t)
			}
		}})
	if err != nil {
		return err
	}
	reg.Gauge("sigap_outbox_backlog", "Messages waiting in the outbox.", func() float64 {
		var n int
		err := db.View(context.Background(), func(tx sigap.Tx) error {
			var err error
			n, err = tx.OutboxBacklog(context.Background())
			return err
		})
		if err != nil {
			log.Error("metrics: outbox backlog", "err", err)
		}
		return float64(n)
	})

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	spawn := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				log.Error(name+" stopped", "err", err)
			}
		}()
	}
	var states []func() sigap.ChannelState

	// Telegram.
	var tg *telegram.Adapter
	if f.tgToken != "" {
		tg, err = telegram.New(ctx, telegram.Config{Token: f.tgToken, APIEndpoint: f.tgAPI, Logger: log,
			DataDir: filepath.Join(f.dataDir, "media")})
		if err != nil {
			return fmt.Errorf("telegram: %w", err)
		}
		senders[sigap.Telegram] = tg
		states = append(states, tg.State)
		if f.tgWebhookURL != "" {
			if err := tg.SetWebhook(ctx, f.tgWebhookURL, f.tgSecret); err != nil {
				log.Error("telegram: set webhook; Telegram will not deliver until it succeeds", "err", err)
			}
		} else {
			// A webhook left over from an earlier run would make every
			// long poll fail.
			if err := tg.DeleteWebhook(ctx); err != nil {
				log.Warn("telegram: delete webhook", "err", err)
			}
			spawn("telegram poller", func(ctx context.Context) error { return tg.Poll(ctx, c.bot) })
		}
	} else {
		states = append(states, disabled(sigap.Telegram, "SIGAP_TELEGRAM_TOKEN is not set"))
	}

	// WhatsApp.
	var wa *whatsapp.Adapter
	if f.whatsapp {
		wa, err = whatsapp.New(ctx, whatsapp.Config{DB: db.SQL(), DataDir: filepath.Join(f.dataDir, "media"), Logger: log,
			Now: time.Now, PerChatGap: f.waPerChatGap, PerMinute: f.waPerMinute})
		if err != nil {
			return fmt.Errorf("whatsapp: %w", err)
		}
		defer wa.Stop()
		senders[sigap.WhatsApp] = wa
		states = append(states, wa.State)
		wa.OnStateChange(func(s sigap.ChannelState) {
			if s.State != whatsapp.StateLoggedOut && s.State != whatsapp.StateBanned {
				return
			}
			// The event loop of whatsmeow must not wait on the database.
			go func() {
				text := desk.ChannelTroubleText("WhatsApp", s.State, s.Detail)
				if err := c.desk.WarnSupervisors(context.WithoutCancel(ctx), text, "whatsapp_"+s.State, s.Detail); err != nil {
					log.Error("warn supervisors about WhatsApp", "err", err)
				}
			}()
		})
		if err := wa.Start(ctx, c.bot); err != nil {
			log.Error("whatsapp: start; other channels keep running", "err", err)
		}
	} else {
		states = append(states, disabled(sigap.WhatsApp, "not enabled (--whatsapp or SIGAP_WHATSAPP=1)"))
	}

	webState := sigap.ChannelState{Channel: sigap.Web, State: "connected", Detail: "/chat", Since: time.Now()}
	channels := func() []sigap.ChannelState {
		out := make([]sigap.ChannelState, 0, len(states)+1)
		out = append(out, webState)
		for _, s := range states {
			out = append(out, s())
		}
		return out
	}

	// Dashboard, API and web chat.
	wcfg := web.Config{Store: db, Desk: c.desk, KB: c.kb, Calendar: c.cal, Receiver: c.bot, Now: time.Now, Logger: log,
		Channels: channels, DataDir: f.dataDir, SecureCookies: f.secureCookies,
		SaveKB: func(ctx context.Context, k *sigap.KB) error { return kb.Save(ctx, db, k) }}
	if wa != nil {
		wcfg.WhatsAppLink = wa.LinkQR
	}
	if tg != nil {
		wcfg.TelegramBot = tg.Username
	}
	webSrv, err = web.New(wcfg)
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	senders[sigap.Web] = webSrv.WebChat()

	mux := http.NewServeMux()
	mux.Handle("/", webSrv.Handler())
	mux.Handle("GET /metrics", reg.Handler())
	mux.Handle("GET /healthz", web.Health(db, channels, log))
	if tg != nil && f.tgWebhookURL != "" {
		mux.Handle("POST /telegram/webhook", tg.WebhookHandler(f.tgSecret, c.bot))
	}

	ln, err := net.Listen("tcp", f.http)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.http, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	spawn("outbox", c.outbox.Run)
	spawn("SLA alerts", func(ctx context.Context) error { c.desk.RunAlerts(ctx, alertEvery, f.warnAt, log); return nil })
	go func() {
		<-ctx.Done()
		sctx, stop := context.WithTimeout(context.Background(), shutdownGrace)
		defer stop()
		srv.Shutdown(sctx)
	}()
	log.Info("sigap serving", "http", "http://"+ln.Addr().String(), "db", f.db, "chat", "http://"+ln.Addr().String()+"/chat")
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		cancel()
		wg.Wait()
		return err
	}
	cancel()
	wg.Wait()
	log.Info("sigap stopped")
	return nil
}

func disabled(ch sigap.Channel, why string) func() sigap.ChannelState {
	s := sigap.ChannelState{Channel: ch, State: "disabled", Detail: why, Since: time.Now()}
	return func() sigap.ChannelState { return s }
}
