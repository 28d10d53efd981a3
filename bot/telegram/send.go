package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/outpart"
)

// ErrBlocked is in the error of a send to a citizen who blocked the bot:
// sigap.ErrBlocked, which the outbox tells staff of.
var ErrBlocked = sigap.ErrBlocked

// Send delivers msg to the Telegram chat msg.To names, as plain text (so
// nothing a citizen wrote is read as markup) without link previews. A text
// over Telegram's limit goes as several messages, in order. A file
// (msg.MediaRef) goes first, by sendPhoto or sendDocument, with the text
// as its caption when it fits one. msg.Replies become a one-time keyboard
// under the last part, whose buttons send their text; the next message
// without replies takes the keyboard away.
//
// Errors follow sigap.Sender: *sigap.RetryAfterError when Telegram asks to
// wait, *sigap.PermanentError saying why when the chat cannot get messages
// (the citizen blocked the bot: ErrBlocked; the account was deleted; the
// chat does not exist) or the file is gone, any other error for a failure
// worth retrying. A
// split message starts after the msg.PartsSent parts that went out in
// earlier attempts, and tells msg.PartSent of each part but the last, so
// that a retry, even after a crash, does not repeat them: Telegram, unlike
// WhatsApp, has no message id that would make a repeat harmless.
func (a *Adapter) Send(ctx context.Context, msg sigap.Outbound) error {
	if msg.To.Channel != sigap.Telegram {
		return &sigap.PermanentError{Err: sigap.Errorf(sigap.EINVALID, "telegram: address %s is not a Telegram chat", msg.To)}
	}
	chat, err := strconv.ParseInt(msg.To.ID, 10, 64)
	if err != nil {
		return &sigap.PermanentError{Err: sigap.Errorf(sigap.EINVALID, "telegram: address %s: chat id is not a number", msg.To)}
	}
	parts, err := messageParts(msg, a.dataDir)
	if err != nil {
		return &sigap.PermanentError{Err: fmt.Errorf("telegram: message %d to %s: %w", msg.ID, msg.To, err)}
	}
	if len(parts) == 0 {
		return &sigap.PermanentError{Err: sigap.Errorf(sigap.EINVALID, "telegram: message %d to %s has no text", msg.ID, msg.To)}
	}
	return outpart.Deliver(ctx, msg, len(parts), func(i int) error {
		if err := a.wait(ctx, a.pace.reserve(chat)); err != nil {
			return err
		}
		var replies []string
		if i == len(parts)-1 {
			replies = msg.Replies
		}
		err := a.sendPart(ctx, chat, parts[i], replies)
		var perm *sigap.PermanentError
		if errors.As(err, &perm) {
			return &sigap.PermanentError{Err: fmt.Errorf("telegram: message %d to %s not delivered: %w", msg.ID, msg.To, perm.Err)}
		}
		return err
	})
}

// maxCaption is Telegram's limit on a photo's or document's caption, in
// UTF-16 units.
const maxCaption = 1024

// messageParts splits an outbound message into the calls that deliver it:
// the file first (its reference taken in dataDir), with the text as
// caption when it fits, then the text.
func messageParts(msg sigap.Outbound, dataDir string) ([]outpart.Part, error) {
	return outpart.Parts(msg, dataDir, sendableParts(msg.Text), func(t string) bool { return utf16Len(t) <= maxCaption })
}

// utf16Len is how long Telegram counts s.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Units(r)
	}
	return n
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

// request is what sendPart sends: a text message, a photo or a document.
func (a *Adapter) request(chat int64, p outpart.Part, replies []string) (tgbotapi.Chattable, string, bool) {
	if p.File == "" {
		m := tgbotapi.NewMessage(chat, p.Text)
		m.DisableWebPagePreview = true
		keyboard := a.markup(&m.BaseChat, replies)
		return m, "sendMessage", keyboard
	}
	file := tgbotapi.FilePath(p.File)
	if p.Document {
		d := tgbotapi.NewDocument(chat, file)
		d.Caption = p.Text
		keyboard := a.markup(&d.BaseChat, replies)
		return d, "sendDocument", keyboard
	}
	ph := tgbotapi.NewPhoto(chat, file)
	ph.Caption = p.Text
	keyboard := a.markup(&ph.BaseChat, replies)
	return ph, "sendPhoto", keyboard
}

func (a *Adapter) sendPart(ctx context.Context, chat int64, p outpart.Part, replies []string) error {
	req, method, keyboard := a.request(chat, p, replies)
	// Request, not Send: Send decodes the message sent back, and a field
	// newer than the library could fail that after the message went out.
	_, err := a.api(ctx).Request(req)
	if err == nil {
		a.setState(StateConnected, nil)
		a.keyboardShown(chat, keyboard)
		return nil
	}
	err = a.callError(method, err)
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
		// Sending the same message again gets the same answer.
		return &sigap.PermanentError{Err: undeliverable(te, err)}
	case isTokenRejected(err):
		// Every send fails alike until the token is fixed: the outbox holds
		// the channel without counting a try against any message.
		a.setState(StateUnauthorized, err)
		return &sigap.NotSentError{Wait: tokenRejectedWait, Err: err}
	default:
		a.setState(StateError, err)
		return err
	}
}

// tokenRejectedWait is how long the outbox holds Telegram's messages after
// Telegram rejected the bot's token, before it tries again.
const tokenRejectedWait = time.Minute

// undeliverable says in plain words why Telegram refuses to deliver to a
// chat, in Indonesian as staff read it on the ticket, keeping Telegram's
// own words after it.
func undeliverable(te *tgbotapi.Error, err error) error {
	desc := strings.ToLower(te.Message)
	switch {
	case te.Code == http.StatusForbidden && strings.Contains(desc, "blocked"):
		return fmt.Errorf("%w (%v)", ErrBlocked, err)
	case te.Code == http.StatusForbidden && strings.Contains(desc, "deactivated"):
		return fmt.Errorf("warga sudah menghapus akun Telegram-nya (%w)", err)
	case strings.Contains(desc, "chat not found"):
		return fmt.Errorf("percakapan Telegram dengan warga tidak ditemukan (%w)", err)
	}
	return err
}

// markup puts the quick replies on m as a one-time keyboard, or removes
// the keyboard an earlier message left, and reports whether m offers one.
func (a *Adapter) markup(m *tgbotapi.BaseChat, replies []string) bool {
	if len(replies) == 0 {
		a.mu.Lock()
		shown := a.keyboards[m.ChatID]
		a.mu.Unlock()
		if shown {
			m.ReplyMarkup = tgbotapi.NewRemoveKeyboard(false)
		}
		return false
	}
	row := make([]tgbotapi.KeyboardButton, len(replies))
	for i, r := range replies {
		row[i] = tgbotapi.NewKeyboardButton(r)
	}
	kb := tgbotapi.NewOneTimeReplyKeyboard(row)
	kb.ResizeKeyboard = true
	m.ReplyMarkup = kb
	return true
}

// keyboardShown remembers whether chat's last message offered quick
// replies, so the next one without takes them away. Forgetting it (a
// restart) leaves at most a stale keyboard whose buttons send plain text.
func (a *Adapter) keyboardShown(chat int64, shown bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case shown && (a.keyboards == nil || len(a.keyboards) >= pruneAt*16):
		// Chats that never got another message would pile up.
		a.keyboards = map[int64]bool{chat: true}
	case shown:
		a.keyboards[chat] = true
	default:
		delete(a.keyboards, chat)
	}
}
