package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

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

// receiveTimeout bounds how long one inbound message may take to commit
// before it is left unacknowledged for WhatsApp to deliver again.
const receiveTimeout = time.Minute

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
	// DataDir is where downloaded photos go; a photo's MediaRef is its
	// path, DataDir joined with whatsapp/<year-month>/<message id>.jpg.
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
	// parts counts the parts of a split reply already delivered, by
	// outbox id, so a retry after a failed part does not repeat them.
	parts   outpart.Progress
	webLink *webLink // the admin page's linking session, if any
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
	// message Sigap failed to commit is delivered again.
	cli.SynchronousAck = true
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
// Start does not wait for the connection; State tells how it goes.
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
	a.setState(StateConnecting, "")
	// Offline at start is not fatal: whatsmeow keeps retrying.
	cli.InitialAutoReconnect = true
	conn, _ := a.newConnection()
	go func() {
		if err := cli.ConnectContext(conn); err != nil && conn.Err() == nil {
			a.setState(StateDisconnected, err.Error())
			a.log.Error("whatsapp: connect", "err", err)
		}
	}()
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

// handleEvent receives every whatsmeow event. Its result is the ack
// decision: false leaves a message unacknowledged so WhatsApp delivers it
// again.
func (a *Adapter) handleEvent(evt any) bool {
	switch e := evt.(type) {
	case *events.Message:
		return a.handleMessage(e)
	case *events.Connected:
		a.setState(StateConnected, "")
		if err := a.recordConnected(a.life, a.cfg.Now()); err != nil {
			a.log.Warn("whatsapp: record connection time", "err", err)
		}
	case *events.Disconnected:
		a.setState(StateReconnecting, "connection lost")
	case *events.KeepAliveTimeout:
		a.setState(StateReconnecting, fmt.Sprintf("no answer to %d keep-alive pings", e.ErrorCount))
	case *events.KeepAliveRestored:
		a.setState(StateConnected, "")
	case *events.LoggedOut:
		a.setState(StateLoggedOut, "the number removed this device: "+e.Reason.String())
	case *events.TemporaryBan:
		a.setState(StateBanned, e.String())
	case *events.StreamReplaced:
		a.setState(StateDisconnected, "another program connected with this session")
	case *events.ClientOutdated:
		a.setState(StateDisconnected, "WhatsApp rejected this client version; update Sigap")
	}
	return true
}

// handleMessage stores one inbound message and reports whether it may be
// acknowledged.
func (a *Adapter) handleMessage(evt *events.Message) bool {
	a.mu.Lock()
	recv, wa, lids := a.recv, a.wa, a.lids
	a.mu.Unlock()
	if recv == nil {
		// Connected only to link: leave the message for serve.
		return false
	}
	ctx, cancel := context.WithTimeout(a.life, receiveTimeout)
	defer cancel()
	if lids != nil && evt.Info.Sender.Server == types.HiddenUserServer && evt.Info.SenderAlt.IsEmpty() {
		if pn, err := lids.GetPNForLID(ctx, evt.Info.Sender); err == nil && !pn.IsEmpty() {
			evt.Info.SenderAlt = pn
		}
	}
	in, ok := ToInbound(evt)
	if !ok {
		return true
	}
	if in.At.IsZero() {
		in.At = a.cfg.Now()
	}
	if in.Kind == sigap.KindPhoto {
		if path, err := a.savePhoto(ctx, wa, evt); err != nil {
			// The message still goes in with its wa-media: reference.
			a.log.Warn("whatsapp: download photo", "id", in.PlatformID, "err", err)
		} else {
			in.MediaRef = path
		}
	}
	if err := recv.Receive(ctx, in); err != nil {
		if sigap.ErrorCode(err) == sigap.EINVALID {
			// Delivering it again cannot make it valid.
			a.log.Error("whatsapp: message rejected", "id", in.PlatformID, "err", err)
			return true
		}
		a.log.Error("whatsapp: store message; left for redelivery", "id", in.PlatformID, "err", err)
		return false
	}
	if err := wa.MarkRead(ctx, []types.MessageID{evt.Info.ID}, a.cfg.Now(), evt.Info.Chat, evt.Info.Sender); err != nil {
		a.log.Warn("whatsapp: mark read", "id", in.PlatformID, "err", err)
	}
	return true
}
