package telegram

import (
	"context"
	"errors"
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
// updates after it) only once recv.Receive returned nil, so an update
// whose receive failed, or that was in flight when the process died, is
// delivered again. A failing Receive is retried with backoff, never
// skipped. Failed calls to Telegram are logged and retried with backoff.
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
			if err := a.wait(ctx, retryDelay(err, fails)); err != nil {
				return err
			}
			continue
		}
		fails = 0
		for _, u := range updates {
			if u.UpdateID < offset {
				continue // already confirmed; Telegram should not resend it
			}
			if in, ok := ToInbound(u, a.allowGroups); ok {
				a.savePhoto(ctx, &in)
				if err := a.receive(ctx, recv, u.UpdateID, in); err != nil {
					return err
				}
			}
			offset = u.UpdateID + 1
		}
	}
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

func (a *Adapter) getUpdates(ctx context.Context, offset int) ([]tgbotapi.Update, error) {
	cfg := tgbotapi.UpdateConfig{
		Offset:         offset,
		Timeout:        int(a.pollTimeout / time.Second),
		AllowedUpdates: allowedUpdates,
	}
	updates, err := a.api(ctx).GetUpdates(cfg)
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

// receive hands in to recv until it is committed or ctx ends.
func (a *Adapter) receive(ctx context.Context, recv sigap.Receiver, updateID int, in sigap.Inbound) error {
	for attempt := 1; ; attempt++ {
		err := recv.Receive(ctx, in)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.log.Error("telegram: receive failed; retrying the update", "update", updateID, "message", in.PlatformID, "err", err, "attempt", attempt)
		if err := a.wait(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
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
