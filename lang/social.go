package lang

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Gesture is what a message that asks nothing does.
type Gesture uint8

// The gestures, in the order of the kinds of social.txt.
const (
	GestureGreeting Gesture = iota + 1
	GestureThanks
	GestureApology
	GestureAck
	GestureFarewell
	GestureMedia  // a placeholder for a photo, sticker or deleted message
	GesturePraise // praise or a wish ("mantap", "semoga lancar")
)

// Gestures is a set of gestures.
type Gestures uint8

// Has reports whether g holds x.
func (g Gestures) Has(x Gesture) bool { return g&(1<<x) != 0 }

func (g *Gestures) add(x Gesture) { *g |= 1 << x }

// socialKind is the kind of a social.txt entry: a gesture, or one of the
// kinds that carry no gesture.
type socialKind uint8

const (
	kindPolite  socialKind = 16 + iota // politeness around a question
	kindClosing                        // politeness that closes a clause
	kindAddress
	kindNoise
	kindReply  // an acknowledgement when it is a whole clause
	kindOpener // a greeting when it is a whole clause
)

var socialKinds = map[string]socialKind{
	"greeting": socialKind(GestureGreeting), "thanks": socialKind(GestureThanks),
	"apology": socialKind(GestureApology), "ack": socialKind(GestureAck),
	"farewell": socialKind(GestureFarewell), "media": socialKind(GestureMedia),
	"praise": socialKind(GesturePraise),
	"polite": kindPolite, "closing": kindClosing, "address": kindAddress, "noise": kindNoise,
	"reply": kindReply, "opener": kindOpener,
}

// wholeClause reports whether entries of kind k count only as a whole
// clause, but for what is said aside (onlyAside).
func (k socialKind) wholeClause() bool { return k == kindReply || k == kindOpener }

func (k socialKind) gesture() (Gesture, bool) {
	switch k {
	case kindReply:
		return GestureAck, true
	case kindOpener:
		return GestureGreeting, true
	}
	return Gesture(k), k >= socialKind(GestureGreeting) && k <= socialKind(GesturePraise)
}

type socialEntry struct {
	kind        socialKind
	words       []string // written, folded
	replacement []string // written, folded; nil: the phrase is dropped
}

// socialIndex finds social words and phrases among normalised tokens.
type socialIndex struct {
	words   map[string]socialKind     // single words, written and normalised
	phrases map[string][]socialPhrase // first token → phrases, longest first
}

type socialPhrase struct {
	tokens, replacement []string
	kind                socialKind
}

func readSocial() []socialEntry {
	var out []socialEntry
	for _, line := range readList("social.txt") {
		name, phrase, ok := strings.Cut(line, ":")
		kind, known := socialKinds[strings.TrimSpace(name)]
		if !ok || !known {
			panic(fmt.Sprintf("lang: social.txt: %q is not \"kind: phrase\" with a known kind", line))
		}
		e := socialEntry{kind: kind}
		phrase, repl, hasRepl := strings.Cut(phrase, "=")
		e.words = splitWords(Fold(phrase))
		if hasRepl {
			e.replacement = splitWords(Fold(repl))
			if e.replacement == nil {
				e.replacement = []string{}
			}
		}
		if len(e.words) > 0 {
			out = append(out, e)
		}
	}
	return out
}

// socialWords returns the single-word entries as written; index adds their
// normalised forms once the Normalizer can normalise.
func socialWords(entries []socialEntry) map[string]socialKind {
	m := map[string]socialKind{}
	for _, e := range entries {
		if len(e.words) == 1 && e.replacement == nil && !e.kind.wholeClause() {
			m[e.words[0]] = e.kind
		}
	}
	return m
}

// index reads the entries through n, as messages are read, so that an
// entry matches the spellings the lexicons map onto it.
func (s *socialIndex) index(n *Normalizer, entries []socialEntry) {
	s.phrases = map[string][]socialPhrase{}
	normalise := func(words []string) []string {
		var out []string
		for _, w := range n.expand(words) {
			out = append(out, n.stemmer.stem(w))
		}
		return out
	}
	for _, e := range entries {
		tokens := normalise(e.words)
		if len(tokens) == 0 {
			continue
		}
		if len(tokens) == 1 && e.replacement == nil && !e.kind.wholeClause() {
			// "terima kasih" reads as the one word "terimakasih".
			if s.words[tokens[0]] == 0 {
				s.words[tokens[0]] = e.kind
			}
			continue
		}
		p := socialPhrase{tokens: tokens, kind: e.kind}
		if e.replacement != nil {
			p.replacement = normalise(e.replacement)
		}
		s.phrases[tokens[0]] = append(s.phrases[tokens[0]], p)
	}
	for _, ps := range s.phrases {
		slices.SortStableFunc(ps, func(a, b socialPhrase) int { return len(b.tokens) - len(a.tokens) })
	}
}

// apply appends to out a clause's tokens without their social phrases (or
// with their replacement), and adds to g the gestures of the clause's
// social phrases and words.
func (s *socialIndex) apply(n *Normalizer, out, tokens []string, g *Gestures) []string {
	for i := 0; i < len(tokens); {
		info := n.info[tokens[i]]
		p, ok := socialPhrase{}, false
		if info.socialStart {
			p, ok = s.match(n, tokens, i)
		}
		if !ok {
			if x, isGesture := info.social.gesture(); isGesture {
				g.add(x)
			}
			out = append(out, tokens[i])
			i++
			continue
		}
		if x, isGesture := p.kind.gesture(); isGesture {
			g.add(x)
		}
		out = append(out, p.replacement...)
		i += len(p.tokens)
	}
	return out
}

// match returns the longest social phrase at tokens[i]; a closing phrase
// only where no topic word follows it.
func (s *socialIndex) match(n *Normalizer, tokens []string, i int) (socialPhrase, bool) {
	for _, p := range s.phrases[tokens[i]] {
		end := i + len(p.tokens)
		if end > len(tokens) || !slices.Equal(tokens[i:end], p.tokens) {
			continue
		}
		if p.kind == kindClosing && slices.ContainsFunc(tokens[end:], n.IsContent) ||
			p.kind.wholeClause() && !(s.onlyAside(n, tokens[:i]) && s.onlyAside(n, tokens[end:])) {
			continue
		}
		return p, true
	}
	return socialPhrase{}, false
}

// onlyAside reports whether tokens hold only what is said aside of a
// clause: forms of address, chat noise, acknowledgements and replies
// ("min", "ya", "baik"), around which a reply is still the whole clause
// ("lagi sibuk ya min?", "baik pak sudah saya terima").
func (s *socialIndex) onlyAside(n *Normalizer, tokens []string) bool {
	for i := 0; i < len(tokens); {
		if n.aside(tokens[i]) {
			i++
			continue
		}
		k := s.replyAt(tokens, i)
		if k == 0 {
			return false
		}
		i += k
	}
	return true
}

// replyAt returns the length of a reply phrase at tokens[i], or 0.
func (s *socialIndex) replyAt(tokens []string, i int) int {
	for _, p := range s.phrases[tokens[i]] {
		if p.kind == kindReply && i+len(p.tokens) <= len(tokens) && slices.Equal(tokens[i:i+len(p.tokens)], p.tokens) {
			return len(p.tokens)
		}
	}
	return 0
}

// isPlaceholder reports whether a whole message is a tag in brackets, as
// chat apps write for what is not text: "<Media omitted>", "[Stiker]".
func isPlaceholder(text string) bool {
	text = strings.TrimFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) })
	if len(text) < 3 || len(text) > 80 {
		return false
	}
	first, last := text[0], text[len(text)-1]
	if !(first == '<' && last == '>' || first == '[' && last == ']') {
		return false
	}
	return !strings.ContainsAny(text[1:len(text)-1], "<>[]")
}

// emojiGestures returns the gestures of the emoji in text: folded text
// has none of them.
func emojiGestures(text string) Gestures {
	var g Gestures
	for i := 0; i < len(text); i++ {
		if text[i] < 0xE2 {
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch r {
		case '🙏', '❤', '💕', '💖', '🥰':
			g.add(GestureThanks)
		case '👍', '👌', '🆗', '✅', '🤝', '👏':
			g.add(GestureAck)
		case '👋':
			g.add(GestureGreeting)
		}
		i += size - 1
	}
	return g
}
