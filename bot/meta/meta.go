// Package meta is Sigap's Instagram and Facebook channel: one Meta webhook
// for both, which receives direct messages (Messenger and Instagram) and
// comments under the posts of the regency's and the OPDs' accounts, and a
// sigap.Sender that answers through the Graph API within Meta's rules.
//
// Addresses. A direct message conversation is "fb:<PSID>" or
// "ig:<IGSID>", the ids Meta gives the person for the Page or the
// Instagram account they wrote to. A thread of comments from one person
// under one post is one conversation of its own, "fb:<user>@<post>" or
// "ig:<IGSID>@<media>": the '@' never occurs in Meta's ids, so an address
// says which kind it is. A comment Meta delivers without its author gets
// a thread of its own, "<comment>@<post>".
//
// What each address needs to be answered — the account it reached, when
// the citizen last wrote (Meta's windows run from then), each comment and
// its one private reply — is kept in the database through sigap.MetaStore,
// written before the message is handed to the conversation.
//
// Replies. A direct message is answered with messaging_type RESPONSE
// within 24 hours of the citizen's last message, with the HUMAN_AGENT tag
// within 7 days where Meta allows it, and otherwise fails for good with
// the reason, so the ticket shows it. A thread is answered by direct
// message when the citizen has written there within the window (they
// answered an earlier private reply); otherwise with the one private
// reply of the newest comment not yet answered, within 7 days of it,
// followed by a short public note under the comment that the answer went
// by direct message.
package meta

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// DefaultAPI is the Graph API base URL, versioned: Meta keeps a version
// for about two years after the next one comes out.
const DefaultAPI = "https://graph.facebook.com/v26.0"

// Account states, as the admin page shows them.
const (
	StateChecking     = "checking"           // not yet reached since the start
	StateConnected    = sigap.StateConnected // the last call with its token succeeded
	StateTokenInvalid = "token_invalid"      // Meta refused the token (error 190)
	StateRateLimited  = "rate_limited"       // Meta asked to slow down; sends wait
	StateError        = "error"              // the last call failed; retried
)

// Config configures an Adapter. Zero fields take the defaults in brackets.
type Config struct {
	// AppSecret signs every webhook call (X-Hub-Signature-256) and each
	// Graph API call (appsecret_proof); VerifyToken is the token Meta
	// sends when the webhook is set up.
	AppSecret, VerifyToken string
	// Accounts maps each Page id and Instagram account id to its access
	// token (SIGAP_META_PAGES).
	Accounts map[string]string
	// OPDs maps an account to the OPD it belongs to: a message to an
	// OPD's own account is a strong routing hint toward it.
	OPDs map[string]string
	// API is the Graph API base URL [DefaultAPI].
	API        string
	Store      sigap.Store
	HTTPClient *http.Client // [a client with a 30 s timeout]
	Logger     *slog.Logger // [slog.Default()]
	Now        sigap.Clock  // [time.Now]
	// DataDir is where citizens' photos are saved [none: a photo keeps
	// Meta's URL, which expires].
	DataDir string
	// PublicNote is the short public reply under a comment whose answer
	// went by direct message; it lives with the citizen texts in bot.
	PublicNote string
}

// Adapter is the Instagram and Facebook channel. Channels returns its two
// faces for the channel list; both share the accounts, the webhook and the
// sender. It is safe for concurrent use.
type Adapter struct {
	appSecret, verifyToken string
	api                    string
	store                  sigap.Store
	client                 *http.Client
	log                    *slog.Logger
	now                    sigap.Clock
	dataDir                string
	publicNote             string

	mu       sync.Mutex
	accounts map[string]*account
	order    []string // account ids as configured
	started  bool
	stop     context.CancelFunc
	checked  chan struct{} // closed once the start's token check ended
}

// account is one Page or Instagram account and what Sigap knows of it.
type account struct {
	id, token, opd string
	channel        sigap.Channel // learnt from the first event; "" before
	name           string
	state, detail  string
	since          time.Time
	pausedUntil    time.Time // rate limited until then
	probed         time.Time // when a refused token was last tried
}

// New checks cfg and returns the Adapter; it calls nothing yet.
func New(cfg Config) (*Adapter, error) {
	if cfg.AppSecret == "" || cfg.VerifyToken == "" || len(cfg.Accounts) == 0 {
		return nil, sigap.Errorf(sigap.EINVALID, "meta: SIGAP_META_APP_SECRET, SIGAP_META_VERIFY_TOKEN and SIGAP_META_PAGES are all needed")
	}
	if cfg.Store == nil {
		return nil, sigap.Errorf(sigap.EINVALID, "meta: no store")
	}
	if cfg.API == "" {
		cfg.API = DefaultAPI
	}
	if u, err := url.Parse(cfg.API); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, sigap.Errorf(sigap.EINVALID, "meta: Graph API URL %q: want an http or https URL such as %s", cfg.API, DefaultAPI)
	}
	for id := range cfg.OPDs {
		if _, ok := cfg.Accounts[id]; !ok {
			return nil, sigap.Errorf(sigap.EINVALID, "meta: SIGAP_META_OPDS names account %s, which SIGAP_META_PAGES does not list", id)
		}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &Adapter{
		appSecret: cfg.AppSecret, verifyToken: cfg.VerifyToken, api: strings.TrimRight(cfg.API, "/"),
		store: cfg.Store, client: cfg.HTTPClient, log: cfg.Logger.With("channel", "meta"), now: cfg.Now,
		dataDir: cfg.DataDir, publicNote: cfg.PublicNote,
		accounts: map[string]*account{}, checked: make(chan struct{}),
	}
	for id, token := range cfg.Accounts {
		a.accounts[id] = &account{id: id, token: token, opd: cfg.OPDs[id], state: StateChecking, since: a.now()}
		a.order = append(a.order, id)
	}
	slices.Sort(a.order)
	return a, nil
}

// Channels returns the adapter as the Facebook and the Instagram channel.
// The first also mounts the one webhook both share.
func (a *Adapter) Channels() []sigap.ChannelAdapter {
	return []sigap.ChannelAdapter{webhookChannel{channel{a, sigap.Facebook}}, channel{a, sigap.Instagram}}
}

// Accounts reports each account's state, in the order configured.
func (a *Adapter) Accounts() []sigap.AccountState {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]sigap.AccountState, 0, len(a.order))
	for _, id := range a.order {
		out = append(out, a.accounts[id].stateLocked(a.now()))
	}
	return out
}

// stateLocked is the account's state for the admin page; a pause that
// ended reads as connected.
func (acc *account) stateLocked(now time.Time) sigap.AccountState {
	s := sigap.AccountState{Channel: acc.channel, ID: acc.id, Name: acc.name, OPD: acc.opd,
		State: acc.state, Detail: acc.detail, Since: acc.since}
	if s.State == StateRateLimited && !now.Before(acc.pausedUntil) {
		s.State, s.Detail = StateConnected, ""
	}
	return s
}

// account returns the account with id, nil when it is not configured.
func (a *Adapter) account(id string) *account {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.accounts[id]
}

// learn records which channel an account is, from the events it receives.
func (a *Adapter) learn(id string, ch sigap.Channel) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if acc := a.accounts[id]; acc != nil {
		acc.channel = ch
	}
}

// setState changes an account's state. A refused token makes the
// channel's state token_invalid, so that the desk's channel watch warns
// supervisors once it lasts.
func (a *Adapter) setState(acc *account, state, detail string) {
	a.mu.Lock()
	changed := acc.state != state
	if changed {
		acc.since = a.now()
	}
	acc.state, acc.detail = state, detail
	a.mu.Unlock()
	if changed && state == StateTokenInvalid {
		a.log.Error("meta: Meta refused an account's token; replies to it wait in the outbox", "account", acc.id, "detail", detail)
	}
}

// state is a channel's state: the worst of its accounts' (and of those
// whose channel is not known yet), with the troubled ones in the detail;
// disabled when every account is of the other channel.
func (a *Adapter) state(ch sigap.Channel) sigap.ChannelState {
	rank := map[string]int{StateConnected: 0, StateChecking: 1, StateRateLimited: 2, StateError: 3, StateTokenInvalid: 4}
	out := sigap.ChannelState{Channel: ch, State: StateConnected, Since: a.now()}
	var troubled []string
	worst := -1
	for _, s := range a.Accounts() {
		if s.Channel != "" && s.Channel != ch {
			continue
		}
		if s.State != StateConnected {
			troubled = append(troubled, fmt.Sprintf("%s %s: %s", s.ID, s.State, s.Detail))
		}
		if r := rank[s.State]; r > worst || (r == worst && s.Since.Before(out.Since)) {
			worst, out.State, out.Since = r, s.State, s.Since
		}
	}
	if worst < 0 {
		// Every account turned out to be of the other channel.
		return sigap.ChannelState{Channel: ch, State: sigap.StateDisabled,
			Detail: "no account of this channel in SIGAP_META_PAGES", Since: a.now()}
	}
	out.Detail = strings.Join(troubled, "; ")
	return out
}

// appSecretProof proves to Meta that a call with token comes from the
// app, so that "Require App Secret" can be turned on for the app.
func (a *Adapter) appSecretProof(token string) string {
	m := hmac.New(sha256.New, []byte(a.appSecret))
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// ParsePages reads SIGAP_META_PAGES, "ACCOUNT_ID=ACCESS_TOKEN,…". Errors
// name the entry by its place and never repeat a token.
func ParsePages(s string) (map[string]string, error) {
	return parseList(s, "SIGAP_META_PAGES", "ACCESS_TOKEN", func(v string) bool {
		return v != "" && !strings.ContainsAny(v, " \t\r\n,")
	})
}

// ParseOPDs reads SIGAP_META_OPDS, "ACCOUNT_ID=OPD,…": the OPD each
// account belongs to.
func ParseOPDs(s string) (map[string]string, error) {
	return parseList(s, "SIGAP_META_OPDS", "OPD", func(v string) bool { return v != "" })
}

func parseList(s, name, valueName string, valid func(string) bool) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for i, entry := range strings.Split(s, ",") {
		id, value, ok := strings.Cut(strings.TrimSpace(entry), "=")
		id, value = strings.TrimSpace(id), strings.TrimSpace(value)
		switch {
		case !ok || !isDigits(id) || !valid(value):
			return nil, sigap.Errorf(sigap.EINVALID, "%s: entry %d: want ACCOUNT_ID=%s, the id in digits", name, i+1, valueName)
		case out[id] != "":
			return nil, sigap.Errorf(sigap.EINVALID, "%s: entry %d: account %s is listed twice", name, i+1, id)
		}
		out[id] = value
	}
	return out, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
