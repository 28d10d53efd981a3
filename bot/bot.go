// Package bot is the citizen conversation, the same on every channel: a
// welcome, question → triage decision → reply, follow-ups on an open
// ticket, status, FAQ feedback and ratings. It implements sigap.Receiver:
// an inbound message and everything it causes commit in one transaction.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/learning"
	"github.com/pemkab-kebumen/sigap/metrics"
	"github.com/pemkab-kebumen/sigap/staff"
)

// Decider makes the triage decision for a message.
type Decider interface {
	Decide(text string) sigap.Decision
	// DecideComment decides on a comment under a post, which is left
	// alone (ActionClarify) unless it asks or reports something.
	DecideComment(text string) sigap.Decision
}

// Config is what a Bot needs.
type Config struct {
	Store  sigap.Store
	Desk   *desk.Desk
	Router Decider
	// Staff links a staff member's Telegram chat on "/link CODE"; without
	// it every code is refused.
	Staff  *staff.Accounts
	Now    sigap.Clock
	Logger *slog.Logger
	// Metrics, when set, counts messages, decisions and tickets.
	Metrics *metrics.Metrics
	// Learning, when set, learns from citizens' feedback on FAQ answers.
	Learning *learning.Learner
}

// Bot handles citizens' messages.
type Bot struct {
	cfg   Config
	texts Texts
	flood *floodGuard
	acks  *ackMemory
	codes atomic.Pointer[codePattern] // of the last KB prefix seen
}

const (
	// MaxText is the longest message stored whole; longer ones are cut
	// and the cut is marked, so the thread says what happened.
	MaxText = 16 << 10
	// attachWindow is how far back a new ticket gathers the citizen's
	// loose messages (the question an FAQ answered, a photo sent first).
	attachWindow = 30 * time.Minute
)

var errDuplicate = errors.New("bot: duplicate message")

// New returns a Bot.
func New(cfg Config) *Bot {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Bot{cfg: cfg, texts: Texts{Loc: cfg.Desk.Calendar().Location()},
		flood: newFloodGuard(), acks: newAckMemory()}
}

// Receive handles one inbound message. It returns nil once the message and
// all it causes are committed, or when the message was already handled.
// What follows the commit (counting, the outbox woken, the dashboards
// told) the conversation and the desk registered with the transaction.
func (b *Bot) Receive(ctx context.Context, in sigap.Inbound) error {
	in = clean(in, b.cfg.Now())
	if !in.From.Channel.Valid() || in.From.ID == "" {
		return sigap.Errorf(sigap.EINVALID, "bot: message without a valid sender: %q", in.From.String())
	}
	if in.FromOwnAccount {
		// Someone answered by hand from the regency's own account: no
		// question to triage, but the staff reply it is.
		return b.cfg.Desk.PhoneReply(ctx, in)
	}
	flooding, warn := b.flood.check(in.From, in.At)
	err := b.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		c := &conversation{bot: b, tx: tx, in: in, flooding: flooding, warnFlood: warn}
		return c.handle(ctx)
	})
	if errors.Is(err, errDuplicate) {
		b.cfg.Metrics.Duplicate(in.From.Channel)
		return nil
	}
	if err != nil {
		return fmt.Errorf("bot: handle message from %s: %w", in.From, err)
	}
	return nil
}

// clean makes an inbound message safe to store: valid UTF-8, a bounded
// length, Sigap's time.
func clean(in sigap.Inbound, now time.Time) sigap.Inbound {
	in.Text = strings.ToValidUTF8(in.Text, "\uFFFD")
	in.Name = strings.ToValidUTF8(strings.TrimSpace(in.Name), "")
	if len(in.Text) > MaxText {
		cut := MaxText
		for cut > 0 && !utf8.RuneStart(in.Text[cut]) {
			cut--
		}
		in.Text = in.Text[:cut] + " […dipotong]"
	}
	if in.Kind == "" {
		in.Kind = sigap.KindText
	}
	// Sigap's clock, not the platform's, dates what it stores: a message
	// redelivered after an outage counts from when Sigap received it.
	in.At = now
	return in
}

// SetAside keeps an update a channel could not read or handle, for admins
// to look at, and counts it once stored.
func (b *Bot) SetAside(ctx context.Context, u sigap.SetAsideUpdate) error {
	u.Raw = strings.ToValidUTF8(u.Raw, "\uFFFD")
	err := b.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		if err := tx.AddSetAside(ctx, &u); err != nil {
			return err
		}
		tx.OnCommit(func() { b.cfg.Metrics.SetAside(u.Channel) })
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: set aside %s update %s: %w", u.Channel, u.UpdateID, err)
	}
	return nil
}
