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
	r   atomic.Pointer[routing.Router]
	log *slog.Logger
}

// NewLiveRouter trains a router on the KB in force and on the examples
// staff taught it, and retrains it when the KB changes.
func NewLiveRouter(ctx context.Context, store sigap.Store, kb *sigap.LiveKB, log *slog.Logger) (*LiveRouter, error) {
	var learned []sigap.Example
	err := store.View(ctx, func(tx sigap.Tx) error {
		var err error
		learned, err = tx.Examples(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bot: load learned examples: %w", err)
	}
	r, err := routing.New(kb.Get(), learned)
	if err != nil {
		return nil, fmt.Errorf("bot: train router: %w", err)
	}
	lr := &LiveRouter{log: log}
	lr.r.Store(r)
	kb.Subscribe(func(k *sigap.KB) {
		var learned []sigap.Example
		err := store.View(context.Background(), func(tx sigap.Tx) error {
			var err error
			learned, err = tx.Examples(context.Background())
			return err
		})
		if err == nil {
			var nr *routing.Router
			if nr, err = routing.New(k, learned); err == nil {
				lr.r.Store(nr)
				return
			}
		}
		lr.log.Error("bot: retrain router on the new KB; keeping the old one", "err", err)
	})
	return lr, nil
}

// Decide implements Decider.
func (lr *LiveRouter) Decide(text string) sigap.Decision { return lr.r.Load().Decide(text) }

// Router returns the router in force (for explanations).
func (lr *LiveRouter) Router() *routing.Router { return lr.r.Load() }

// Learn teaches the router a staff transfer.
func (lr *LiveRouter) Learn(e sigap.Example) { lr.r.Load().Learn(e) }
