package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	sigap "github.com/pemkab-kebumen/sigap"
)

// waClient is what Sigap needs of *whatsmeow.Client to talk to citizens
// and to keep the connection up.
type waClient interface {
	ConnectContext(ctx context.Context) error
	ResetConnection()
	IsConnected() bool
	SendPresence(ctx context.Context, state types.Presence) error
	SendMessage(ctx context.Context, to types.JID, message *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	SendChatPresence(ctx context.Context, jid types.JID, state types.ChatPresence, media types.ChatPresenceMedia) error
	MarkRead(ctx context.Context, ids []types.MessageID, timestamp time.Time, chat, sender types.JID, receiptTypeExtra ...types.ReceiptType) error
	Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error)
}

// ErrNotConnected is returned by Send while WhatsApp is not connected; the
// outbox retries with backoff.
var ErrNotConnected = errors.New("whatsapp: not connected")

// maxPacingWait is the longest Send holds a reply for pacing. A longer wait
// (the per-minute cap is used up) goes back to the outbox as a
// *sigap.RetryAfterError, so other channels' replies are not held up.
const maxPacingWait = 10 * time.Second

// Send delivers one reply: split into parts of at most 4,096 characters,
// each paced, with "typing…" shown while it goes out. Replies are sent as
// plain text messages, which carry no link preview; quick replies
// (msg.Replies) are left out, as linked devices cannot send buttons, and
// the text asks for a typed answer anyway. Each part has a message id
// derived from the outbox message (partMessageID), so when a part is sent
// again after a timeout or a restart, WhatsApp keeps one copy. It
// implements sigap.Sender.
func (a *Adapter) Send(ctx context.Context, msg sigap.Outbound) error {
	to, err := recipientJID(msg.To)
	if err != nil {
		return &sigap.PermanentError{Err: err}
	}
	parts := splitText(msg.Text, maxPartRunes)
	if len(parts) == 0 {
		return &sigap.PermanentError{Err: sigap.Errorf(sigap.EINVALID, "whatsapp: outbound %d has no text", msg.ID)}
	}
	a.mu.Lock()
	wa := a.wa
	a.mu.Unlock()
	done := a.parts.Sent(msg.ID)
	if !wa.IsConnected() {
		return fmt.Errorf("whatsapp: outbound %d: %w", msg.ID, ErrNotConnected)
	}
	parts = parts[min(done, len(parts)):]
	if len(parts) == 0 {
		a.parts.Done(msg.ID)
		return nil
	}
	slots, wait, ok := a.pacer.book(to.String(), len(parts), maxPacingWait)
	if !ok {
		return &sigap.RetryAfterError{Wait: wait, Err: fmt.Errorf("whatsapp: outbound %d: send rate limit of %d a minute reached", msg.ID, a.cfg.PerMinute)}
	}
	// The typing indicator is courtesy: WhatsApp refuses it until the
	// account's push name synced, which must not block a reply.
	if err := wa.SendChatPresence(ctx, to, types.ChatPresenceComposing, types.ChatPresenceMediaText); err != nil {
		a.log.Debug("whatsapp: typing indicator", "err", err)
	}
	defer func() {
		if err := wa.SendChatPresence(context.WithoutCancel(ctx), to, types.ChatPresencePaused, types.ChatPresenceMediaText); err != nil {
			a.log.Debug("whatsapp: typing indicator", "err", err)
		}
	}()
	for i, part := range parts {
		if err := a.cfg.Sleep(ctx, slots[i].Sub(a.cfg.Now())); err != nil {
			a.parts.Record(msg.ID, done+i)
			return fmt.Errorf("whatsapp: outbound %d: %w", msg.ID, err)
		}
		extra := whatsmeow.SendRequestExtra{ID: partMessageID(msg, done+i)}
		if _, err := wa.SendMessage(ctx, to, &waE2E.Message{Conversation: proto.String(part)}, extra); err != nil {
			a.parts.Record(msg.ID, done+i)
			return fmt.Errorf("whatsapp: outbound %d part %d of %d: %w", msg.ID, done+i+1, done+len(parts), err)
		}
	}
	a.parts.Done(msg.ID)
	return nil
}
