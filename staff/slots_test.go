package staff

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// TestLoginChecksBoundedPasswordsAtOnce: a spray of logins checks no more
// passwords at once than LoginSlots, so bcrypt cannot take every core
// from /healthz and the citizens' chat.
func TestLoginChecksBoundedPasswordsAtOnce(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, storagetest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	k := kb.Default()
	a := New(Config{Store: db, KB: func() *sigap.KB { return k }, LoginSlots: 1})
	var running, most atomic.Int32
	a.compare = func(hash, pw []byte) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		return bcrypt.CompareHashAndPassword(hash, pw)
	}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range 6 {
		// Each from its own client and username: no limit refuses them.
		wg.Go(func() { a.Login(ctx, fmt.Sprintf("user%d", i), "salah-salah", fmt.Sprintf("10.0.0.%d", i)) })
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("%d passwords checked at once with one slot", most.Load())
	}
	t.Logf("6 logins in %v", time.Since(start))
}
