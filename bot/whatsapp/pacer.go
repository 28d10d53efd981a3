package whatsapp

import (
	"sync"
	"time"

	sigap "github.com/pemkab-kebumen/sigap"
)

// pacer spaces sends so the number looks like a person typing, not a bulk
// sender: WhatsApp bans numbers that message many chats in bursts. It books
// send slots: at least gap apart within one chat, and at most perMinute in
// any minute over all chats. Slots are handed out in time order, so a later
// booking never lands before an earlier one.
type pacer struct {
	now       sigap.Clock
	gap       time.Duration
	perMinute int

	mu       sync.Mutex
	lastChat map[string]time.Time // newest slot booked per chat
	recent   []time.Time          // slots of the last minute and later, ascending
}

func newPacer(now sigap.Clock, gap time.Duration, perMinute int) *pacer {
	return &pacer{now: now, gap: gap, perMinute: perMinute, lastChat: map[string]time.Time{}}
}

// book reserves n slots for chat, one per message part. When the first slot
// would be more than maxWait away it books nothing and returns ok false with
// the wait, so the caller can hand the message back to the outbox instead of
// holding it.
func (p *pacer) book(chat string, n int, maxWait time.Duration) (slots []time.Time, wait time.Duration, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.forget(now)
	recent, last := p.recent, p.lastChat[chat]
	for range n {
		t := now
		if !last.IsZero() && last.Add(p.gap).After(t) {
			t = last.Add(p.gap)
		}
		if k := len(recent); k > 0 && recent[k-1].After(t) {
			t = recent[k-1]
		}
		// With perMinute slots already in the minute before t, wait until
		// the oldest of them leaves that minute.
		if k := len(recent); p.perMinute > 0 && k >= p.perMinute {
			if edge := recent[k-p.perMinute].Add(time.Minute); edge.After(t) {
				t = edge
			}
		}
		if len(slots) == 0 && t.Sub(now) > maxWait {
			return nil, t.Sub(now), false
		}
		slots = append(slots, t)
		recent = append(recent, t)
		last = t
	}
	p.recent, p.lastChat[chat] = recent, last
	return slots, slots[0].Sub(now), true
}

// forget drops what can no longer delay a slot booked at now or later.
func (p *pacer) forget(now time.Time) {
	i := 0
	for i < len(p.recent) && !p.recent[i].After(now.Add(-time.Minute)) {
		i++
	}
	p.recent = p.recent[i:]
	for chat, t := range p.lastChat {
		if !t.Add(p.gap).After(now) {
			delete(p.lastChat, chat)
		}
	}
}
