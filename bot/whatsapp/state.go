package whatsapp

import (
	"context"

	sigap "github.com/pemkab-kebumen/sigap"
)

// Connection states as /healthz and the dashboard show them. Only
// connected means messages flow; in every other state replies wait in the
// outbox.
const (
	StateNotLinked    = "not_linked"         // no session: run 'sigap whatsapp link'
	StateConnecting   = "connecting"         // first connection under way
	StateConnected    = "connected"          // authenticated, messages flow
	StateReconnecting = "reconnecting"       // connection lost; whatsmeow retries
	StateLoggedOut    = "logged_out"         // the phone removed the device: link again
	StateBanned       = "temporarily_banned" // WhatsApp blocked the number for a while; retried when the ban ends
	StateReplaced     = "replaced"           // another program connected with this session; retried later
	StateOutdated     = "client_outdated"    // WhatsApp refuses this version: update Sigap; retried later
	StateDisconnected = "disconnected"       // connecting failed; retried later
)

// State returns the connection state.
func (a *Adapter) State() sigap.ChannelState {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state
}

// OnStateChange registers f to be called with each new state or detail;
// serve uses it to warn supervisors. The state's Since is when the state
// began: a new detail in the same state (the time of the next retry) keeps
// it, so Since tells how long the channel has been in that state. f may run
// on whatsmeow's event loop, so it must return quickly (enqueueing a
// message in the outbox is fine; sending one is not).
func (a *Adapter) OnStateChange(f func(sigap.ChannelState)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.listeners = append(a.listeners, f)
}

// setState records a state and tells the listeners, unless nothing changed.
func (a *Adapter) setState(state, detail string) {
	a.mu.Lock()
	if a.state.State == state && a.state.Detail == detail {
		a.mu.Unlock()
		return
	}
	since := a.state.Since
	if a.state.State != state {
		since = a.cfg.Now()
	}
	a.state = sigap.ChannelState{Channel: sigap.WhatsApp, State: state, Detail: detail, Since: since}
	st, listeners := a.state, a.listeners
	close(a.changed)
	a.changed = make(chan struct{})
	a.mu.Unlock()
	a.log.Info("whatsapp: state", "state", state, "detail", detail)
	for _, f := range listeners {
		f(st)
	}
}

// waitState waits until the state is one of want, and returns it.
func (a *Adapter) waitState(ctx context.Context, want ...string) (sigap.ChannelState, error) {
	for {
		a.mu.Lock()
		st, changed := a.state, a.changed
		a.mu.Unlock()
		for _, w := range want {
			if st.State == w {
				return st, nil
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return st, ctx.Err()
		}
	}
}
