package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
)

// Backoff bounds for failed calls to Telegram and failed receives.
const (
	minBackoff = time.Second
	maxBackoff = time.Minute
)

// allowedUpdates asks Telegram for the only updates ToInbound uses.
var allowedUpdates = []string{"message", "edited_message"}

// Poll long-polls Telegram for updates until ctx ends, and hands each to
// recv in order. An update is confirmed to Telegram (by asking for the
// updates after it) only once it is done with, so an update whose receive
// failed, or that was in flight when the process died, is delivered again.
// Each update of a batch is decoded on its own; one that cannot be decoded,
// or that the receiver keeps failing on, is set aside (Config.SetAside)
// rather than holding up every citizen behind it. Failed receives and
// failed calls to Telegram are logged and retried with backoff; a 409
// (a webhook is set, or another poller runs) deletes the webhook again.
//
// Poll returns ctx's error when ctx ends, or an error when Telegram
// rejects the token, which no retry can fix.
func (a *Adapter) Poll(ctx context.Context, recv sigap.Receiver) error {
	if err := a.waitIdentified(ctx); err != nil {
		return err
	}
	offset := 0
	fails := 0
	for {
		if err := ctx.Err(); err != nil {
			return err // before asking again, which would confirm the last batch
		}
		updates, err := a.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if isTokenRejected(err) {
				return err
			}
			fails++
			a.log.Warn("telegram: getUpdates failed; retrying", "err", err, "attempt", fails)
			if isConflict(err) {
				a.clearWebhook(ctx)
			}
			if err := a.wait(ctx, retryDelay(err, fails)); err != nil {
				return err
			}
			continue
		}
		fails = 0
		for _, u := range updates {
			if u.id != 0 && u.id < offset {
				continue // already confirmed; Telegram should not resend it
			}
			if err := a.deliver(ctx, recv, u); err != nil {
				return err
			}
			offset = max(offset, u.id+1)
		}
	}
}

// deliver handles u until it is done with or ctx ends.
func (a *Adapter) deliver(ctx context.Context, recv sigap.Receiver, u rawUpdate) error {
	for attempt := 1; ; attempt++ {
		err := a.handleUpdate(ctx, recv, u)
		if err == nil || ctx.Err() != nil {
			return ctx.Err()
		}
		if err := a.wait(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

// clearWebhook deletes a webhook that makes every getUpdates fail with 409:
// one set since Sigap started (by another program with the token), which
// the deleteWebhook at start could not foresee.
func (a *Adapter) clearWebhook(ctx context.Context) {
	if err := a.DeleteWebhook(ctx); err != nil {
		a.log.Warn("telegram: delete webhook after 409", "err", err)
		return
	}
	a.log.Warn("telegram: getUpdates refused with 409; deleted the webhook. If this repeats, another program polls with the same token")
}

func isConflict(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && te.Code == http.StatusConflict
}

// waitIdentified calls getMe until it succeeds, unless New already did.
func (a *Adapter) waitIdentified(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		a.mu.Lock()
		known := a.self != nil
		a.mu.Unlock()
		if known {
			return nil
		}
		err := a.identify(ctx)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case isTokenRejected(err):
			return err
		}
		a.log.Warn("telegram: Bot API unreachable; retrying", "err", err, "attempt", attempt)
		if err := a.wait(ctx, retryDelay(err, attempt)); err != nil {
			return err
		}
	}
}

// getUpdates returns the updates from offset on, each still in JSON: the
// library would decode the whole batch at once, and one update it cannot
// read would fail it at the same offset forever.
func (a *Adapter) getUpdates(ctx context.Context, offset int) ([]rawUpdate, error) {
	cfg := tgbotapi.UpdateConfig{
		Offset:         offset,
		Timeout:        int(a.pollTimeout / time.Second),
		AllowedUpdates: allowedUpdates,
	}
	resp, err := a.api(ctx).Request(cfg)
	var updates []rawUpdate
	if err == nil {
		updates, err = splitUpdates(resp.Result)
	}
	if err != nil {
		err = a.callError("getUpdates", err)
		switch {
		case ctx.Err() != nil: // stopping, not failing
		case isTokenRejected(err):
			a.setState(StateUnauthorized, err)
		default:
			a.setState(StateError, err)
		}
		return nil, err
	}
	a.setState(StateConnected, nil)
	return updates, nil
}

// splitUpdates cuts getUpdates' result into its updates. One whose
// update_id cannot be read (Telegram always sends it) keeps the id 0: it
// cannot be confirmed on its own, and the updates around it move the
// offset on.
func splitUpdates(result json.RawMessage) ([]rawUpdate, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(result, &raws); err != nil {
		return nil, fmt.Errorf("result is not a list of updates: %w", err)
	}
	updates := make([]rawUpdate, len(raws))
	for i, raw := range raws {
		var head struct {
			UpdateID int `json:"update_id"`
		}
		_ = json.Unmarshal(raw, &head)
		updates[i] = rawUpdate{id: head.UpdateID, raw: raw}
	}
	return updates, nil
}

// retryDelay is how long to wait before calling Telegram again: what it
// asked for on a 429, or else the backoff for the attempt.
func retryDelay(err error, attempt int) time.Duration {
	var te *tgbotapi.Error
	if errors.As(err, &te) && te.RetryAfter > 0 {
		return time.Duration(te.RetryAfter) * time.Second
	}
	return backoff(attempt)
}

// backoff doubles from minBackoff with each attempt, up to maxBackoff.
func backoff(attempt int) time.Duration {
	d := minBackoff
	for i := 1; i < attempt && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}
