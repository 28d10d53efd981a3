package whatsapp

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	sigap "github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/outpart"
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
	Upload(ctx context.Context, plaintext []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
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
// the text asks for a typed answer anyway. A file (msg.MediaRef) is
// uploaded and goes first as an image or document message, with the text
// as its caption when it fits one. Each part has a message id
// derived from the outbox message (partMessageID), so when a part is sent
// again after a timeout or a restart, WhatsApp keeps one copy; and it
// starts after the msg.PartsSent parts recorded as sent, telling
// msg.PartSent of each part but the last. It implements sigap.Sender.
func (a *Adapter) Send(ctx context.Context, msg sigap.Outbound) error {
	to, err := recipientJID(msg.To)
	if err != nil {
		return &sigap.PermanentError{Err: err}
	}
	parts, err := messageParts(msg, a.cfg.DataDir)
	if err != nil {
		return &sigap.PermanentError{Err: fmt.Errorf("whatsapp: outbound %d: %w", msg.ID, err)}
	}
	if len(parts) == 0 {
		return &sigap.PermanentError{Err: sigap.Errorf(sigap.EINVALID, "whatsapp: outbound %d has no text", msg.ID)}
	}
	a.mu.Lock()
	wa := a.wa
	a.mu.Unlock()
	if !wa.IsConnected() {
		return &sigap.NotSentError{Err: fmt.Errorf("outbound %d: %w", msg.ID, ErrNotConnected)}
	}
	done := outpart.First(msg, len(parts))
	if done == len(parts) {
		return nil
	}
	slots, wait, ok := a.pacer.book(to.String(), len(parts)-done, maxPacingWait)
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
	return outpart.Deliver(ctx, msg, len(parts), func(n int) error {
		if err := a.cfg.Sleep(ctx, slots[n-done].Sub(a.cfg.Now())); err != nil {
			return fmt.Errorf("whatsapp: outbound %d: %w", msg.ID, err)
		}
		extra := whatsmeow.SendRequestExtra{ID: partMessageID(msg, n)}
		m, err := partMessage(ctx, wa, parts[n])
		if err == nil {
			_, err = wa.SendMessage(ctx, to, m, extra)
		}
		if err != nil {
			return fmt.Errorf("whatsapp: outbound %d part %d of %d: %w", msg.ID, n+1, len(parts), err)
		}
		return nil
	})
}

// maxCaptionRunes is how long a text may be to go as a file's caption;
// a longer one follows the file as messages of its own.
const maxCaptionRunes = 1024

// maxFileBytes bounds what Send reads of a file to upload; the dashboard
// accepts far smaller ones.
const maxFileBytes = 64 << 20

// messageParts splits a reply into its messages: the file first (its
// reference taken in dataDir), with the text as caption when it fits, then
// the text.
func messageParts(msg sigap.Outbound, dataDir string) ([]outpart.Part, error) {
	parts, err := outpart.Parts(msg, dataDir, splitText(msg.Text, maxPartRunes), func(t string) bool {
		return utf8.RuneCountInString(t) <= maxCaptionRunes
	})
	if err == nil && len(parts) > 0 && parts[0].Size > maxFileBytes {
		return nil, fmt.Errorf("file %s: %d bytes, over %d", msg.MediaRef, parts[0].Size, maxFileBytes)
	}
	return parts, err
}

// partMessage builds the WhatsApp message of p, uploading its file. The
// upload is encrypted for this send, so a retry uploads again.
func partMessage(ctx context.Context, wa waClient, p outpart.Part) (*waE2E.Message, error) {
	if p.File == "" {
		return &waE2E.Message{Conversation: proto.String(p.Text)}, nil
	}
	data, err := os.ReadFile(p.File)
	if err != nil {
		return nil, err
	}
	kind := whatsmeow.MediaImage
	if p.Document {
		kind = whatsmeow.MediaDocument
	}
	up, err := wa.Upload(ctx, data, kind)
	if err != nil {
		return nil, fmt.Errorf("upload %s: %w", filepath.Base(p.File), err)
	}
	mime := http.DetectContentType(data)
	if p.Document {
		name := filepath.Base(p.File)
		return &waE2E.Message{DocumentMessage: &waE2E.DocumentMessage{
			Caption: optional(p.Text), Mimetype: proto.String(mime), FileName: proto.String(name), Title: proto.String(name),
			URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
			FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
		}}, nil
	}
	return &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		Caption: optional(p.Text), Mimetype: proto.String(mime),
		URL: proto.String(up.URL), DirectPath: proto.String(up.DirectPath), MediaKey: up.MediaKey,
		FileEncSHA256: up.FileEncSHA256, FileSHA256: up.FileSHA256, FileLength: proto.Uint64(up.FileLength),
	}}, nil
}

// optional is nil for an empty text: a file without a caption.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return proto.String(s)
}
