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
	"time"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/metrics"
)

// Decider makes the triage decision for a message.
type Decider interface {
	Decide(text string) sigap.Decision
}

// Config is what a Bot needs.
type Config struct {
	Store  sigap.Store
	Desk   *desk.Desk
	Router Decider
	Now    sigap.Clock
	Logger *slog.Logger
	// Metrics, when set, counts messages, decisions and tickets.
	Metrics *metrics.Registry
}

// Bot handles citizens' messages.
type Bot struct {
	cfg   Config
	texts Texts
	flood *floodGuard
	acks  *ackMemory

	messagesIn, duplicates, decisions, opened *metrics.Counter
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
	b := &Bot{cfg: cfg, texts: Texts{Loc: cfg.Desk.Calendar().Location()},
		flood: newFloodGuard(), acks: newAckMemory()}
	if m := cfg.Metrics; m != nil {
		b.messagesIn = m.Counter("sigap_messages_in_total", "Citizen messages received, by channel.", "channel")
		b.duplicates = m.Counter("sigap_messages_duplicate_total", "Redelivered citizen messages ignored, by channel.", "channel")
		b.decisions = m.Counter("sigap_decisions_total", "Triage decisions, by action.", "action")
		b.opened = m.Counter("sigap_tickets_opened_total", "Tickets opened, by OPD.", "opd")
	}
	return b
}

// Receive handles one inbound message. It returns nil once the message and
// all it causes are committed, or when the message was already handled.
func (b *Bot) Receive(ctx context.Context, in sigap.Inbound) error {
	if in.FromOwnAccount {
		// Someone answered by hand from the regency's own account. It is
		// no question to triage, and the desk does not record such
		// replies yet, so it is left out as before adapters passed it on.
		return nil
	}
	in = clean(in, b.cfg.Now())
	if !in.From.Channel.Valid() || in.From.ID == "" {
		return sigap.Errorf(sigap.EINVALID, "bot: message without a valid sender: %q", in.From.String())
	}
	flooding, warn := b.flood.check(in.From, in.At)
	var conv *conversation
	err := b.cfg.Store.Update(ctx, func(tx sigap.Tx) error {
		conv = &conversation{bot: b, tx: tx, in: in, flooding: flooding, warnFlood: warn}
		return conv.handle(ctx)
	})
	if errors.Is(err, errDuplicate) {
		b.duplicates.Inc(string(in.From.Channel))
		return nil
	}
	if err != nil {
		return fmt.Errorf("bot: handle message from %s: %w", in.From, err)
	}
	b.messagesIn.Inc(string(in.From.Channel))
	if conv.decision != nil {
		b.decisions.Inc(string(conv.decision.Action))
	}
	if warn {
		b.flood.warned(in.From)
	}
	if conv.acked {
		b.acks.mark(in.From, in.At)
	}
	for _, t := range conv.opened {
		b.opened.Inc(t.OPD)
	}
	b.cfg.Desk.Committed(conv.changed...)
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
