// Package lang normalises the Indonesian that citizens write (chat slang,
// Javanese Banyumasan words, typos, affixes) into a stable form shared by
// FAQ matching and routing, and reads what a message does besides its
// topic: its clauses, its greetings and thanks, and the grammar of asking,
// reporting and following up.
package lang

import (
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// maxPhrase is the longest phrase, in words, a dictionary entry may have.
const maxPhrase = 3

// cacheLimit bounds the memo of unknown words, so a long-running server
// that sees endless new spellings does not grow without bound.
const cacheLimit = 200_000

// Normalizer turns text into normalised tokens. It is safe for concurrent
// use.
type Normalizer struct {
	phrases map[string][]string // written form (1–3 words) → standard words
	// starts holds, per word that starts a phrase, the most words such a
	// phrase has: most words start none, and are looked up once.
	starts   map[string]int
	nonTopic map[string]bool // function words, social words and places
	// knownSet and roots are known and root precomputed for every word the
	// lists and texts hold, so that the words of most messages are read
	// with one map lookup each and no memo.
	knownSet map[string]bool
	roots    map[string]string
	// info holds what the pipeline asks of a normalised word, so that it is
	// looked up once: its cues, its social kind, whether it is no topic.
	info      map[string]tokenInfo
	stop      map[string]bool
	place     map[string]bool
	placeCue  map[string]bool // written words after which a place name comes
	common    map[string]bool // common Indonesian words: never "repaired"
	dict      map[string]bool // words of general knowledge (Dictionary)
	vocab     map[string]bool // words of the knowledge base, as written
	vocabRoot map[string]bool // the same words, normalised
	dictRoot  map[string]bool // the dictionary's words, normalised
	social    socialIndex
	senses    senses
	cues      map[string]Cue
	stemmer   stemmer
	typos     []*typoIndex // the shared one, and the knowledge base's
	skeletons []*skeletonIndex

	wordCache  memo // normalised word → root
	spellCache memo // written word → repaired spelling
}

// memo is a bounded memo of strings, safe for concurrent use: a
// long-running server that sees endless new spellings starts it afresh
// past cacheLimit entries.
type memo struct {
	m     atomic.Pointer[sync.Map]
	count atomic.Int64
}

func (c *memo) get(k string) (string, bool) {
	m := c.m.Load()
	if m == nil {
		return "", false
	}
	v, ok := m.Load(k)
	if !ok {
		return "", false
	}
	return v.(string), true
}

func (c *memo) put(k, v string) {
	if c.count.Add(1) > cacheLimit || c.m.Load() == nil {
		c.m.Store(new(sync.Map))
		c.count.Store(0)
	}
	c.m.Load().Store(k, v)
}

// New returns a Normalizer that knows the embedded word lists, the
// knowledge base's synonyms (written → standard, which override the lists)
// and the words of the given vocabulary texts (the knowledge base's own
// texts): those become stemmer roots and typo-correction targets.
func New(synonyms map[string]string, vocabulary ...string) *Normalizer {
	return NewWithDictionary(synonyms, nil, vocabulary...)
}

// NewWithDictionary is New with texts of general knowledge besides the
// embedded lists (the government affairs' phrases): their words are known
// (never repaired into another word), stemmer roots where they cannot be
// reduced and typo-correction targets, but they are not the knowledge
// base's vocabulary (InVocabulary).
func NewWithDictionary(synonyms map[string]string, dictionary []string, vocabulary ...string) *Normalizer {
	n := &Normalizer{
		phrases:   map[string][]string{},
		stop:      setOf(readList("stopwords.txt")),
		place:     setOf(readList("places.txt")),
		placeCue:  setOf(readList("placecues.txt")),
		common:    setOf(commonWords()),
		dict:      map[string]bool{},
		vocab:     map[string]bool{},
		vocabRoot: map[string]bool{},
		dictRoot:  map[string]bool{},
		cues:      readCues(),
		starts:    map[string]int{},
		nonTopic:  map[string]bool{},
	}
	for _, m := range []map[string]string{readMap("ngapak.txt"), readMap("slang.txt"), readMap("idioms.txt"), synonyms} {
		n.addPhrases(m)
	}
	n.senses = sensesFor(synonyms)
	for _, m := range []map[string][]string{n.senses.javanese, n.senses.afterNumber} {
		for w := range m {
			n.starts[w] = max(n.starts[w], 1)
		}
	}
	entries := readSocial()
	n.social.words = socialWords(entries)
	n.learnWords(vocabulary, dictionary, synonyms)
	n.social.index(n, entries)
	for _, set := range []map[string]bool{n.stop, n.place} {
		for w := range set {
			n.nonTopic[w] = true
		}
	}
	for w := range n.social.words {
		n.nonTopic[w] = true
	}
	n.precompute()
	return n
}

// addPhrases adds "written = standard" entries to the phrase dictionary;
// a later entry for the same written form overrides an earlier one.
func (n *Normalizer) addPhrases(m map[string]string) {
	for from, to := range m {
		key := strings.Join(splitWords(Fold(from)), " ")
		if key == "" {
			continue
		}
		n.phrases[key] = splitWords(Fold(to))
		first, _, _ := strings.Cut(key, " ")
		n.starts[first] = max(n.starts[first], strings.Count(key, " ")+1)
	}
}

// learnWords reads the vocabulary and dictionary texts: their words
// become known, roots where they cannot be reduced, and typo targets, the
// vocabulary's weighted by how often it uses them. The typo targets that
// no knowledge base adds to (the lists' words, the dictionary) are indexed
// once per process (sharedSpelling).
func (n *Normalizer) learnWords(vocabulary, dictionary []string, synonyms map[string]string) {
	freq := map[string]int{}
	for _, text := range vocabulary {
		for _, w := range n.expand(n.splitWords(text)) {
			freq[w]++
			n.vocab[w] = true
		}
	}
	shared := n.sharedSpelling(dictionary)
	n.dict = shared.dict
	n.stemmer.roots = n.rootSet(freq)
	for w := range freq {
		n.vocabRoot[n.stemmer.stem(w)] = true
	}
	for w := range n.dict {
		n.dictRoot[n.stemmer.stem(w)] = true
	}
	targets := map[string]int{}
	for _, to := range synonyms {
		for _, w := range splitWords(Fold(to)) {
			targets[w] = shared.freq[w] + 1
		}
	}
	for w, f := range freq {
		targets[w] = shared.freq[w] + f + 2 // a root, and the vocabulary's
	}
	n.typos = []*typoIndex{shared.typos, newTypoIndex(targets)}
	n.skeletons = []*skeletonIndex{shared.skeletons, newSkeletonIndex(targets)}
}

// spelling is what typo repair knows of the embedded lists and a
// dictionary, which every Normalizer of a process built with that
// dictionary shares.
type spelling struct {
	dict      map[string]bool
	freq      map[string]int
	typos     *typoIndex
	skeletons *skeletonIndex
}

var spellings sync.Map // dictionary fingerprint → *spelling

// sharedSpelling returns the spelling of the embedded lists and
// dictionary, building it on first use.
func (n *Normalizer) sharedSpelling(dictionary []string) *spelling {
	h := fnv.New64a()
	for _, text := range dictionary {
		h.Write([]byte(text))
		h.Write([]byte{0})
	}
	key := h.Sum64()
	if s, ok := spellings.Load(key); ok {
		return s.(*spelling)
	}
	s := &spelling{dict: map[string]bool{}, freq: map[string]int{}}
	for _, text := range dictionary {
		for _, w := range n.expand(splitWords(Fold(text))) {
			s.dict[w] = true
		}
	}
	for _, w := range baseRoots(n) {
		s.freq[w] = 1
	}
	for w := range s.dict {
		s.freq[w]++
	}
	for _, m := range []map[string]string{readMap("ngapak.txt"), readMap("slang.txt"), readMap("idioms.txt")} {
		for _, to := range m {
			for _, w := range splitWords(Fold(to)) {
				s.freq[w]++
			}
		}
	}
	s.typos, s.skeletons = newTypoIndex(s.freq), newSkeletonIndex(s.freq)
	actual, _ := spellings.LoadOrStore(key, s)
	return actual.(*spelling)
}

// precompute fills knownSet and roots.
func (n *Normalizer) precompute() {
	known := map[string]bool{}
	for _, set := range []map[string]bool{n.stemmer.roots, n.vocab, n.dict, n.common, n.place, n.stop} {
		for w := range set {
			known[w] = true
		}
	}
	for w := range n.social.words {
		known[w] = true
	}
	for w := range n.phrases {
		known[w] = true
	}
	var senseWords [][]string
	for _, m := range []map[string][]string{n.senses.javanese, n.senses.afterNumber} {
		for w, std := range m {
			known[w] = true
			senseWords = append(senseWords, std)
		}
	}
	roots := make(map[string]string, len(known))
	for w := range known {
		roots[w] = n.stemRoot(w)
	}
	for _, std := range n.phrases {
		for _, w := range std {
			roots[w] = n.stemRoot(w)
		}
	}
	for _, std := range senseWords {
		for _, w := range std {
			roots[w] = n.stemRoot(w)
		}
	}
	n.knownSet, n.roots = known, roots
	n.info = map[string]tokenInfo{}
	note := func(w string) {
		n.info[w] = tokenInfo{cue: n.cues[w], social: n.social.words[w], nonTopic: n.nonTopic[w],
			socialStart: len(n.social.phrases[w]) > 0}
	}
	for _, r := range roots {
		note(r)
	}
	for w := range n.cues {
		note(w)
	}
	for w := range n.nonTopic {
		note(w)
	}
	for w := range n.social.phrases {
		note(w)
	}
}

// tokenInfo is what the pipeline asks of a normalised word.
type tokenInfo struct {
	cue         Cue
	social      socialKind
	nonTopic    bool // a function word, social word or place
	socialStart bool // a social phrase starts with it
}

// rootSet is the embedded roots, function words, social words and places,
// plus every knowledge base or dictionary word that cannot be reduced to
// another known word: "daftar" is a root, "pendaftaran" is not.
func (n *Normalizer) rootSet(kbWords map[string]int) map[string]bool {
	base := setOf(baseRoots(n))
	known := map[string]bool{}
	for w := range base {
		known[w] = true
	}
	for w := range n.common {
		known[w] = true
	}
	candidates := map[string]bool{}
	for w := range kbWords {
		known[w], candidates[w] = true, true
	}
	for w := range n.dict {
		known[w], candidates[w] = true, true
	}
	probe := stemmer{roots: known}
	roots := base
	for w := range candidates {
		delete(probe.roots, w)
		if probe.stem(w) == w || len(w) <= minRoot {
			roots[w] = true
		}
		probe.roots[w] = true
	}
	return roots
}

// baseRoots returns the embedded roots, function words, social words and
// places: roots whatever the knowledge base.
func baseRoots(n *Normalizer) []string {
	out := readList("roots.txt")
	for w := range n.stop {
		out = append(out, w)
	}
	for w := range n.social.words {
		out = append(out, w)
	}
	// Place names are kept whole: Petanahan is not pe-tanah-an.
	for w := range n.place {
		out = append(out, w)
	}
	return out
}

// splitWords splits folded text into words: hyphenated reduplication
// ("anak-anak", "alun2") collapses to one word, other hyphens separate
// words, and digits are split from the letters after them ("500rb").
func splitWords(folded string) []string { return splitWordsWith(folded, nil) }

// doubled reports whether w written twice is a phrase of the lexicons.
func (n *Normalizer) doubled(w string) bool {
	_, ok := n.phrases[w+" "+w]
	return ok
}

// splitWordsWith is splitWords, but a reduplicated word for which phrase
// reports true stays two words: "pirang-pirang" is "pirang pirang", many,
// not "pirang", how many.
func splitWordsWith(folded string, phrase func(string) bool) []string {
	out := make([]string, 0, len(folded)/5+1)
	for f := range strings.FieldsSeq(folded) {
		f = strings.Trim(f, "-")
		if left, right, ok := strings.Cut(f, "-"); ok && left == right {
			if phrase != nil && phrase(left) {
				out = append(out, left, left)
				continue
			}
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
				if phrase != nil && phrase(p) {
					out = append(out, p)
				}
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

// expand maps the written words of one text to standard words with the
// phrase dictionaries, longest phrase first, and the words of two readings
// as their context says (senses.txt). A phrase made of words the first
// pass mapped ("ulang taun" → "ulang tahun") is mapped in a second pass,
// which reads only phrases of several words.
func (n *Normalizer) expand(words []string) []string {
	return n.expandTrace(words, n.senses.isJavanese(words), asWritten{}, nil)
}

// asWritten is what the way a text was written says of its words: its
// acronyms (written in capitals, rawAcronyms) and its names (isName).
type asWritten struct{ acronyms, names map[string]bool }

// keeps reports whether a word keeps its form against a lexicon's reading
// std of it: a name always ("Kecamatan Belik" is no spring), an acronym
// the chat lexicon reads as a function word ("SPT" is the tax return,
// where "spt" is "seperti").
func (as asWritten) keeps(n *Normalizer, w string, std []string) bool {
	return as.names[w] || as.acronyms[w] && n.functionReading(std)
}

// expandTrace is expand for words of a text that is Javanese or not and
// written as as says, telling trace (when not nil) each phrase it
// replaced.
func (n *Normalizer) expandTrace(words []string, javanese bool, as asWritten, trace func(from, to []string)) []string {
	out, whole, changed := n.expandPass(words, 1, nil, javanese, as, trace)
	if changed {
		out, _, _ = n.expandPass(out, 2, whole, javanese, as, trace)
	}
	return out
}

// expandPass maps the phrases of at least minWords words, and reports
// whether it mapped any, and which words of its output a phrase of
// several words gave (whole; nil when none did). No phrase is read across
// the words skip marks: the words of "apa saja" and "nggih", read as "apa"
// and "iya", are no "apa iya" (is it true).
func (n *Normalizer) expandPass(words []string, minWords int, skip []bool, javanese bool, as asWritten, trace func(from, to []string)) (out []string, whole []bool, changed bool) {
	// out is nil until a phrase is mapped: most words map to none.
	var buf [64]byte
	for i := 0; i < len(words); {
		k := min(n.starts[words[i]], len(words)-i)
		for ; k >= minWords; k-- {
			if skip != nil && slices.Contains(skip[i:i+k], true) {
				continue
			}
			var std []string
			ok := false
			if k == 1 {
				std, ok = n.senses.reading(words, i, javanese)
			}
			if !ok {
				std, ok = n.phrase(words[i:i+k], buf[:0])
			}
			if ok && k == 1 && as.keeps(n, words[i], std) {
				ok = false
			}
			if ok {
				if trace != nil {
					trace(words[i:i+k], std)
				}
				if out == nil {
					out = append(make([]string, 0, len(words)+2), words[:i]...)
				}
				if k > 1 && whole == nil {
					whole = make([]bool, len(out), len(words)+2)
				}
				out = append(out, std...)
				if whole != nil {
					for range std {
						whole = append(whole, k > 1)
					}
				}
				break
			}
		}
		if k >= minWords {
			i += k
			continue
		}
		if out != nil {
			out = append(out, words[i])
			if whole != nil {
				whole = append(whole, false)
			}
		}
		i++
	}
	if out == nil {
		return words, nil, false
	}
	return out, whole, true
}

// functionReading reports whether a lexicon's reading of a word is one
// function word.
func (n *Normalizer) functionReading(std []string) bool {
	return len(std) == 1 && n.nonTopic[std[0]]
}

// phrase looks words up in the phrase dictionaries, building the key in
// buf: a map index by string(bytes) does not allocate.
func (n *Normalizer) phrase(words []string, buf []byte) ([]string, bool) {
	if len(words) == 1 {
		std, ok := n.phrases[words[0]]
		return std, ok
	}
	key := buf
	for j, w := range words {
		if j > 0 {
			key = append(key, ' ')
		}
		key = append(key, w...)
	}
	std, ok := n.phrases[string(key)]
	if !ok && len(key) > 3 && string(key[len(key)-3:]) == "nya" {
		// "BPJS gratisnya": the possessive ends the phrase.
		std, ok = n.phrases[string(key[:len(key)-3])]
	}
	return std, ok
}

// known reports whether w is a word the normaliser can place without
// guessing.
func (n *Normalizer) known(w string) bool { return n.knownSet[w] }

// Tokens returns the normalised words of text, function words included, in
// order.
func (n *Normalizer) Tokens(text string) []string {
	return n.Analyze(text).Tokens
}

// spelled is spell, memoised: typo correction is the costliest step and
// citizens repeat their misspellings.
func (n *Normalizer) spelled(w string) string {
	if n.knownSet[w] || isNumber(w) {
		return w
	}
	if r, ok := n.spellCache.get(w); ok {
		return r
	}
	r := n.spell(w)
	n.spellCache.put(w, r)
	return r
}

// spell repairs the spelling of a written word that is neither known nor
// a number (spelled checks): stretched letters and typos.
func (n *Normalizer) spell(w string) string {
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
	if _, ok := n.affixedEntry(w); ok {
		return w
	}
	if c := correct(w, n.typos...); c != "" {
		return c
	}
	if c := expand(w, n.skeletons...); c != "" {
		return c
	}
	return w
}

// root returns the stem of a standard word, memoised. A stem the lexicons
// map to one other word is mapped too: "divaksin" is "vaksin", which the
// slang list reads as "imunisasi".
func (n *Normalizer) root(w string) string {
	if r, ok := n.roots[w]; ok {
		return r
	}
	if r, ok := n.wordCache.get(w); ok {
		return r
	}
	r := n.stemRoot(w)
	n.wordCache.put(w, r)
	return r
}

func (n *Normalizer) stemRoot(w string) string {
	r := n.stemmer.stem(w)
	if std, ok := n.phrases[r]; ok && r != w && len(std) == 1 && std[0] != r {
		return n.stemmer.stem(std[0])
	}
	if !n.stemmer.roots[r] {
		if std, ok := n.affixedEntry(w); ok {
			return n.stemmer.stem(std)
		}
	}
	return r
}

// affixedEntry returns the standard word of the one-word lexicon entry of
// which w is an affixed form, if there is one: the lexicons list a word's
// common forms, and "njukut" (n-jukut) and "susuhe" (susuh-e) are read as
// the words they list.
func (n *Normalizer) affixedEntry(w string) (string, bool) {
	// An Indonesian word is no affixed form of a lexicon entry: "kuning"
	// is yellow, not k-uning, "ramai" is no form of "rama", and "mengaku"
	// (to claim) is no form of "aku" (I).
	if n.common[w] || n.dict[w] || n.vocab[w] {
		return "", false
	}
	single := func(v string) (string, bool) {
		if std, ok := n.phrases[v]; ok && len(std) == 1 && v != w {
			return std[0], true
		}
		return "", false
	}
	for _, v := range suffixVariants(w) {
		if std, ok := single(v); ok {
			return std, true
		}
		for _, c := range prefixCuts(v) {
			if std, ok := single(c); ok && len(c) >= minRoot {
				return std, true
			}
		}
	}
	return "", false
}

func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isDigit(w[i]) {
			return false
		}
	}
	return w != ""
}

// IsContent reports whether a normalised word can say what a message is
// about: not a function word, social word (greeting, thanks, address),
// place name or number.
func (n *Normalizer) IsContent(w string) bool {
	return len(w) > 1 && !n.info[w].nonTopic && !isNumber(w)
}

// InVocabulary reports whether a normalised word occurs in the vocabulary
// texts the Normalizer was built with.
func (n *Normalizer) InVocabulary(w string) bool { return n.vocabRoot[w] }

// InDictionary reports whether a normalised word occurs in the dictionary
// texts the Normalizer was built with (NewWithDictionary).
func (n *Normalizer) InDictionary(w string) bool { return n.dictRoot[w] }

func setOf(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
