// Package lang normalises the Indonesian that citizens write (chat slang,
// Javanese Banyumasan words, typos, affixes) into a stable form shared by
// FAQ matching and routing.
package lang

import (
	"strings"
	"sync"
	"unicode"
)

// maxPhrase is the longest phrase, in words, a dictionary entry may have.
const maxPhrase = 3

// cacheLimit bounds the memo of unknown words, so a long-running server
// that sees endless new spellings does not grow without bound.
const cacheLimit = 200_000

// Normalizer turns text into normalised tokens. It is safe for concurrent
// use.
type Normalizer struct {
	phrases    map[string][]string // written form (1–3 words) → standard words
	stop       map[string]bool
	greeting   map[string]bool
	place      map[string]bool
	outside    map[string]bool
	vocab      map[string]bool // words of the knowledge base, as written
	vocabRoot  map[string]bool // the same words, normalised
	stemmer    stemmer
	typos      *typoIndex
	skeletons  *skeletonIndex
	mu         sync.RWMutex
	wordCache  map[string]string // normalised word → root
	spellCache map[string]string // written word → repaired spelling
}

// New returns a Normalizer that knows the embedded word lists, the
// knowledge base's synonyms (written → standard, which override the lists)
// and the words of the given vocabulary texts (the knowledge base's own
// texts): those become stemmer roots and typo-correction targets.
func New(synonyms map[string]string, vocabulary ...string) *Normalizer {
	n := &Normalizer{
		phrases:    map[string][]string{},
		stop:       map[string]bool{},
		greeting:   map[string]bool{},
		place:      map[string]bool{},
		outside:    map[string]bool{},
		vocab:      map[string]bool{},
		vocabRoot:  map[string]bool{},
		wordCache:  map[string]string{},
		spellCache: map[string]string{},
	}
	addPhrases := func(m map[string]string) {
		for from, to := range m {
			key := strings.Join(splitWords(Fold(from)), " ")
			if key == "" {
				continue
			}
			n.phrases[key] = splitWords(Fold(to))
		}
	}
	addPhrases(readMap("ngapak.txt"))
	addPhrases(readMap("slang.txt"))
	addPhrases(synonyms)

	// Stop words and greetings are read in their written form too, as the
	// lists hold some chat spellings.
	for _, w := range readList("stopwords.txt") {
		n.stop[w] = true
	}
	for _, w := range readList("greetings.txt") {
		n.greeting[strings.ReplaceAll(w, " ", "")] = true
	}
	for _, w := range readList("places.txt") {
		n.place[w] = true
	}

	freq := map[string]int{}
	for _, text := range vocabulary {
		for _, w := range n.expand(splitWords(Fold(text))) {
			freq[w]++
			n.vocab[w] = true
		}
	}
	outside := readList("outside.txt")
	n.stemmer.roots = n.rootSet(freq, outside)
	for w := range freq {
		n.vocabRoot[n.stemmer.stem(w)] = true
	}
	targets := map[string]int{}
	for w := range n.stemmer.roots {
		targets[w] = 1
	}
	for _, std := range n.phrases {
		for _, w := range std {
			targets[w]++
		}
	}
	for w, f := range freq {
		targets[w] += f + 1
	}
	n.typos = newTypoIndex(targets)
	for _, w := range outside {
		n.outside[n.root(w)] = true
	}
	n.skeletons = newSkeletonIndex(targets)
	return n
}

// rootSet is the embedded roots, function words and outside bodies' words,
// plus every knowledge base word that cannot be reduced to another known
// word: "daftar" is a root, "pendaftaran" is not.
func (n *Normalizer) rootSet(kbWords map[string]int, outside []string) map[string]bool {
	base := map[string]bool{}
	for _, w := range readList("roots.txt") {
		base[w] = true
	}
	for w := range n.stop {
		base[w] = true
	}
	for w := range n.greeting {
		base[w] = true
	}
	// Outside bodies' words are dictionary words too: "copet" is not a typo
	// of "coret". Place names are kept whole: Petanahan is not pe-tanah-an.
	for _, w := range outside {
		base[w] = true
	}
	for w := range n.place {
		base[w] = true
	}
	known := map[string]bool{}
	for w := range base {
		known[w] = true
	}
	for w := range kbWords {
		known[w] = true
	}
	probe := stemmer{roots: known}
	roots := base
	for w := range kbWords {
		delete(probe.roots, w)
		if probe.stem(w) == w || len(w) <= minRoot {
			roots[w] = true
		}
		probe.roots[w] = true
	}
	return roots
}

// splitWords splits folded text into words: hyphenated reduplication
// ("anak-anak", "alun2") collapses to one word, other hyphens separate
// words, and digits are split from the letters after them ("500rb").
func splitWords(folded string) []string {
	out := make([]string, 0, len(folded)/5+1)
	for f := range strings.FieldsSeq(folded) {
		f = strings.Trim(f, "-")
		if left, right, ok := strings.Cut(f, "-"); ok && left == right {
			f = left
		}
		for f != "" {
			var p string
			p, f, _ = strings.Cut(f, "-")
			if p == "" {
				continue
			}
			i := 0
			for i < len(p) && p[i] >= '0' && p[i] <= '9' {
				i++
			}
			if i > 0 && i < len(p) {
				out = append(out, p[:i])
				p = p[i:]
			}
			if len(p) > 2 && p[len(p)-1] == '2' && !isDigit(p[len(p)-2]) {
				p = p[:len(p)-1]
			}
			out = append(out, p)
		}
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// foldRepeats shortens runs of three or more equal letters to two
// ("tolonggg" → "tolongg"); lookups then try the single-letter form. It
// compares runes, not bytes: the bytes of one multi-byte letter ("𫫫" is
// F0 AB AB AB) may repeat.
func foldRepeats(w string) string {
	return squeeze(w, 2)
}

// singleLetters collapses every doubled letter ("tolongg" → "tolong").
func singleLetters(w string) string {
	return squeeze(w, 1)
}

// squeeze cuts every run of one letter (digits are left alone) to at most
// keep letters.
func squeeze(w string, keep int) string {
	if len(w) <= keep {
		return w
	}
	out := make([]rune, 0, len(w))
	run := 0
	for _, r := range w {
		if len(out) > 0 && r == out[len(out)-1] && !(r >= '0' && r <= '9') {
			run++
		} else {
			run = 1
		}
		if run <= keep {
			out = append(out, r)
		}
	}
	return string(out)
}

// expand maps written words to standard words with the phrase
// dictionaries, longest phrase first.
func (n *Normalizer) expand(words []string) []string {
	out := make([]string, 0, len(words)+2)
	var buf [64]byte
	for i := 0; i < len(words); {
		matched := false
		for k := min(maxPhrase, len(words)-i); k >= 1 && !matched; k-- {
			var std []string
			var ok bool
			if k == 1 {
				std, ok = n.phrases[words[i]]
			} else {
				// The key is built in a buffer: a map index by string(bytes)
				// does not allocate.
				key := buf[:0]
				for j, w := range words[i : i+k] {
					if j > 0 {
						key = append(key, ' ')
					}
					key = append(key, w...)
				}
				std, ok = n.phrases[string(key)]
				if !ok && len(key) > 3 && string(key[len(key)-3:]) == "nya" {
					// "BPJS gratisnya": the possessive ends the phrase.
					std, ok = n.phrases[string(key[:len(key)-3])]
				}
			}
			if ok {
				out = append(out, std...)
				i += k
				matched = true
			}
		}
		if !matched {
			out = append(out, words[i])
			i++
		}
	}
	return out
}

// known reports whether w is a word the normaliser can place without
// guessing.
func (n *Normalizer) known(w string) bool {
	_, phrase := n.phrases[w]
	return phrase || n.stemmer.roots[w] || n.vocab[w] || n.place[w] || n.stop[w] || n.greeting[w]
}

// Tokens returns the normalised words of text, function words included, in
// order.
func (n *Normalizer) Tokens(text string) []string {
	tokens, _ := n.Analyze(text)
	return tokens
}

// Analyze returns the normalised words of text, as Tokens does, and the
// set of those written as proper names: capitalised but not all capitals,
// not at the start of a sentence, and unknown to the dictionaries. Village
// and person names say nothing of a message's topic, and are never
// "corrected" to a vocabulary word.
func (n *Normalizer) Analyze(text string) (tokens []string, names map[string]bool) {
	raw := n.rawNames(text)
	words := splitWords(Fold(text))
	for i, w := range words {
		if raw[w] {
			if names == nil {
				names = map[string]bool{}
			}
			names[n.root(w)] = true
			continue
		}
		words[i] = n.spelled(w)
	}
	words = n.expand(words)
	tokens = make([]string, 0, len(words))
	for _, w := range words {
		tokens = append(tokens, n.root(w))
	}
	return tokens, names
}

// spelled is spell, memoised: typo correction is the costliest step and
// citizens repeat their misspellings.
func (n *Normalizer) spelled(w string) string {
	n.mu.RLock()
	r, ok := n.spellCache[w]
	n.mu.RUnlock()
	if ok {
		return r
	}
	r = n.spell(w)
	n.mu.Lock()
	if len(n.spellCache) >= cacheLimit {
		n.spellCache = map[string]string{}
	}
	n.spellCache[w] = r
	n.mu.Unlock()
	return r
}

// spell repairs a written word's spelling: stretched letters and typos.
// Words the dictionaries know are left alone.
func (n *Normalizer) spell(w string) string {
	if n.known(w) || isNumber(w) {
		return w
	}
	w = foldRepeats(w)
	if n.known(w) {
		return w
	}
	if s := singleLetters(w); s != w && n.known(s) {
		return s
	}
	if r := n.stemmer.stem(w); r != w && n.stemmer.roots[r] {
		return w
	}
	if c := n.typos.correct(w); c != "" {
		return c
	}
	if c := n.skeletons.expand(w); c != "" {
		return c
	}
	return w
}

// root returns the stem of a standard word, memoised.
func (n *Normalizer) root(w string) string {
	n.mu.RLock()
	r, ok := n.wordCache[w]
	n.mu.RUnlock()
	if ok {
		return r
	}
	r = n.stemmer.stem(w)
	n.mu.Lock()
	if len(n.wordCache) >= cacheLimit {
		n.wordCache = map[string]string{}
	}
	n.wordCache[w] = r
	n.mu.Unlock()
	return r
}

func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isDigit(w[i]) {
			return false
		}
	}
	return w != ""
}

// IsOutside reports whether a normalised word names a service of a body
// outside the regency government (police, land agency, electricity
// company, courts).
func (n *Normalizer) IsOutside(w string) bool { return n.outside[w] }

// IsContent reports whether a normalised word can say what a message is
// about: not a function word, greeting, place name or number.
func (n *Normalizer) IsContent(w string) bool {
	return len(w) > 1 && !n.stop[w] && !n.greeting[w] && !n.place[w] && !isNumber(w)
}

// InVocabulary reports whether a normalised word occurs in the vocabulary
// texts the Normalizer was built with.
func (n *Normalizer) InVocabulary(w string) bool { return n.vocabRoot[w] }

// rawNames returns the folded, unnormalised words of text written as names.
func (n *Normalizer) rawNames(text string) map[string]bool {
	var names map[string]bool
	start := true
	for _, f := range strings.Fields(text) {
		word := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })
		if word != "" && !start && isCapitalised(word) {
			for _, w := range splitWords(Fold(word)) {
				if !n.known(w) {
					if names == nil {
						names = map[string]bool{}
					}
					names[w] = true
				}
			}
		}
		start = strings.ContainsAny(f[len(f)-1:], ".!?")
	}
	return names
}

// isCapitalised reports whether word starts with a capital and has a
// lowercase letter after it ("Sruweng", not "KTP").
func isCapitalised(word string) bool {
	first := true
	lower := false
	for _, r := range word {
		if first {
			if !unicode.IsUpper(r) {
				return false
			}
			first = false
			continue
		}
		if unicode.IsLower(r) {
			lower = true
		}
	}
	return lower
}
