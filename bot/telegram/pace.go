package telegram

import (
	"slices"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// pacer spaces sends so the bot stays within Telegram's limits for the
// whole bot and for each chat. Each send reserves the earliest slot both
// allow; the caller then waits until that slot. Slots are kept in order of
// time rather than of booking, so a send held back by its chat's limit
// does not hold back sends to other chats.
type pacer struct {
	now     sigap.Clock
	global  time.Duration // least gap between any two sends
	perChat time.Duration // least gap between two sends to one chat

	mu       sync.Mutex
	slots    []time.Time // booked slots, ascending, none long past
	nextChat map[int64]time.Time
}

// pruneAt is how many chats the pacer remembers before it forgets those
// whose next slot has passed, which carry no information any more.
const pruneAt = 1024

func newPacer(now sigap.Clock, global, perChat time.Duration) *pacer {
	return &pacer{now: now, global: global, perChat: perChat, nextChat: make(map[int64]time.Time)}
}

// reserve books the next slot for a send to chat and returns how long to
// wait for it.
func (p *pacer) reserve(chat int64) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()

	past := 0
	for past < len(p.slots) && !p.slots[past].Add(p.global).After(now) {
		past++
	}
	p.slots = p.slots[past:]

	at := now
	if next := p.nextChat[chat]; next.After(at) {
		at = next
	}
	// Take the first gap at or after at that is global wide on both sides.
	i := 0
	for ; i < len(p.slots); i++ {
		s := p.slots[i]
		if !s.Add(p.global).After(at) {
			continue // ends before at
		}
		if !at.Add(p.global).After(s) {
			break // at fits before s
		}
		at = s.Add(p.global)
	}
	p.slots = slices.Insert(p.slots, i, at)

	if len(p.nextChat) >= pruneAt {
		for c, next := range p.nextChat {
			if !next.After(now) {
				delete(p.nextChat, c)
			}
		}
	}
	p.nextChat[chat] = at.Add(p.perChat)
	return at.Sub(now)
}

// holdChat keeps the chat's next slot at least d away, after Telegram
// asked to wait that long before writing to it again.
func (p *pacer) holdChat(chat int64, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	until := p.now().Add(d)
	if until.After(p.nextChat[chat]) {
		p.nextChat[chat] = until
	}
}
