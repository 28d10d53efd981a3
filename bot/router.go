package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/routing"
)

// LiveRouter is the router in force. It is rebuilt when an admin changes
// the KB, keeping what it learnt from staff transfers.
type LiveRouter struct {
	r     atomic.Pointer[routing.Router]
	log   *slog.Logger
	store sigap.Store
	kb    *sigap.LiveKB
}

// NewLiveRouter trains a router on the KB in force and on the examples
// staff taught it, and retrains it when the KB changes.
func NewLiveRouter(ctx context.Context, store sigap.Store, kb *sigap.LiveKB, log *slog.Logger) (*LiveRouter, error) {
	r, err := train(ctx, store, kb.Get())
	if err != nil {
		return nil, err
	}
	lr := &LiveRouter{log: log, store: store, kb: kb}
	lr.r.Store(r)
	kb.Subscribe(func(k *sigap.KB) {
		r, err := train(context.Background(), store, k)
		if err != nil {
			lr.log.Error("bot: retrain router on the new KB; keeping the old one", "err", err)
			return
		}
		lr.r.Store(r)
	})
	return lr, nil
}

// train builds a router from k and the examples staff taught.
func train(ctx context.Context, store sigap.Store, k *sigap.KB) (*routing.Router, error) {
	learned, err := sigap.Read(ctx, store, func(tx sigap.Tx) ([]sigap.Example, error) { return tx.Examples(ctx) })
	if err != nil {
		return nil, fmt.Errorf("bot: load learned examples: %w", err)
	}
	r, err := routing.New(k, learned)
	if err != nil {
		return nil, fmt.Errorf("bot: train router: %w", err)
	}
	return r, nil
}

// Retrain rebuilds the router from the KB in force and the examples
// stored now, so that it forgets the examples anonymize deleted.
func (lr *LiveRouter) Retrain(ctx context.Context) error {
	r, err := train(ctx, lr.store, lr.kb.Get())
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
func (lr *LiveRouter) Learn(e sigap.Example) { lr.r.Load().Learn(e) }
