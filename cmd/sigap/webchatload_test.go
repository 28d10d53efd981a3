package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot/webchat"
)

// webChatLoad has new web chat citizens write to m, one after another on
// each of two goroutines, until the returned function is called; it
// returns how many messages were committed.
func webChatLoad(ctx context.Context, t *testing.T, m *Main) (committed *atomic.Int64, stop func()) {
	t.Helper()
	// Run starts the channels on its own goroutine: the web chat refuses
	// messages until then.
	waitFor(ctx, t, "the web chat to start", func() bool { return m.WebChat.State().State == webchat.StateConnected })
	committed = &atomic.Int64{}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				in := sigap.Inbound{From: sigap.Address{Channel: sigap.Web, ID: fmt.Sprintf("%016x%016x", g+1, i)},
					PlatformID: fmt.Sprintf("load-%d-%d", g, i), Kind: sigap.KindText, Text: roadComplaint, At: time.Now()}
				if err := m.WebChat.Receive(ctx, in); err != nil {
					if ctx.Err() == nil {
						t.Errorf("web chat message under load: %v", err)
					}
					return
				}
				committed.Add(1)
			}
		})
	}
	return committed, func() { cancel(); wg.Wait() }
}

// waitFor polls cond every 20 ms until it holds or ctx ends.
func waitFor(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
