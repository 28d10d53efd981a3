package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waCompanionReg"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"google.golang.org/protobuf/proto"

	sigap "github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/outpart"
)

// Defaults are conservative: a person answering by hand does not send more
// than one message every few seconds to one chat, nor dozens a minute.
const (
	DefaultPerChatGap     = 3 * time.Second
	DefaultPerMinute      = 20
	DefaultConnectTimeout = 10 * time.Second
)

// Config configures an Adapter.
type Config struct {
	// Store is Sigap's database, where the time of the last connection is
	// kept as a setting.
	Store sigap.Store
	// SessionDB is the handle of that database that whatsmeow's session
	// tables live in, next to Sigap's, and SessionDialect its SQL dialect
	// ("sqlite3", "postgres"), both as the storage package gives them.
	SessionDB      *sql.DB
	SessionDialect string
	// DataDir is Sigap's data folder; a downloaded photo's MediaRef is
	// its path relative to it, media/whatsapp/<year-month>/<message id>.jpg.
	DataDir string
	Logger  *slog.Logger
	Now     sigap.Clock
	// Sleep waits d or until ctx ends; tests pass one that moves a fake
	// clock instead of sleeping.
	Sleep func(ctx context.Context, d time.Duration) error
	// PerChatGap is the least time between two messages to one chat.
	PerChatGap time.Duration
	// PerMinute caps messages sent per minute over all chats.
	PerMinute int
	// ConnectTimeout bounds connecting when linking or unlinking, so an
	// unreachable WhatsApp fails fast instead of hanging.
	ConnectTimeout time.Duration
}

// Adapter is the WhatsApp channel: it links the number, receives citizens'
// messages and sends replies.
type Adapter struct {
	cfg       Config
	log       *slog.Logger
	container *sqlstore.Container
	pacer     *pacer

	// life bounds every connection; Stop ends it.
	life context.Context
	stop context.CancelFunc

	mu     sync.Mutex
	client *whatsmeow.Client // the session; Link replaces it
	wa     waClient          // what sending and receiving use: client, or a fake in tests
	lids   store.LIDStore    // resolves a LID sender to a phone number; nil in tests
	recv   sigap.Receiver
	// endConn ends the context of the current connection, and with it
	// whatsmeow's keep-alive and reconnect loops.
	endConn   context.CancelFunc
	state     sigap.ChannelState
	changed   chan struct{} // closed and replaced at every state change
	listeners []func(sigap.ChannelState)
	webLink   *webLink // the admin page's linking session, if any

	// supervised is set by Start: from then on the adapter reconnects
	// after what whatsmeow does not retry (see supervise.go).
	supervised bool
	redial     redial
	stuck      stuck // inbound messages left for redelivery (see events.go)
	// latestVersion asks WhatsApp Web for its current client version.
	latestVersion func(ctx context.Context) (*store.WAVersionContainer, error)
}

// New opens the WhatsApp session store in cfg.SessionDB, creating or
// upgrading whatsmeow's tables. It does not connect.
func New(ctx context.Context, cfg Config) (*Adapter, error) {
	if cfg.SessionDB == nil || cfg.Store == nil {
		return nil, errors.New("whatsapp: no database")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = outpart.Sleep
	}
	if cfg.PerChatGap <= 0 {
		cfg.PerChatGap = DefaultPerChatGap
	}
	if cfg.PerMinute <= 0 {
		cfg.PerMinute = DefaultPerMinute
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	log := cfg.Logger.With("channel", string(sigap.WhatsApp))
	setDeviceIdentity()
	container := sqlstore.NewWithDB(cfg.SessionDB, cfg.SessionDialect, waLogger{log: log, module: "store"})
	if err := container.Upgrade(ctx); err != nil {
		return nil, fmt.Errorf("whatsapp: upgrade session tables: %w", err)
	}
	device, err := container.GetFirstDevice(ctx)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: load session: %w", err)
	}
	a := &Adapter{
		cfg:       cfg,
		log:       log,
		container: container,
		pacer:     newPacer(cfg.Now, cfg.PerChatGap, cfg.PerMinute),
		changed:   make(chan struct{}),
		latestVersion: func(ctx context.Context) (*store.WAVersionContainer, error) {
			return whatsmeow.GetLatestVersion(ctx, &http.Client{Timeout: versionTimeout})
		},
	}
	a.life, a.stop = context.WithCancel(context.WithoutCancel(ctx))
	a.setClient(device)
	a.state = sigap.ChannelState{Channel: sigap.WhatsApp, State: StateNotLinked, Since: cfg.Now()}
	if device.ID != nil {
		a.state.State, a.state.Detail = StateDisconnected, "not started"
	}
	return a, nil
}

// setClient makes a whatsmeow client for device the adapter's session.
func (a *Adapter) setClient(device *store.Device) *whatsmeow.Client {
	cli := whatsmeow.NewClient(device, waLogger{log: a.log, module: "client"})
	// Acknowledge a message only once every handler returned true, so a
	// message Sigap failed to commit is delivered again. Decryption uses up
	// the message's key, so the redelivery could no longer be decrypted
	// (whatsmeow would log an old-counter error and acknowledge it) without
	// the buffer of decrypted messages, which keeps the plaintext until the
	// handlers accepted it. mautrix-whatsapp sets the two together too.
	cli.SynchronousAck = true
	cli.EnableDecryptedEventBuffer = true
	// A message this device cannot decrypt is asked for again from the
	// phone, besides the retry receipt to the sender.
	cli.AutomaticMessageRerequestFromPhone = true
	cli.EnableAutoReconnect = true
	cli.AddEventHandlerWithSuccessStatus(a.handleEvent)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.client, a.wa, a.lids = cli, cli, device.LIDs
	return cli
}

func (a *Adapter) session() *whatsmeow.Client {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.client
}

// Start connects if the number is linked, with automatic reconnection, and
// hands inbound messages to recv. When the number is not linked the state
// says so and Start returns nil: the other channels run without WhatsApp.
// Start does not wait for the connection; State tells how it goes, and
// the adapter reconnects by itself after whatever ended a connection,
// except a logout.
func (a *Adapter) Start(ctx context.Context, recv sigap.Receiver) error {
	a.mu.Lock()
	a.recv = recv
	a.mu.Unlock()
	context.AfterFunc(ctx, a.Stop)
	cli := a.session()
	if cli.Store.ID == nil {
		a.setState(StateNotLinked, "run 'sigap whatsapp link' to link the number")
		a.log.Warn("whatsapp: number not linked; run 'sigap whatsapp link'")
		return nil
	}
	a.mu.Lock()
	a.supervised = true
	a.mu.Unlock()
	a.setState(StateConnecting, "")
	// Offline at start is not fatal: whatsmeow keeps retrying.
	cli.InitialAutoReconnect = true
	go a.dial()
	return nil
}

// newConnection returns the context for a new connection, ending the
// previous one's.
func (a *Adapter) newConnection() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(a.life)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.endConn != nil {
		a.endConn()
	}
	a.endConn = cancel
	return ctx, cancel
}

// Channel is sigap.WhatsApp.
func (a *Adapter) Channel() sigap.Channel { return sigap.WhatsApp }

// Stop disconnects. The adapter cannot be started again.
func (a *Adapter) Stop() {
	a.stop()
	a.session().Disconnect()
}

// deviceName is how the regency's phone lists Sigap under Linked devices,
// so nobody removes an unknown "whatsmeow" device.
const deviceName = "Sigap Pemkab Kebumen"

var identityOnce sync.Once

// setDeviceIdentity names the device WhatsApp registers at linking, as a
// desktop client, the way mautrix-whatsapp does (store.SetOSInfo would also
// change the version every login reports). whatsmeow keeps this in package
// variables; a device linked earlier keeps the name it was linked with.
func setDeviceIdentity() {
	identityOnce.Do(func() {
		store.DeviceProps.Os = proto.String(deviceName)
		store.DeviceProps.PlatformType = waCompanionReg.DeviceProps_DESKTOP.Enum()
	})
}
