// Package telegram is Sigap's Telegram channel adapter. It turns Bot API
// updates into sigap.Inbound messages (by long polling or a webhook),
// confirms an update to Telegram only after the receiver committed it, and
// sends outbound messages split to Telegram's length limit and paced to its
// rate limits.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/outpart"
)

// DefaultAPIEndpoint is the Bot API endpoint pattern: token, then method.
const DefaultAPIEndpoint = tgbotapi.APIEndpoint

// Channel states reported by State.
const (
	StateConnecting   = "connecting"   // not yet reached Telegram
	StateConnected    = "connected"    // the last call to Telegram succeeded
	StateError        = "error"        // the last call failed; retrying
	StateUnauthorized = "unauthorized" // Telegram rejected the token
)

// startTimeout bounds the getMe call New makes.
const startTimeout = 10 * time.Second

// Config configures an Adapter. Zero fields take the defaults in brackets.
type Config struct {
	Token       string
	APIEndpoint string       // [DefaultAPIEndpoint]
	HTTPClient  *http.Client // [a client with a 60 s timeout]
	AllowGroups bool         // [false: private chats only]
	Logger      *slog.Logger // [slog.Default()]
	Now         sigap.Clock  // [time.Now]

	// Telegram allows about 30 messages a second per bot and about one a
	// second per chat; sends are spaced to stay below both.
	GlobalRate  float64 // messages per second for the whole bot [30]
	PerChatRate float64 // messages per second to one chat [1]

	// PollTimeout is how long one getUpdates call waits for updates [25 s].
	PollTimeout time.Duration

	// DataDir is Sigap's data folder: citizens' photos are saved in its
	// media folder for staff to see [none: photos are kept as Telegram
	// file ids only].
	DataDir string

	// SetAside keeps an update the adapter gives up on: the library
	// cannot decode it, or the receiver failed on it maxUpdateTries times
	// or rejected it as invalid. Its Raw is the update exactly as Telegram
	// sent it, so that it can be read or replayed later, and the updates
	// behind it go on. When SetAside returns an error the update is tried
	// again later [none: the update is written to the log in full].
	SetAside func(ctx context.Context, u sigap.SetAsideUpdate) error

	// WebhookURL, when set, makes Telegram post updates to this public
	// HTTPS URL, which must reach Routes' /telegram/webhook, instead of
	// Start long-polling; WebhookSecret is the token Telegram sends with
	// each post.
	WebhookURL    string
	WebhookSecret string
}

// Adapter is the Telegram channel: a poller or webhook for inbound messages
// and a sigap.Sender for outbound ones. It is safe for concurrent use.
type Adapter struct {
	token       string
	endpoint    string
	client      *http.Client
	allowGroups bool
	log         *slog.Logger
	now         sigap.Clock
	pollTimeout time.Duration
	pace        *pacer
	dataDir     string
	onSetAside  func(ctx context.Context, u sigap.SetAsideUpdate) error
	// wait pauses for d or until ctx ends; tests replace it so that
	// backoff and pacing never sleep for real.
	wait func(ctx context.Context, d time.Duration) error

	webhookURL, webhookSecret string

	mu        sync.Mutex
	self      *tgbotapi.User // nil until getMe succeeded
	state     sigap.ChannelState
	listeners []func(sigap.ChannelState)
	tries     map[int]int    // failed receives, by update id
	keyboards map[int64]bool // chats whose last message offered quick replies
	// stop ends the poller Start began; polled is closed once it ended.
	stop   context.CancelFunc
	polled chan struct{}
}

var _ sigap.HTTPChannel = (*Adapter)(nil)

// New checks cfg and asks Telegram who the bot is. A token Telegram rejects
// is an error, since no retry can fix it. Telegram being unreachable is
// not: New logs it and returns the Adapter, and Poll keeps retrying, so
// that a network outage at start does not stop the service.
func New(ctx context.Context, cfg Config) (*Adapter, error) {
	if err := checkToken(cfg.Token); err != nil {
		return nil, err
	}
	if cfg.APIEndpoint == "" {
		cfg.APIEndpoint = DefaultAPIEndpoint
	}
	if err := checkEndpoint(cfg.APIEndpoint); err != nil {
		return nil, err
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.GlobalRate <= 0 {
		cfg.GlobalRate = 30
	}
	if cfg.PerChatRate <= 0 {
		cfg.PerChatRate = 1
	}
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = 25 * time.Second
	}
	if cfg.PollTimeout < time.Second {
		// getUpdates counts whole seconds; zero would poll in a busy loop.
		return nil, sigap.Errorf(sigap.EINVALID, "telegram: poll timeout %s: want at least 1s", cfg.PollTimeout)
	}
	if t := cfg.HTTPClient.Timeout; t != 0 && t <= cfg.PollTimeout {
		return nil, sigap.Errorf(sigap.EINVALID, "telegram: HTTP client timeout %s must exceed the poll timeout %s, or every long poll fails", t, cfg.PollTimeout)
	}
	a := &Adapter{
		token:       cfg.Token,
		endpoint:    cfg.APIEndpoint,
		client:      cfg.HTTPClient,
		allowGroups: cfg.AllowGroups,
		log:         cfg.Logger.With("channel", string(sigap.Telegram)),
		now:         cfg.Now,
		pollTimeout: cfg.PollTimeout,
		pace:        newPacer(cfg.Now, rateInterval(cfg.GlobalRate), rateInterval(cfg.PerChatRate)),
		dataDir:     cfg.DataDir,
		onSetAside:  cfg.SetAside,
		wait:        outpart.Sleep,

		webhookURL:    cfg.WebhookURL,
		webhookSecret: cfg.WebhookSecret,
	}
	a.state = sigap.ChannelState{Channel: sigap.Telegram, State: StateConnecting, Since: a.now()}
	// A Bot API that accepts the connection but never answers must not
	// hold up the start of the service either.
	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if err := a.identify(startCtx); err != nil {
		if isTokenRejected(err) {
			return nil, fmt.Errorf("%w (check SIGAP_TELEGRAM_TOKEN and SIGAP_TELEGRAM_API)", err)
		}
		a.log.Warn("telegram: Bot API unreachable at start; polling will retry", "err", err)
	}
	return a, nil
}

func checkToken(token string) error {
	if token == "" {
		return sigap.Errorf(sigap.EINVALID, "telegram: token is empty (set SIGAP_TELEGRAM_TOKEN to the token from BotFather)")
	}
	if strings.ContainsAny(token, "/ \t\r\n") {
		return sigap.Errorf(sigap.EINVALID, "telegram: token contains a slash or white space; copy it exactly as BotFather gave it")
	}
	return nil
}

// checkEndpoint accepts a pattern such as "https://api.telegram.org/bot%s/%s":
// two %s verbs (token, method) in an http or https URL.
func checkEndpoint(pattern string) error {
	if strings.Count(pattern, "%") != 2 || strings.Count(pattern, "%s") != 2 {
		return sigap.Errorf(sigap.EINVALID, "telegram: API endpoint %q: want a pattern with two %%s for token and method, like %q", pattern, DefaultAPIEndpoint)
	}
	u, err := url.Parse(fmt.Sprintf(pattern, "TOKEN", "getMe"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return sigap.Errorf(sigap.EINVALID, "telegram: API endpoint %q: not an http or https URL", pattern)
	}
	return nil
}

func rateInterval(perSecond float64) time.Duration {
	return time.Duration(float64(time.Second) / perSecond)
}

// State reports the channel's connection state for /healthz.
func (a *Adapter) State() sigap.ChannelState {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state
}

// Username is the bot's @username, or "" before Telegram was reached.
func (a *Adapter) Username() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.self == nil {
		return ""
	}
	return a.self.UserName
}

// OnStateChange registers f to be called with the state each time the
// state (not only its detail) changes. Since is when the state began. f
// runs on the poller's or a sender's goroutine, so it must return quickly.
func (a *Adapter) OnStateChange(f func(sigap.ChannelState)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.listeners = append(a.listeners, f)
}

func (a *Adapter) setState(state string, err error) {
	a.mu.Lock()
	detail := ""
	if err != nil {
		detail = err.Error()
	}
	changed := a.state.State != state
	if changed {
		a.state.Since = a.now()
	}
	a.state.State = state
	a.state.Detail = detail
	st, listeners := a.state, a.listeners
	a.mu.Unlock()
	if changed {
		for _, f := range listeners {
			f(st)
		}
	}
}

// identify calls getMe, which both checks the token and tells the bot's
// name for the logs.
func (a *Adapter) identify(ctx context.Context) error {
	user, err := a.api(ctx).GetMe()
	if err != nil {
		err = a.callError("getMe", err)
		if isTokenRejected(err) {
			a.setState(StateUnauthorized, err)
		} else {
			a.setState(StateError, err)
		}
		return err
	}
	a.mu.Lock()
	a.self = &user
	a.mu.Unlock()
	a.setState(StateConnected, nil)
	a.log.Info("telegram: connected", "bot", "@"+user.UserName)
	return nil
}

// api returns a BotAPI whose requests end with ctx. The library builds
// its requests without a context, so the context rides on the client.
// Building it directly also skips NewBotAPI's getMe call.
func (a *Adapter) api(ctx context.Context) *tgbotapi.BotAPI {
	bot := &tgbotapi.BotAPI{Token: a.token, Client: ctxClient{ctx: ctx, client: a.client}}
	bot.SetAPIEndpoint(a.endpoint)
	return bot
}

type ctxClient struct {
	ctx    context.Context
	client *http.Client
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return c.client.Do(req.WithContext(c.ctx))
}

// callError wraps an error of a Bot API call. Transport errors quote the
// request URL, which holds the bot token; the token is cut out so that
// it never reaches a log.
func (a *Adapter) callError(method string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		redacted := *ue
		redacted.URL = strings.ReplaceAll(ue.URL, a.token, "<token>")
		err = &redacted
	}
	return fmt.Errorf("telegram: %s: %w", method, err)
}

// isTokenRejected reports whether Telegram refused the token itself: 401
// for a wrong token, 404 for a malformed one or a wrong endpoint.
func isTokenRejected(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && (te.Code == http.StatusUnauthorized || te.Code == http.StatusNotFound)
}
