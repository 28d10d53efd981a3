package meta

import (
	"context"
	"net/http"

	"github.com/pemkab-kebumen/sigap"
)

// channel is the Adapter as one of its two channels.
type channel struct {
	*Adapter
	id sigap.Channel
}

// webhookChannel is the channel that mounts the webhook both share: the
// mux takes a route once.
type webhookChannel struct{ channel }

var (
	_ sigap.ChannelAdapter = channel{}
	_ sigap.HTTPChannel    = webhookChannel{}
)

func (c channel) Channel() sigap.Channel    { return c.id }
func (c channel) State() sigap.ChannelState { return c.state(c.id) }

// Start checks each account's token once (for both channels), in the
// background: the webhook needs nothing started.
func (c channel) Start(ctx context.Context, _ sigap.Receiver) error {
	a := c.Adapter
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started {
		return nil
	}
	a.started = true
	ctx, a.stop = context.WithCancel(ctx)
	go func() {
		defer close(a.checked)
		a.checkAccounts(ctx)
	}()
	return nil
}

// Stop ends the token check if it still runs.
func (c channel) Stop() {
	a := c.Adapter
	a.mu.Lock()
	stop := a.stop
	a.mu.Unlock()
	if stop != nil {
		stop()
		<-a.checked
	}
}

// Routes mounts the Meta webhook: GET for Meta's verification, POST for
// the events.
func (w webhookChannel) Routes(mux *http.ServeMux, recv sigap.Receiver) {
	mux.Handle("GET /meta/webhook", http.HandlerFunc(w.verify))
	mux.Handle("POST /meta/webhook", w.WebhookHandler(recv))
}

// checkAccounts asks Meta for each account's name, which tells whether its
// token works, so that the admin page shows a refused token before any
// citizen writes.
func (a *Adapter) checkAccounts(ctx context.Context) {
	a.mu.Lock()
	list := make([]*account, 0, len(a.order))
	for _, id := range a.order {
		list = append(list, a.accounts[id])
	}
	a.mu.Unlock()
	for _, acc := range list {
		var node struct {
			Name     string `json:"name"`
			Username string `json:"username"`
		}
		if err := a.call(ctx, acc, http.MethodGet, acc.id+"?fields=name", nil, &node); err != nil {
			if ctx.Err() != nil {
				return
			}
			a.log.Warn("meta: account check", "account", acc.id, "err", err)
			continue
		}
		a.mu.Lock()
		acc.name = node.Name
		a.mu.Unlock()
	}
}
