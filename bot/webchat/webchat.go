// Package webchat is the channel adapter of Sigap's own web chat. The chat
// pages hand what citizens write to the adapter, which passes it to the
// receiver; the thread is read from the store, so sending has nothing to
// carry over a network: it only wakes the chat pages that watch the
// conversation.
package webchat

import (
	"context"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// StateConnected is the web chat's state once started.
const StateConnected = "connected"

// Adapter is the web channel and the hub that tells open chat pages a new
// message is in their thread.
type Adapter struct {
	now  sigap.Clock
	mu   sync.Mutex
	recv sigap.Receiver                        // set by Start
	subs map[string]map[chan struct{}]struct{} // chat id → listeners
	// state is the channel's state: not started, then connected.
	state sigap.ChannelState
}

var _ sigap.ChannelAdapter = (*Adapter)(nil)

// New returns an Adapter with no listeners; now dates its state.
func New(now sigap.Clock) *Adapter {
	if now == nil {
		now = time.Now
	}
	return &Adapter{now: now, subs: make(map[string]map[chan struct{}]struct{}),
		state: sigap.ChannelState{Channel: sigap.Web, State: "not_started", Since: now()}}
}

// Channel is sigap.Web.
func (a *Adapter) Channel() sigap.Channel { return sigap.Web }

// Start makes recv the receiver of what citizens write on the chat pages.
func (a *Adapter) Start(ctx context.Context, recv sigap.Receiver) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.recv = recv
	a.state = sigap.ChannelState{Channel: sigap.Web, State: StateConnected, Detail: "/chat", Since: a.now()}
	return nil
}

// Stop ends nothing: the chat pages stop with the HTTP server.
func (a *Adapter) Stop() {}

// State is "connected" once started.
func (a *Adapter) State() sigap.ChannelState {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state
}

// Receive hands a citizen's message from a chat page to the receiver and,
// once committed, shows it on the citizen's other open pages.
func (a *Adapter) Receive(ctx context.Context, in sigap.Inbound) error {
	a.mu.Lock()
	recv := a.recv
	a.mu.Unlock()
	if recv == nil {
		return sigap.Errorf(sigap.EINTERNAL, "webchat: not started")
	}
	if err := recv.Receive(ctx, in); err != nil {
		return err
	}
	a.Notify(in.From.ID)
	return nil
}

// Send tells the recipient's open chat pages to show the message, which is
// already committed to the thread. It never fails: a citizen with no page
// open sees the message the next time they load it.
func (a *Adapter) Send(ctx context.Context, msg sigap.Outbound) error {
	if msg.To.Channel != sigap.Web {
		return &sigap.PermanentError{Err: sigap.Errorf(sigap.EINVALID, "webchat: address %s is not a web chat", msg.To)}
	}
	a.Notify(msg.To.ID)
	return nil
}

// Notify wakes every listener of the chat id.
func (a *Adapter) Notify(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for ch := range a.subs[id] {
		// A listener already holding a wake-up will reload everything
		// anyway, so a full buffer loses nothing.
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Subscribe returns a channel that receives a value whenever the chat id
// gets a message, and a function that stops the subscription.
func (a *Adapter) Subscribe(id string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	a.mu.Lock()
	if a.subs[id] == nil {
		a.subs[id] = make(map[chan struct{}]struct{})
	}
	a.subs[id][ch] = struct{}{}
	a.mu.Unlock()
	return ch, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		delete(a.subs[id], ch)
		if len(a.subs[id]) == 0 {
			delete(a.subs, id)
		}
	}
}
