package telegram

import (
	"context"
	"net/http"

	"github.com/pemkab-kebumen/sigap"
)

// Channel is sigap.Telegram.
func (a *Adapter) Channel() sigap.Channel { return sigap.Telegram }

// Start begins receiving: in webhook mode it registers the webhook (its
// handler is mounted by Routes); otherwise it removes any webhook left by
// an earlier run, which would make every long poll fail, and long-polls
// in the background until Stop.
func (a *Adapter) Start(ctx context.Context, recv sigap.Receiver) error {
	if a.webhookURL != "" {
		if err := a.SetWebhook(ctx, a.webhookURL, a.webhookSecret); err != nil {
			a.log.Error("telegram: set webhook; Telegram will not deliver until it succeeds", "err", err)
		}
		return nil
	}
	if err := a.DeleteWebhook(ctx); err != nil {
		a.log.Warn("telegram: delete webhook", "err", err)
	}
	ctx, stop := context.WithCancel(ctx)
	polled := make(chan struct{})
	a.mu.Lock()
	a.stop, a.polled = stop, polled
	a.mu.Unlock()
	go func() {
		defer close(polled)
		if err := a.Poll(ctx, recv); err != nil && ctx.Err() == nil {
			a.log.Error("telegram poller stopped", "err", err)
		}
	}()
	return nil
}

// Stop ends the long poll and waits for the update in hand to be
// received or left for redelivery.
func (a *Adapter) Stop() {
	a.mu.Lock()
	stop, polled := a.stop, a.polled
	a.mu.Unlock()
	if stop != nil {
		stop()
		<-polled
	}
}

// Routes mounts the webhook handler in webhook mode; in long-polling mode
// there is nothing to mount.
func (a *Adapter) Routes(mux *http.ServeMux, recv sigap.Receiver) {
	if a.webhookURL != "" {
		mux.Handle("POST /telegram/webhook", a.WebhookHandler(a.webhookSecret, recv))
	}
}
