package whatsapp

import (
	"context"
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

// ErrNotConnected is in the *sigap.NotSentError Send returns while
// WhatsApp is not connected: the outbox holds WhatsApp's replies a while,
// without counting a try.
var ErrNotConnected = fmt.Errorf("whatsapp: %w", sigap.ErrNotConnected)

// maxPacingWait is the longest Send holds a reply for pacing. A longer wait
// (the per-minute cap is used up) goes back to the outbox as a
// *sigap.NotSentError, so other channels' replies are not held up.
const maxPacingWait = 10 * time.Second

// Send delivers one reply: split into parts of at most 4,096 characters,
// each paced, with "typing…" shown while it goes out. Replies are sent as
// plain text messages, which carry no link preview; quick replies
// (msg.Replies) are left out, as linked devices cannot send buttons, and
// the text asks for a typed answer anyway. Each part has a message id
// derived from the outbox message (partMessageID), so when a part is sent
// again after a timeout or a restart, WhatsApp keeps one copy; and it
// starts after the msg.PartsSent parts recorded as sent, telling
// msg.PartSent of each part but the last. It implements sigap.Sender.
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
	if !wa.IsConnected() {
		return &sigap.NotSentError{Err: fmt.Errorf("outbound %d: %w", msg.ID, ErrNotConnected)}
	}
	done := min(max(msg.PartsSent, 0), len(parts))
	parts = parts[done:]
	if len(parts) == 0 {
		return nil
	}
	slots, wait, ok := a.pacer.book(to.String(), len(parts), maxPacingWait)
	if !ok {
		return &sigap.NotSentError{Wait: wait, Err: fmt.Errorf("whatsapp: outbound %d: send rate limit of %d a minute reached", msg.ID, a.cfg.PerMinute)}
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
	total := done + len(parts)
	for i, part := range parts {
		if err := a.cfg.Sleep(ctx, slots[i].Sub(a.cfg.Now())); err != nil {
			return fmt.Errorf("whatsapp: outbound %d: %w", msg.ID, err)
		}
		n := done + i
		extra := whatsmeow.SendRequestExtra{ID: partMessageID(msg, n)}
		if _, err := wa.SendMessage(ctx, to, &waE2E.Message{Conversation: proto.String(part)}, extra); err != nil {
			return fmt.Errorf("whatsapp: outbound %d part %d of %d: %w", msg.ID, n+1, total, err)
		}
		if n+1 < total && msg.PartSent != nil {
			if err := msg.PartSent(ctx, n+1); err != nil {
				return fmt.Errorf("whatsapp: outbound %d: record part %d sent: %w", msg.ID, n+1, err)
			}
		}
	}
	return nil
}
