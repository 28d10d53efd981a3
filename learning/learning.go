// Package learning is how Sigap learns from use. A citizen's "1" after an
// FAQ answer keeps their question as a candidate paraphrase of that FAQ,
// which an admin approves into the KB in force (the router takes it in
// place) or rejects; a "2" keeps it as a negative example, which the
// router learns at once. The questions that keep arriving with no FAQ are
// grouped by what they ask, for an admin to write the FAQ they lack. The
// admin page "Usulan" shows both; staff transfers teach routing in desk.
package learning

import (
	"context"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
)

// Router is the router in force as learning teaches it (bot.LiveRouter).
type Router interface {
	Decide(text string) sigap.Decision
	// AddNegative teaches it that an FAQ did not answer a text.
	AddNegative(faqID, text string) error
	// Retrain rebuilds it from the KB in force and the stored lessons,
	// forgetting those deleted.
	Retrain(ctx context.Context) error
}

// Config is what a Learner needs.
type Config struct {
	Store  sigap.Store
	KB     *sigap.LiveKB
	Router Router
	Now    sigap.Clock
	Logger *slog.Logger
}

// Learner turns citizens' feedback and questions into lessons and
// suggestions.
type Learner struct {
	cfg Config
	// edits serialises approvals: each reads the KB in force and saves it
	// with one question more, which another approval at the same moment
	// would overwrite.
	edits    sync.Mutex
	words    wordsCache
	readings readingsCache
}

// New returns a Learner.
func New(cfg Config) *Learner {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	l := &Learner{cfg: cfg}
	// The router subscribed when it was built, before: by the time this
	// runs it has taken the new KB in.
	cfg.KB.Subscribe(func(*sigap.KB) { l.readings.reset() })
	return l
}

// MaxParaphrase is the longest question, in characters, kept as a
// candidate paraphrase. A longer one tells a story: as an FAQ question it
// would make the FAQ answer other stories that share its words.
const MaxParaphrase = 300

// personalNumber finds what looks like a phone or identity number (NIK):
// nine digits or more, possibly split by spaces, dots or dashes.
var personalNumber = regexp.MustCompile(`\+?\d(?:[ .\-]?\d){8,}`)

// Helpful records, in the conversation's transaction, that the FAQ faqID
// answered the citizen's question text to their satisfaction: a candidate
// paraphrase, unless the FAQ has that question already or the question
// gives a phone or identity number, which is the citizen's own case and
// must not reach the KB.
func (l *Learner) Helpful(ctx context.Context, tx sigap.Tx, c *sigap.Citizen, faqID, text string) error {
	text = strings.TrimSpace(text)
	f, ok := l.cfg.KB.Get().FAQ(faqID)
	if !ok || text == "" || utf8.RuneCountInString(text) > MaxParaphrase || asks(f, text) || personalNumber.MatchString(text) {
		return nil
	}
	return tx.AddParaphrase(ctx, &sigap.Paraphrase{FAQ: faqID, Text: text, CitizenID: c.ID, At: l.cfg.Now()})
}

// NotHelpful records, in the conversation's transaction, that the FAQ
// faqID answered the citizen's question text and they wanted an officer:
// a negative example, which the router learns once it is committed. A
// question that is one of the FAQ's own teaches nothing: the citizen
// wanted more than the right answer.
func (l *Learner) NotHelpful(ctx context.Context, tx sigap.Tx, c *sigap.Citizen, faqID, text string) error {
	text = strings.TrimSpace(text)
	f, ok := l.cfg.KB.Get().FAQ(faqID)
	if !ok || text == "" || asks(f, text) {
		return nil
	}
	if err := tx.AddNegative(ctx, &sigap.Negative{FAQ: faqID, Text: text, CitizenID: c.ID, At: l.cfg.Now()}); err != nil {
		return err
	}
	tx.OnCommit(func() {
		if err := l.cfg.Router.AddNegative(faqID, text); err != nil {
			l.cfg.Logger.Warn("learning: teach the router a negative example", "faq", faqID, "err", err)
		}
		l.readings.reset()
	})
	return nil
}

// asks reports whether text is one of f's questions.
func asks(f sigap.FAQ, text string) bool {
	key := sigap.QuestionKey(text)
	return slices.ContainsFunc(f.Questions, func(q string) bool { return sigap.QuestionKey(q) == key })
}
