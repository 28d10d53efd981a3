// Package web serves the staff dashboard (queue, ticket pages, supervisor
// overview, admin), its JSON API and the public web chat. Pages are
// server-rendered html/template; templates and static files are embedded,
// so the binary works offline with no CDN.
package web

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/learning"
	"github.com/pemkab-kebumen/sigap/sla"
	"github.com/pemkab-kebumen/sigap/staff"
)

//go:embed templates static
var assets embed.FS

// Config is what the web server needs.
type Config struct {
	Store    sigap.Store
	Desk     *desk.Desk
	Staff    *staff.Accounts
	KB       *sigap.LiveKB
	Calendar *sla.Calendar
	// Learning is what the admin page Usulan reviews: candidate
	// paraphrases, questions with no FAQ, negative examples.
	Learning *learning.Learner
	// WebChat is the web chat's channel adapter: the chat pages hand it
	// what citizens write, and it wakes them when a reply is committed.
	WebChat ChatChannel
	Now     sigap.Clock
	Logger  *slog.Logger
	// Channels reports the state of each messaging channel.
	Channels func() []sigap.ChannelState
	// WhatsAppLink returns the QR code to link the WhatsApp number, or
	// linked=true once it is; nil when WhatsApp is disabled.
	WhatsAppLink func(ctx context.Context) (qrPNG []byte, linked bool, err error)
	// MediaDir is the folder where adapters store citizens' photos and
	// files, the media folder of the data folder: a message's MediaRef is
	// its file's path relative to the data folder, MediaDir's parent.
	// /media/ serves only files inside it, each to the staff who may see
	// its ticket. Empty disables /media/.
	MediaDir string
	// TelegramBot returns the bot's @username for the profile page; nil
	// when Telegram is off.
	TelegramBot func() string
	// Accounts reports each Facebook Page's and Instagram account's state
	// for the admin page; nil when those channels are off.
	Accounts func() []sigap.AccountState
	// SecureCookies marks cookies Secure (serve over HTTPS).
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Real-IP name the client; nobody else's are believed.
	TrustedProxies []netip.Prefix
	// ChatLimits bound the anonymous web chat; zero fields take
	// DefaultChatLimits.
	ChatLimits ChatLimits
}

// ChatChannel is the web chat's channel adapter (bot/webchat's) as the
// chat pages use it.
type ChatChannel interface {
	// Receive hands a citizen's message to the conversation and, once
	// committed, shows it on the citizen's other open pages.
	Receive(ctx context.Context, in sigap.Inbound) error
	// Subscribe wakes a chat page whenever its thread grows, until the
	// returned function is called.
	Subscribe(chatID string) (<-chan struct{}, func())
}

// Server is the dashboard, the API and the web chat.
type Server struct {
	cfg    Config
	pages  map[string]*template.Template
	static fs.FS
	media  *os.Root
	// mediaDir is MediaDir made absolute.
	mediaDir string
	handler  http.Handler
	keys     *keys
	chatGate *chatGate
	// seen remembers recent audited views, so a page reloading does not
	// write an audit entry each time.
	seen *recentViews
}

// New checks cfg and builds the server.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Store == nil:
		return nil, fmt.Errorf("web: config without Store")
	case cfg.Desk == nil:
		return nil, fmt.Errorf("web: config without Desk")
	case cfg.KB == nil:
		return nil, fmt.Errorf("web: config without KB")
	case cfg.Calendar == nil:
		return nil, fmt.Errorf("web: config without Calendar")
	case cfg.Learning == nil:
		return nil, fmt.Errorf("web: config without Learning")
	case cfg.Staff == nil:
		return nil, fmt.Errorf("web: config without Staff")
	case cfg.WebChat == nil:
		return nil, fmt.Errorf("web: config without WebChat")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Channels == nil {
		cfg.Channels = func() []sigap.ChannelState { return nil }
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	cfg.ChatLimits = withDefaults(cfg.ChatLimits, DefaultChatLimits())
	s := &Server{cfg: cfg, pages: pages, static: static, chatGate: newChatGate(cfg.ChatLimits, cfg.Now), seen: newRecentViews(cfg.Now)}
	if s.keys, err = loadKeys(context.Background(), cfg.Store); err != nil {
		return nil, err
	}
	if cfg.MediaDir != "" {
		if s.mediaDir, err = filepath.Abs(cfg.MediaDir); err != nil {
			return nil, fmt.Errorf("web: media folder %s: %w", cfg.MediaDir, err)
		}
		if err := os.MkdirAll(s.mediaDir, 0o750); err != nil {
			return nil, fmt.Errorf("web: media folder: %w", err)
		}
		if s.media, err = os.OpenRoot(s.mediaDir); err != nil {
			return nil, fmt.Errorf("web: media folder: %w", err)
		}
	}
	// A browser's cross-site request that could change something is
	// refused before any handler; the forms carry CSRF tokens besides.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, nil, sigap.Errorf(sigap.EFORBIDDEN, "Permintaan lintas situs ditolak."))
	}))
	s.handler = securityHeaders(cop.Handler(s.routes()))
	return s, nil
}

// Handler serves everything but /healthz, /metrics and the channels' own
// routes (the Telegram webhook), which the caller mounts beside it.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticFiles(s.static)))

	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginForm)
	mux.Handle("POST /logout", s.page(s.logoutForm))
	mux.Handle("GET /queue", s.page(s.queuePage))
	mux.Handle("GET /tickets/{code}", s.page(s.ticketPage))
	mux.Handle("POST /tickets/{code}/{action}", s.page(s.ticketAction))
	mux.Handle("POST /tickets/{code}/outbox/{id}/retry", s.page(s.resendForm))
	mux.Handle("GET /overview", s.page(s.supervisor(s.overviewPage)))
	mux.Handle("GET /admin", s.page(s.admin(s.adminPage)))
	mux.Handle("POST /admin/staff", s.page(s.admin(s.adminAddStaff)))
	mux.Handle("POST /admin/staff/{username}", s.page(s.admin(s.adminUpdateStaff)))
	mux.Handle("GET /admin/opds/{code}", s.page(s.admin(s.adminOPDPage)))
	mux.Handle("POST /admin/opds/{code}", s.page(s.admin(s.adminSaveOPD)))
	mux.Handle("GET /admin/faqs/{id}", s.page(s.admin(s.adminFAQPage)))
	mux.Handle("POST /admin/faqs/{id}", s.page(s.admin(s.adminSaveFAQ)))
	mux.Handle("GET /profile", s.page(s.profilePage))
	mux.Handle("POST /profile/telegram", s.page(s.profileTelegram))
	mux.Handle("POST /profile/canned", s.page(s.profileCanned))
	mux.Handle("GET /events", s.page(s.staffEvents))
	mux.Handle("GET /media/{id}", s.page(s.mediaFile))
	mux.Handle("GET /admin/held", s.page(s.admin(s.heldPage)))
	mux.Handle("POST /admin/held", s.page(s.admin(s.heldAction)))
	mux.Handle("GET /admin/usulan", s.page(s.admin(s.usulanPage)))
	mux.Handle("POST /admin/usulan", s.page(s.admin(s.usulanAction)))

	mux.HandleFunc("POST /api/login", s.apiLogin)
	mux.Handle("POST /api/logout", s.api(s.apiLogout))
	mux.Handle("GET /api/tickets", s.api(s.apiTickets))
	mux.Handle("GET /api/tickets/{code}", s.api(s.apiTicket))
	mux.Handle("POST /api/tickets/{code}/{action}", s.api(s.apiTicketAction))
	mux.Handle("POST /api/tickets/{code}/outbox/{id}/retry", s.api(s.apiResend))
	mux.Handle("GET /api/reports", s.api(s.supervisor(s.apiReports)))

	mux.HandleFunc("GET /chat", s.chatPage)
	mux.HandleFunc("POST /chat/send", s.chatSend)
	mux.HandleFunc("GET /chat/events", s.chatEvents)
	mux.HandleFunc("GET /chat/media/{id}", s.chatMedia)
	return mux
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/queue", http.StatusSeeOther)
}

// withDefaults fills each zero field of l from def.
func withDefaults(l, def ChatLimits) ChatLimits {
	for _, f := range []struct{ v, d *int }{
		{&l.NewPerMinute, &def.NewPerMinute}, {&l.NewPerClient, &def.NewPerClient},
		{&l.MessagesPerMinute, &def.MessagesPerMinute}, {&l.Streams, &def.Streams},
		{&l.StreamsPerClient, &def.StreamsPerClient},
	} {
		if *f.v <= 0 {
			*f.v = *f.d
		}
	}
	return l
}

// Timeouts bound how long a connection may take over each part of its
// requests, so that slow or idle clients cannot hold connections open.
// Event streams clear the read and write deadlines of their own request.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// DefaultTimeouts are serve's: a minute to send a request or its answer
// (a 1 MB form on a slow mobile link), two to keep an idle connection.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: time.Minute, Write: time.Minute, Idle: 2 * time.Minute}

// NewHTTPServer returns the HTTP server of h with the timeouts t.
func NewHTTPServer(h http.Handler, t Timeouts, log *slog.Logger) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read,
		WriteTimeout: t.Write, IdleTimeout: t.Idle, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
}

// securityHeaders sets the headers every response carries. The CSP allows
// no inline script or style: the pages load only /static/ files.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// staticFiles serves the embedded assets; they change only with the binary,
// so browsers may cache them for a while.
func staticFiles(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}
