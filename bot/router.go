package bot

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/routing"
)

// LiveRouter is the router in force. An edit of the KB's FAQs (an admin's,
// or an approved paraphrase) reaches it in place, in milliseconds; any
// other change of the KB rebuilds it, keeping what it learnt from staff
// transfers and from citizens' feedback on FAQ answers.
type LiveRouter struct {
	r atomic.Pointer[routing.Router]
	// mu serialises rebuilds and lessons: a lesson taught while a rebuild
	// reads the stored ones would be lost with the router it taught.
	mu    sync.Mutex
	log   *slog.Logger
	store sigap.Store
	kb    *sigap.LiveKB
}

// NewLiveRouter trains a router on the KB in force and on what it learnt,
// and follows the KB's changes.
func NewLiveRouter(ctx context.Context, store sigap.Store, kb *sigap.LiveKB, log *slog.Logger) (*LiveRouter, error) {
	if log == nil {
		log = slog.Default()
	}
	r, err := Train(ctx, store, kb.Get())
	if err != nil {
		return nil, err
	}
	lr := &LiveRouter{log: log, store: store, kb: kb}
	lr.r.Store(r)
	kb.Subscribe(lr.follow)
	return lr, nil
}

// follow puts k in force: in place when only FAQs changed, else by a
// rebuild.
func (lr *LiveRouter) follow(k *sigap.KB) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	start := time.Now()
	if lr.r.Load().Update(k) {
		lr.log.Debug("bot: the router took the FAQ edit in place", "took", time.Since(start))
		return
	}
	r, err := Train(context.Background(), lr.store, k)
	if err != nil {
		lr.log.Error("bot: retrain router on the new KB; keeping the old one", "err", err)
		return
	}
	lr.r.Store(r)
	lr.log.Info("bot: the router was rebuilt on the new KB", "took", time.Since(start))
}

// Train builds a router from k and what Sigap learnt so far, as stored:
// the staff transfers and the negative examples of citizens' "2" after an
// FAQ answer. What was learnt for an OPD or an FAQ the KB no longer has
// teaches nothing.
func Train(ctx context.Context, store sigap.Store, k *sigap.KB) (*routing.Router, error) {
	type lessons struct {
		examples  []sigap.Example
		negatives []sigap.Negative
	}
	l, err := sigap.Read(ctx, store, func(tx sigap.Tx) (lessons, error) {
		examples, err := tx.Examples(ctx)
		if err != nil {
			return lessons{}, err
		}
		negatives, err := tx.Negatives(ctx)
		return lessons{examples, negatives}, err
	})
	if err != nil {
		return nil, fmt.Errorf("bot: load what the router learnt: %w", err)
	}
	r, err := routing.New(k, ofOPDs(k, l.examples))
	if err != nil {
		return nil, fmt.Errorf("bot: train router: %w", err)
	}
	for _, n := range l.negatives {
		if err := r.AddNegative(n.FAQ, n.Text); err != nil && sigap.ErrorCode(err) != sigap.ENOTFOUND {
			return nil, fmt.Errorf("bot: train router: %w", err)
		}
	}
	return r, nil
}

// ofOPDs keeps the examples learnt for OPDs k still has: one of an OPD an
// admin removed from the KB teaches nothing, as a negative example of a
// removed FAQ does not.
func ofOPDs(k *sigap.KB, examples []sigap.Example) []sigap.Example {
	has := make(map[string]bool, len(k.OPDs))
	for _, o := range k.OPDs {
		has[o.Code] = true
	}
	return slices.DeleteFunc(examples, func(e sigap.Example) bool { return !has[e.OPD] })
}

// Retrain rebuilds the router from the KB in force and the lessons stored
// now, so that it forgets those anonymize or an admin deleted.
func (lr *LiveRouter) Retrain(ctx context.Context) error {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	r, err := Train(ctx, lr.store, lr.kb.Get())
	if err != nil {
		return err
	}
	lr.r.Store(r)
	return nil
}

// Decide implements Decider.
func (lr *LiveRouter) Decide(text string) sigap.Decision { return lr.r.Load().Decide(text) }

// DecideComment implements Decider.
func (lr *LiveRouter) DecideComment(text string) sigap.Decision {
	return lr.r.Load().DecideComment(text)
}

// Learn teaches the router a staff transfer.
func (lr *LiveRouter) Learn(e sigap.Example) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	lr.r.Load().Learn(e)
}

// AddNegative teaches the router that the FAQ faqID did not answer text:
// it answers no message that fits text as well as the FAQ with it.
func (lr *LiveRouter) AddNegative(faqID, text string) error {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return lr.r.Load().AddNegative(faqID, text)
}
