package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"path/filepath"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap/bot/meta"
	"github.com/pemkab-kebumen/sigap/bot/telegram"
	"github.com/pemkab-kebumen/sigap/bot/whatsapp"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/web"
)

func init() {
	register(command{name: "serve", summary: "run the service: channels, dashboard, outbox and SLA alerts", run: runServe})
}

// Config is the configuration of sigap serve, and of the Main it runs.
type Config struct {
	DB, KB  string
	HTTP    string // listen address; empty serves no HTTP (replay)
	DataDir string

	Telegram struct {
		Token, API                string
		WebhookURL, WebhookSecret string
	}
	WhatsApp struct {
		Enabled   bool
		ChatGap   time.Duration
		PerMinute int
	}
	Meta struct {
		AppSecret, VerifyToken string
		Pages, OPDs            string // ACCOUNT_ID=ACCESS_TOKEN,… and ACCOUNT_ID=OPD,…
		API                    string
	}
	Outbox struct {
		GiveUpAfter, KeepSent time.Duration
	}
	SecureCookies bool
	SLAWarnAt     float64
	AlertEvery    time.Duration
	// LeaseTTL is how long the channels' lease on PostgreSQL lasts unless
	// its holder renews it.
	LeaseTTL time.Duration

	// MetricsAddr serves /metrics on a listener of its own; MetricsToken
	// serves it behind "Authorization: Bearer <token>" (on the main
	// listener when MetricsAddr is empty). With neither, no /metrics.
	MetricsAddr, MetricsToken string
	// TrustedProxy lists, comma-separated, the addresses or CIDRs of the
	// reverse proxies whose X-Forwarded-For and X-Real-IP are believed.
	TrustedProxy string
	Chat         web.ChatLimits

	// RetainDays is how many days after a citizen's last ticket was
	// resolved their personal data is erased; 0 keeps it.
	RetainDays int
	Backup     struct {
		Dir   string // empty: no unattended backups
		Every time.Duration
		Keep  int
	}
	// Litestream leaves the WAL's checkpoints to Litestream.
	Litestream bool
}

// DefaultConfig is serve's configuration before the environment and the
// flags.
func DefaultConfig() Config {
	c := Config{DB: defaultDB, HTTP: "127.0.0.1:8080", DataDir: "./data", SLAWarnAt: desk.DefaultWarnAt, Chat: web.DefaultChatLimits(),
		AlertEvery: desk.DefaultAlertEvery, RetainDays: defaultRetainDays, LeaseTTL: storage.DefaultLeaseTTL}
	c.Outbox.GiveUpAfter, c.Outbox.KeepSent = desk.DefaultGiveUpAfter, defaultKeepSent
	c.Backup.Every, c.Backup.Keep = 24*time.Hour, 14
	c.Telegram.API = telegram.DefaultAPIEndpoint
	c.WhatsApp.ChatGap, c.WhatsApp.PerMinute = whatsapp.DefaultPerChatGap, whatsapp.DefaultPerMinute
	c.Meta.API = meta.DefaultAPI
	return c
}

// flags binds c to serve's flags.
func (c *Config) flags(fs *flagSet) {
	fs.dbVar(&c.DB)
	fs.kbVar(&c.KB)
	fs.stringVar(&c.HTTP, "http", "SIGAP_HTTP", "dashboard, API and web chat listen `address`")
	fs.dataVar(&c.DataDir)
	fs.stringVar(&c.Telegram.Token, "telegram-token", "SIGAP_TELEGRAM_TOKEN", "Telegram bot `token` from BotFather; empty: Telegram off; prefer the environment variable")
	fs.stringVar(&c.Telegram.API, "telegram-api", "SIGAP_TELEGRAM_API", "Bot API endpoint `pattern`")
	fs.stringVar(&c.Telegram.WebhookURL, "telegram-webhook-url", "SIGAP_TELEGRAM_WEBHOOK_URL", "receive Telegram by webhook instead of long polling: the public HTTPS `url` that reaches /telegram/webhook")
	fs.stringVar(&c.Telegram.WebhookSecret, "telegram-webhook-secret", "SIGAP_TELEGRAM_WEBHOOK_SECRET", "secret `token` Telegram sends with each webhook call")
	fs.boolVar(&c.WhatsApp.Enabled, "whatsapp", "SIGAP_WHATSAPP", "enable WhatsApp; link first with 'sigap whatsapp link'")
	fs.durationVar(&c.WhatsApp.ChatGap, "whatsapp-chat-gap", "SIGAP_WHATSAPP_CHAT_GAP", "least time between two WhatsApp messages to one chat")
	fs.intVar(&c.WhatsApp.PerMinute, "whatsapp-per-minute", "SIGAP_WHATSAPP_PER_MINUTE", "most WhatsApp messages sent per minute in all")
	fs.stringVar(&c.Meta.AppSecret, "meta-app-secret", "SIGAP_META_APP_SECRET", "Meta app `secret`, which signs the webhook calls; prefer the environment variable")
	fs.stringVar(&c.Meta.VerifyToken, "meta-verify-token", "SIGAP_META_VERIFY_TOKEN", "`token` Meta sends when the webhook /meta/webhook is set up")
	fs.stringVar(&c.Meta.Pages, "meta-pages", "SIGAP_META_PAGES", "Facebook Pages and Instagram accounts to answer, `ACCOUNT_ID=ACCESS_TOKEN,…`; empty: Instagram and Facebook off; prefer the environment variable")
	fs.stringVar(&c.Meta.OPDs, "meta-opds", "SIGAP_META_OPDS", "the OPD each account belongs to, `ACCOUNT_ID=OPD,…`: a strong routing hint")
	fs.stringVar(&c.Meta.API, "meta-api", "SIGAP_META_API", "Graph API base `url`")
	fs.boolVar(&c.SecureCookies, "secure-cookies", "SIGAP_SECURE_COOKIES", "mark cookies Secure (behind HTTPS)")
	fs.float64Var(&c.SLAWarnAt, "sla-warn-at", "SIGAP_SLA_WARN_AT", "warn an OPD's staff when this share of the first-response target has passed")
	fs.durationVar(&c.AlertEvery, "sla-alert-every", "SIGAP_SLA_ALERT_EVERY", "how often SLA alerts go out, as one digest per staff member")
	fs.durationVar(&c.Outbox.GiveUpAfter, "outbox-give-up", "SIGAP_OUTBOX_GIVE_UP", "give up on a reply not sent for this long; the ticket shows it with a retry button")
	fs.durationVar(&c.Outbox.KeepSent, "outbox-keep", "SIGAP_OUTBOX_KEEP", "delete sent outbox entries after this long (the conversation keeps the text); 0 keeps them")
	fs.stringVar(&c.MetricsAddr, "metrics-addr", "SIGAP_METRICS_ADDR", "serve /metrics on this listen `address` of its own (empty: not on a listener of its own)")
	fs.stringVar(&c.MetricsToken, "metrics-token", "SIGAP_METRICS_TOKEN", "bearer `token` /metrics requires; alone, /metrics is on the main listener behind it")
	fs.stringVar(&c.TrustedProxy, "trusted-proxy", "SIGAP_TRUSTED_PROXY", "comma-separated `addresses or CIDRs` of reverse proxies whose X-Forwarded-For and X-Real-IP name the client")
	fs.intVar(&c.Chat.NewPerMinute, "chat-new-per-minute", "SIGAP_CHAT_NEW_PER_MINUTE", "web chat conversations that may begin per minute in all; beyond, messages are held for an admin")
	fs.intVar(&c.Chat.NewPerClient, "chat-new-per-client", "SIGAP_CHAT_NEW_PER_CLIENT", "web chat conversations that may begin per minute from one client address")
	fs.intVar(&c.Chat.MessagesPerMinute, "chat-messages-per-minute", "SIGAP_CHAT_MESSAGES_PER_MINUTE", "messages one web chat conversation may send per minute")
	fs.intVar(&c.Chat.Streams, "chat-streams", "SIGAP_CHAT_STREAMS", "web chat pages that may wait for replies at once, in all")
	fs.intVar(&c.Chat.StreamsPerClient, "chat-streams-per-client", "SIGAP_CHAT_STREAMS_PER_CLIENT", "web chat pages that may wait for replies at once from one client address")
	retainDaysVar(fs, &c.RetainDays, "; checked once a day, 0: never")
	fs.stringVar(&c.Backup.Dir, "backup-dir", "SIGAP_BACKUP_DIR", "`folder` of unattended backups (database, media, manifest); empty: none")
	fs.durationVar(&c.Backup.Every, "backup-every", "SIGAP_BACKUP_EVERY", "time between two unattended backups")
	fs.intVar(&c.Backup.Keep, "backup-keep", "SIGAP_BACKUP_KEEP", "unattended backups kept; older ones are deleted")
	fs.boolVar(&c.Litestream, "litestream", "SIGAP_LITESTREAM", "Litestream replicates the database: leave the WAL's checkpoints to it")
	fs.durationVar(&c.LeaseTTL, "lease-ttl", "SIGAP_LEASE_TTL", "PostgreSQL: how long the channels' lease lasts unless its holder renews it; a stand-by takes over within this and a third of it after the holder dies")
}

// defaultKeepSent is how long sent outbox entries stay, for looking into a
// delivery; the message itself stays in the ticket's thread.
const defaultKeepSent = 30 * 24 * time.Hour

// Validate refuses a configuration serve cannot run with.
func (c Config) Validate() error {
	if c.Telegram.WebhookURL != "" && len(c.Telegram.WebhookSecret) < 16 {
		return fmt.Errorf("--telegram-webhook-secret (SIGAP_TELEGRAM_WEBHOOK_SECRET) must be at least 16 characters when a webhook URL is set")
	}
	if c.SLAWarnAt <= 0 || c.SLAWarnAt >= 1 {
		return fmt.Errorf("--sla-warn-at %g: want a share of the target between 0 and 1, such as 0.75", c.SLAWarnAt)
	}
	if c.WhatsApp.ChatGap <= 0 || c.WhatsApp.PerMinute <= 0 {
		return fmt.Errorf("--whatsapp-chat-gap and --whatsapp-per-minute must be positive")
	}
	switch {
	case c.AlertEvery <= 0:
		return fmt.Errorf("--sla-alert-every %s: want a positive duration, such as 15m", c.AlertEvery)
	case c.Outbox.GiveUpAfter <= 0:
		return fmt.Errorf("--outbox-give-up %s: want a positive duration, such as 168h", c.Outbox.GiveUpAfter)
	case c.Outbox.KeepSent < 0:
		return fmt.Errorf("--outbox-keep %s: want a duration, or 0 to keep sent entries", c.Outbox.KeepSent)
	case c.LeaseTTL < time.Second:
		return fmt.Errorf("--lease-ttl %s: want a second or more, such as 15s", c.LeaseTTL)
	}
	if l := c.Chat; l.NewPerMinute <= 0 || l.NewPerClient <= 0 || l.MessagesPerMinute <= 0 || l.Streams <= 0 || l.StreamsPerClient <= 0 {
		return fmt.Errorf("--chat-new-per-minute, --chat-new-per-client, --chat-messages-per-minute, --chat-streams and --chat-streams-per-client must be positive")
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return fmt.Errorf("--metrics-token (SIGAP_METRICS_TOKEN) must be at least 16 characters")
	}
	if _, err := c.trustedProxies(); err != nil {
		return err
	}
	if c.RetainDays < 0 {
		return fmt.Errorf("--retain-days %d: want a number of days, or 0 to keep personal data", c.RetainDays)
	}
	if err := c.validateBackups(); err != nil {
		return err
	}
	if err := checkDataDir(c.DataDir, c.DB); err != nil {
		return err
	}
	return c.validateMeta()
}

// trustedProxies parses TrustedProxy.
func (c Config) trustedProxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(c.TrustedProxy, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, fmt.Errorf("--trusted-proxy %q: not an address or CIDR (such as 10.0.0.1 or 10.0.0.0/8)", part)
			}
			part = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()).String()
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy %q: not an address or CIDR (such as 10.0.0.1 or 10.0.0.0/8)", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// checkDataDir refuses a data folder that holds the database, or is
// above it: whatever serves files from the folder, or copies it, would
// carry the database and its WAL along.
func checkDataDir(dataDir, db string) error {
	if dataDir == "" || db == "" || db == ":memory:" || strings.Contains(db, "://") {
		return nil
	}
	data, err := realPath(dataDir)
	if err != nil {
		return fmt.Errorf("--data %s: %w", dataDir, err)
	}
	dbDir, err := realPath(filepath.Dir(db))
	if err != nil {
		return fmt.Errorf("--db %s: %w", db, err)
	}
	if rel, err := filepath.Rel(data, dbDir); err == nil && filepath.IsLocal(rel) {
		return fmt.Errorf("--data %s holds the database %s: give the photos and files a folder of their own, apart from the database (such as --data ./data with --db ./sigap.db)", dataDir, db)
	}
	return nil
}

// validateMeta refuses a Meta configuration that is half set or does not
// parse; the messages never repeat a secret.
func (c Config) validateMeta() error {
	m := c.Meta
	if m.AppSecret == "" && m.VerifyToken == "" && m.Pages == "" {
		if m.OPDs != "" {
			return fmt.Errorf("--meta-opds (SIGAP_META_OPDS) is set but Instagram and Facebook are off: set SIGAP_META_PAGES too")
		}
		return nil
	}
	if m.AppSecret == "" || m.VerifyToken == "" || m.Pages == "" {
		return fmt.Errorf("the Instagram and Facebook channel needs all of SIGAP_META_APP_SECRET, SIGAP_META_VERIFY_TOKEN and SIGAP_META_PAGES (or their --meta-* flags)")
	}
	if _, err := meta.ParsePages(m.Pages); err != nil {
		return err
	}
	_, err := meta.ParseOPDs(m.OPDs)
	return err
}

// realPath is path made absolute with the symlinks of the part of it that
// exists resolved, so two names of one folder compare equal.
func realPath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest), nil
		}
		if parent := filepath.Dir(dir); parent == dir {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

func runServe(ctx context.Context, env *Env, args []string) error {
	m := NewMain()
	fs := newFlagSet(env, "serve")
	m.Config.flags(fs)
	if err := fs.parseFlags(args); err != nil {
		return err
	}
	m.Logger = slog.New(slog.NewTextHandler(env.Stderr, nil))
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	return m.Run(ctx)
}
