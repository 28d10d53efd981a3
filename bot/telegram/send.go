package telegram

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
)

// Send delivers msg to the Telegram chat msg.To names, as plain text (so
// nothing a citizen wrote is read as markup) without link previews. A text
// over Telegram's limit goes as several messages, in order.
//
// Errors follow sigap.Sender: *sigap.RetryAfterError when Telegram asks to
// wait, *sigap.PermanentError when the chat is gone or the bot is blocked,
// any other error for a failure worth retrying. When a split message fails
// halfway, a retry of the same outbox message resumes after the parts
// already sent instead of repeating them.
func (a *Adapter) Send(ctx context.Context, msg sigap.Outbound) error {
	if msg.To.Channel != sigap.Telegram {
		return &sigap.PermanentError{Err: sigap.Errorf(sigap.EINVALID, "telegram: address %s is not a Telegram chat", msg.To)}
	}
	chat, err := strconv.ParseInt(msg.To.ID, 10, 64)
	if err != nil {
		return &sigap.PermanentError{Err: sigap.Errorf(sigap.EINVALID, "telegram: address %s: chat id is not a number", msg.To)}
	}
	parts := sendableParts(msg.Text)
	if len(parts) == 0 {
		return &sigap.PermanentError{Err: sigap.Errorf(sigap.EINVALID, "telegram: message %d to %s has no text", msg.ID, msg.To)}
	}
	for i := a.parts.Sent(msg.ID); i < len(parts); i++ {
		if err := a.wait(ctx, a.pace.reserve(chat)); err != nil {
			a.parts.Record(msg.ID, i)
			return err
		}
		if err := a.sendPart(ctx, chat, parts[i]); err != nil {
			var perm *sigap.PermanentError
			if errors.As(err, &perm) {
				a.parts.Done(msg.ID) // no retry will come
			} else {
				a.parts.Record(msg.ID, i)
			}
			return err
		}
	}
	a.parts.Done(msg.ID)
	return nil
}

// sendableParts splits text to Telegram's limit and drops parts that are
// only white space, which Telegram refuses as empty.
func sendableParts(text string) []string {
	var parts []string
	for _, p := range splitText(strings.ToValidUTF8(text, "\uFFFD")) {
		if strings.TrimSpace(p) != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

func (a *Adapter) sendPart(ctx context.Context, chat int64, text string) error {
	m := tgbotapi.NewMessage(chat, text)
	m.DisableWebPagePreview = true
	_, err := a.api(ctx).Send(m)
	if err == nil {
		a.setState(StateConnected, nil)
		return nil
	}
	err = a.callError("sendMessage", err)
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		a.setState(StateError, err)
		return err // network failure or a body that is not the Bot API's
	}
	switch {
	case te.Code == http.StatusTooManyRequests:
		wait := time.Duration(te.RetryAfter) * time.Second
		if wait <= 0 {
			wait = time.Second
		}
		a.pace.holdChat(chat, wait)
		return &sigap.RetryAfterError{Wait: wait, Err: err}
	case te.Code == http.StatusBadRequest || te.Code == http.StatusForbidden:
		// 403: the citizen blocked the bot or deleted their account; 400:
		// the chat does not exist or Telegram refuses the request as
		// such. Sending the same message again gets the same answer.
		return &sigap.PermanentError{Err: err}
	case isTokenRejected(err):
		a.setState(StateUnauthorized, err)
		return err // every send fails until the token is fixed; keep the message
	default:
		a.setState(StateError, err)
		return err
	}
}
