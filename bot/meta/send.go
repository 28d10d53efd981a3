package meta

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/outpart"
)

// Meta's windows for writing to a person.
const (
	// responseWindow follows the person's last message: any reply.
	responseWindow = 24 * time.Hour
	// humanAgentWindow: a person's reply with the HUMAN_AGENT tag.
	humanAgentWindow = 7 * 24 * time.Hour
	// privateReplyWindow follows a comment: its one private reply.
	privateReplyWindow = 7 * 24 * time.Hour
)

// Message lengths Meta takes: Messenger counts characters, Instagram
// bytes.
const (
	facebookMaxChars = 2000
	instagramMaxByte = 1000
	quickReplyTitle  = 20
)

type sendBody struct {
	Recipient     recipient  `json:"recipient"`
	MessagingType string     `json:"messaging_type,omitempty"`
	Tag           string     `json:"tag,omitempty"`
	Message       outMessage `json:"message"`
}

type recipient struct {
	ID        string `json:"id,omitempty"`
	CommentID string `json:"comment_id,omitempty"`
}

type outMessage struct {
	Text         string       `json:"text"`
	QuickReplies []quickReply `json:"quick_replies,omitempty"`
}

type quickReply struct {
	ContentType string `json:"content_type"`
	Title       string `json:"title"`
	Payload     string `json:"payload"`
}

// sendResult is the Send API's answer; to a private reply, RecipientID is
// the commenter's id for direct messages.
type sendResult struct {
	RecipientID string `json:"recipient_id"`
	MessageID   string `json:"message_id"`
}

// Send delivers msg on Facebook or Instagram, within Meta's rules (see the
// package comment). Errors follow sigap.Sender: a *sigap.PermanentError
// says in staff's words why Meta will not take the reply and how to reach
// the citizen; a *sigap.RetryAfterError when Meta rate-limits the account;
// any other error is retried, including while Meta refuses the account's
// token (the reply stays in the outbox until an admin sets a new one).
func (a *Adapter) Send(ctx context.Context, msg sigap.Outbound) error {
	if msg.To.Channel != sigap.Facebook && msg.To.Channel != sigap.Instagram {
		return permanent("meta: address %s is not on Facebook or Instagram", msg.To)
	}
	text := strings.TrimSpace(strings.ToValidUTF8(msg.Text, "\uFFFD"))
	if text == "" {
		return permanent("meta: message %d to %s has no text", msg.ID, msg.To)
	}
	contact, err := sigap.Read(ctx, a.store, func(tx sigap.Tx) (*sigap.MetaContact, error) { return tx.MetaContact(ctx, msg.To) })
	if notFound(err) {
		return permanent("meta: %s tidak pernah menulis ke akun yang terdaftar di SIGAP_META_PAGES", msg.To)
	} else if err != nil {
		return fmt.Errorf("meta: send to %s: %w", msg.To, err)
	}
	acc := a.account(contact.Account)
	if acc == nil {
		return permanent("meta: akun %s yang ditulisi warga tidak lagi terdaftar di SIGAP_META_PAGES", contact.Account)
	}
	if isThread(msg.To) {
		return a.sendThread(ctx, acc, contact, msg, text)
	}
	return a.sendDM(ctx, acc, contact, msg, text)
}

// sendDM sends a direct message, split to Meta's length, with the message
// type the window allows. A retry after a partial failure sends only the
// parts not yet sent (the outbox keeps their count).
func (a *Adapter) sendDM(ctx context.Context, acc *account, c *sigap.MetaContact, msg sigap.Outbound, text string) error {
	age := a.now().Sub(c.LastIn)
	body := sendBody{Recipient: recipient{ID: c.Address.ID}, MessagingType: "RESPONSE"}
	switch {
	case age > humanAgentWindow:
		return &sigap.PermanentError{Err: windowClosed(c, age, nil)}
	case age > responseWindow:
		body.MessagingType, body.Tag = "MESSAGE_TAG", "HUMAN_AGENT"
	}
	parts := split(c.Address.Channel, text)
	return outpart.Deliver(ctx, msg, len(parts), func(i int) error {
		body.Message = outMessage{Text: parts[i]}
		if i == len(parts)-1 {
			body.Message.QuickReplies = quickReplies(msg.Replies)
		}
		err := a.call(ctx, acc, "POST", acc.id+"/messages", body, nil)
		if ge, ok := asGraphError(err); ok && ge.windowClosed() {
			return &sigap.PermanentError{Err: windowClosed(c, age, err)}
		}
		return err
	})
}

// sendThread answers a thread of comments: by direct message when the
// commenter wrote there within the window, else with the private reply of
// the newest comment whose reply is free, and a public note under it.
func (a *Adapter) sendThread(ctx context.Context, acc *account, c *sigap.MetaContact, msg sigap.Outbound, text string) error {
	taken, err := sigap.Read(ctx, a.store, func(tx sigap.Tx) (*sigap.MetaComment, error) {
		return tx.MetaCommentByOutbound(ctx, msg.ID)
	})
	if err == nil {
		return a.replyToComment(ctx, acc, c, taken, text) // a retry: finish what was begun
	} else if !notFound(err) {
		return fmt.Errorf("meta: send to %s: %w", msg.To, err)
	}
	if dm, dmAcc, err := a.directContact(ctx, c); err != nil {
		return err
	} else if dm != nil {
		return a.sendDM(ctx, dmAcc, dm, msg, text)
	}
	if n, max := length(c.Address.Channel, text), limit(c.Address.Channel); n > max {
		return permanent("meta: balasan terlalu panjang untuk satu balasan pribadi atas komentar (%d, batas Meta %d); persingkat lalu kirim ulang", n, max)
	}
	var free *sigap.MetaComment
	err = a.store.Update(ctx, func(tx sigap.Tx) error {
		var err error
		if free, err = tx.UnrepliedMetaComment(ctx, c.Address, a.now().Add(-privateReplyWindow)); err != nil {
			return err
		}
		free.Outbound = msg.ID
		return tx.UpdateMetaComment(ctx, free)
	})
	if notFound(err) {
		return &sigap.PermanentError{Err: threadClosed(c)}
	} else if err != nil {
		return fmt.Errorf("meta: send to %s: %w", msg.To, err)
	}
	return a.replyToComment(ctx, acc, c, free, text)
}

// directContact returns the commenter's direct-message conversation when
// they wrote there within the window Meta allows, and its account.
func (a *Adapter) directContact(ctx context.Context, c *sigap.MetaContact) (*sigap.MetaContact, *account, error) {
	if c.DMID == "" {
		return nil, nil, nil
	}
	dm, err := sigap.Read(ctx, a.store, func(tx sigap.Tx) (*sigap.MetaContact, error) {
		return tx.MetaContact(ctx, sigap.Address{Channel: c.Address.Channel, ID: c.DMID})
	})
	switch {
	case notFound(err):
		return nil, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("meta: send to %s: %w", c.Address, err)
	case a.now().Sub(dm.LastIn) > humanAgentWindow:
		return nil, nil, nil
	}
	if acc := a.account(dm.Account); acc != nil {
		return dm, acc, nil
	}
	return nil, nil, nil
}

// replyToComment sends a comment's private reply unless it went out
// already, then the public note under it unless that went out or was
// given up. The database keeps each step, so a retry never repeats one.
func (a *Adapter) replyToComment(ctx context.Context, acc *account, c *sigap.MetaContact, cm *sigap.MetaComment, text string) error {
	if cm.PrivateAt.IsZero() {
		var res sendResult
		body := sendBody{Recipient: recipient{CommentID: cm.ID}, Message: outMessage{Text: text}}
		if err := a.call(ctx, acc, "POST", acc.id+"/messages", body, &res); err != nil {
			if ge, ok := asGraphError(err); ok && ge.permanent() {
				return a.commentRefused(ctx, c, cm, err)
			}
			return err
		}
		cm.PrivateAt = a.now()
		err := a.store.Update(ctx, func(tx sigap.Tx) error {
			if res.RecipientID != "" {
				// Where the commenter can be written to once they answer.
				dm := &sigap.MetaContact{Address: c.Address, Account: c.Account, LastIn: c.LastIn, DMID: res.RecipientID}
				if err := tx.PutMetaContact(ctx, dm); err != nil {
					return err
				}
			}
			return tx.UpdateMetaComment(ctx, cm)
		})
		if err != nil {
			// The reply went out; this retry will be refused by Meta.
			a.log.Error("meta: private reply sent but not recorded", "comment", cm.ID, "err", err)
			return fmt.Errorf("meta: record the private reply to %s: %w", cm.ID, err)
		}
	}
	if !cm.PublicAt.IsZero() || a.publicNote == "" {
		return nil
	}
	edge := "replies" // Instagram
	if c.Address.Channel == sigap.Facebook {
		edge = "comments"
	}
	err := a.call(ctx, acc, "POST", cm.ID+"/"+edge, map[string]string{"message": a.publicNote}, nil)
	var perm *sigap.PermanentError
	if errors.As(err, &perm) {
		a.log.Warn("meta: public note under a comment refused; the private reply went out", "comment", cm.ID, "err", err)
	} else if err != nil {
		return err
	}
	cm.PublicAt = a.now()
	return a.store.Update(ctx, func(tx sigap.Tx) error { return tx.UpdateMetaComment(ctx, cm) })
}

// commentRefused records that Meta will take no private reply to a
// comment (deleted, hidden, answered from elsewhere), so that no message
// tries it again and a resend of this one looks for another way, and says
// so to staff.
func (a *Adapter) commentRefused(ctx context.Context, c *sigap.MetaContact, cm *sigap.MetaComment, cause error) error {
	cm.Outbound, cm.PrivateAt, cm.PublicAt = 0, a.now(), a.now()
	if err := a.store.Update(ctx, func(tx sigap.Tx) error { return tx.UpdateMetaComment(ctx, cm) }); err != nil {
		return fmt.Errorf("meta: record the refused comment %s: %w", cm.ID, err)
	}
	return &sigap.PermanentError{Err: fmt.Errorf("meta: Meta menolak balasan pribadi atas komentar %s (komentar dihapus, disembunyikan, atau sudah dibalas); balas di bawah komentar pada %s: %w", cm.ID, postLink(c), cause)}
}

// windowClosed says why a direct message cannot go and what staff can do.
func windowClosed(c *sigap.MetaContact, age time.Duration, cause error) error {
	err := fmt.Errorf("meta: jendela balasan Meta sudah tertutup: warga terakhir menulis %s lalu, dan Meta hanya mengizinkan balasan dalam 24 jam (7 hari untuk balasan petugas dengan tag human agent, bila aplikasi diizinkan). "+
		"Kirim ulang setelah warga menulis lagi, atau hubungi warga langsung dari Meta Business Suite (%s)", ago(age), c.Address)
	if cause != nil {
		return fmt.Errorf("%w: %w", err, cause)
	}
	return err
}

// threadClosed says why a thread of comments cannot be answered.
func threadClosed(c *sigap.MetaContact) error {
	return fmt.Errorf("meta: tidak ada komentar warga dalam 7 hari terakhir yang belum dibalas secara pribadi (Meta mengizinkan satu balasan pribadi per komentar), dan warga belum membalas lewat pesan langsung. "+
		"Balas di bawah komentar pada %s, atau kirim ulang setelah warga menulis lagi", postLink(c))
}

// postLink is where staff find the post of a thread.
func postLink(c *sigap.MetaContact) string {
	if c.Address.Channel == sigap.Facebook {
		return "https://www.facebook.com/" + c.Post
	}
	return "postingan Instagram " + c.Post
}

func ago(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d hari", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%d jam", int(d/time.Hour))
}

// split cuts text into the messages Meta takes.
func split(ch sigap.Channel, text string) []string {
	max, width := limit(ch), runeWidth(ch)
	var parts []string
	for text != "" {
		n := outpart.Cut(text, max, width)
		if p := strings.TrimSpace(text[:n]); p != "" {
			parts = append(parts, p)
		}
		text = text[n:]
	}
	return parts
}

func limit(ch sigap.Channel) int {
	if ch == sigap.Instagram {
		return instagramMaxByte
	}
	return facebookMaxChars
}

func runeWidth(ch sigap.Channel) func(rune) int {
	if ch == sigap.Instagram {
		return utf8.RuneLen
	}
	return func(rune) int { return 1 }
}

func length(ch sigap.Channel, text string) int {
	if ch == sigap.Instagram {
		return len(text)
	}
	return utf8.RuneCountInString(text)
}

// quickReplies offers replies as buttons, which send their title.
func quickReplies(replies []string) []quickReply {
	var out []quickReply
	for _, r := range replies {
		title := r
		if utf8.RuneCountInString(title) > quickReplyTitle {
			title = string([]rune(title)[:quickReplyTitle])
		}
		out = append(out, quickReply{ContentType: "text", Title: title, Payload: r})
	}
	return out
}

func permanent(format string, args ...any) error {
	return &sigap.PermanentError{Err: fmt.Errorf(format, args...)}
}

func notFound(err error) bool { return sigap.ErrorCode(err) == sigap.ENOTFOUND }
