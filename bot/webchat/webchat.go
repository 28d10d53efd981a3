// Package webchat is the channel adapter of Sigap's own web chat. The chat
// page writes inbound messages straight to the bot and reads the thread from
// the store, so sending has nothing to carry over a network: it only wakes
// the chat pages that watch the conversation.
package webchat

import (
	"context"
	"sync"

	"github.com/pemkab-kebumen/sigap"
)

// Adapter is the sigap.Sender of the web channel and the hub that tells open
// chat pages a new message is in their thread.
type Adapter struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{} // chat id → listeners
}

// New returns an Adapter with no listeners.
func New() *Adapter {
	return &Adapter{subs: make(map[string]map[chan struct{}]struct{})}
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
