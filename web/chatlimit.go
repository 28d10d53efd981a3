package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/pemkab-kebumen/sigap"
)

// ChatLimits bound what anonymous visitors of the web chat can cost. They
// are made for mobile networks, where thousands of citizens share one
// address behind carrier NAT: a conversation once begun is limited only by
// its own pace, so a flood of new ones does not silence it, and the limits
// per address are generous. A message beyond them is not lost: it is held,
// untriaged and opening no ticket, for an admin to release or delete.
type ChatLimits struct {
	// NewPerMinute is how many conversations may begin per minute, all
	// clients together; NewPerClient, from one client address. Each
	// allows a burst of as many at once.
	NewPerMinute, NewPerClient int
	// MessagesPerMinute is how many messages a conversation may send per
	// minute, in a burst of as many.
	MessagesPerMinute int
	// Streams is how many chat pages may wait for replies at once, all
	// clients together; StreamsPerClient, from one client address.
	Streams, StreamsPerClient int
}

// DefaultChatLimits are serve's defaults.
func DefaultChatLimits() ChatLimits {
	return ChatLimits{NewPerMinute: 60, NewPerClient: 30, MessagesPerMinute: 12, Streams: 2000, StreamsPerClient: 200}
}

// Why a message was held, as admins read it.
const (
	heldChatPace  = "batas pesan per percakapan"
	heldNewClient = "batas percakapan baru dari satu alamat"
	heldNewAll    = "batas percakapan baru (seluruhnya)"
)

// chatGate applies ChatLimits: token buckets for new conversations (one
// for all, one per client) and for each conversation, and the counts of
// open event streams.
type chatGate struct {
	limits ChatLimits
	now    sigap.Clock

	mu      sync.Mutex
	all     *rate.Limiter
	clients map[string]*rate.Limiter
	chats   map[string]*rate.Limiter
	// known holds when each conversation lately delivered a message, so
	// that its next one need not ask the store whether it began.
	known     map[string]time.Time
	lastPrune time.Time

	streams        int
	clientsStreams map[string]int
}

func newChatGate(l ChatLimits, now sigap.Clock) *chatGate {
	return &chatGate{limits: l, now: now, all: perMinute(l.NewPerMinute),
		clients: map[string]*rate.Limiter{}, chats: map[string]*rate.Limiter{}, known: map[string]time.Time{},
		clientsStreams: map[string]int{}}
}

// knownFor is how long the gate remembers that a conversation began
// without another message of it.
const knownFor = 10 * time.Minute

// knows reports whether chat delivered a message in the last knownFor: a
// conversation the store has.
func (g *chatGate) knows(chat string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	at, ok := g.known[chat]
	return ok && g.now().Sub(at) < knownFor
}

// delivered notes that a message of chat reached its conversation.
func (g *chatGate) delivered(chat string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.known[chat] = g.now()
}

// perMinute is a bucket of n a minute, in bursts of n.
func perMinute(n int) *rate.Limiter { return rate.NewLimiter(rate.Limit(float64(n)/60), n) }

// admit takes a message of chat from client, a conversation the store
// already has (known) or a new one. It returns "" when the message may go
// to the conversation, else why it is held.
func (g *chatGate) admit(client, chat string, known bool) (held string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.prune(now)
	if !known {
		switch {
		case !bucket(g.clients, client, g.limits.NewPerClient).AllowN(now, 1):
			return heldNewClient
		case !g.all.AllowN(now, 1):
			return heldNewAll
		}
	}
	if !bucket(g.chats, chat, g.limits.MessagesPerMinute).AllowN(now, 1) {
		return heldChatPace
	}
	return ""
}

// bucket returns key's bucket of m, made when it has none.
func bucket(m map[string]*rate.Limiter, key string, perMin int) *rate.Limiter {
	b := m[key]
	if b == nil {
		b = perMinute(perMin)
		m[key] = b
	}
	return b
}

// prune forgets, at most once a minute, the buckets that have filled up
// again, which are as good as new, and the conversations known for longer
// than knownFor: a flood of new ids would otherwise grow the maps without
// bound.
func (g *chatGate) prune(now time.Time) {
	if now.Sub(g.lastPrune) < time.Minute {
		return
	}
	g.lastPrune = now
	for _, m := range []map[string]*rate.Limiter{g.clients, g.chats} {
		for k, b := range m {
			if b.TokensAt(now) >= float64(b.Burst()) {
				delete(m, k)
			}
		}
	}
	for k, at := range g.known {
		if now.Sub(at) >= knownFor {
			delete(g.known, k)
		}
	}
}

// openStream counts an event stream of client, or refuses it when the
// caps are reached; release counts it out.
func (g *chatGate) openStream(client string) (release func(), ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.streams >= g.limits.Streams || g.clientsStreams[client] >= g.limits.StreamsPerClient {
		return nil, false
	}
	g.streams++
	g.clientsStreams[client]++
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			g.streams--
			if g.clientsStreams[client]--; g.clientsStreams[client] <= 0 {
				delete(g.clientsStreams, client)
			}
		})
	}, true
}
