package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Analysis is a text as the Normalizer reads it.
type Analysis struct {
	// Tokens are the normalised words, function words included, in order;
	// social phrases ("izin bertanya", "mohon bantuannya") are taken out.
	Tokens []string
	// Names holds the tokens written as proper names: capitalised but not
	// all capitals, not at the start of a sentence, and unknown to the
	// dictionaries; or written after a place word ("desa …"). Village and
	// person names say nothing of a message's topic, and are never
	// "corrected" to a vocabulary word.
	Names map[string]bool
	// Cues[i] are the grammatical functions of Tokens[i] (Normalizer.Cue),
	// and Topic[i] reports whether Tokens[i] can say what the text is
	// about: a content word (Normalizer.IsContent) not written as a name.
	Cues  []Cue
	Topic []bool
	// Clauses cut Tokens at punctuation and connectives, in order.
	Clauses []Clause
	// Gestures are the greetings, thanks, apologies… the text makes.
	Gestures Gestures
}

// Analyze reads text into its normalised tokens, clauses and gestures.
func (n *Normalizer) Analyze(text string) Analysis {
	a := Analysis{Tokens: make([]string, 0, len(text)/5+4), Clauses: make([]Clause, 0, 4)}
	if isPlaceholder(text) {
		a.Gestures.add(GestureMedia)
		return a
	}
	raw := n.rawNames(text)
	as := asWritten{acronyms: rawAcronyms(text)}
	prev := "" // the last word of the piece before, as "kec." ends one
	spans := pieces(text)
	written := make([][]string, len(spans))
	javanese := false
	for j, p := range spans {
		words := n.splitWords(p.text)
		javanese = javanese || n.senses.isJavanese(words)
		for i, w := range words {
			if n.isName(words, i, raw, prev) {
				if a.Names == nil {
					a.Names, as.names = map[string]bool{}, map[string]bool{}
				}
				a.Names[n.root(w)], as.names[w] = true, true
				continue
			}
			words[i] = n.spelled(w)
		}
		if len(words) > 0 {
			prev = words[len(words)-1]
		}
		written[j] = words
	}
	for j, p := range spans {
		words := n.expandTrace(written[j], javanese, as, nil)
		for i, w := range words {
			words[i] = n.root(w)
		}
		n.addClauses(&a, words, p)
	}
	a.Cues, a.Topic = make([]Cue, len(a.Tokens)), make([]bool, len(a.Tokens))
	for i, t := range a.Tokens {
		info := n.info[t]
		a.Cues[i] = info.cue
		a.Topic[i] = !info.nonTopic && len(t) > 1 && !isNumber(t) && !a.Names[t]
	}
	a.Gestures |= emojiGestures(text)
	a.readSequence()
	a.referQuestions()
	return a
}

// clauseHead is what may follow a word of sequence that opens a clause:
// the clause's subject, verb or question.
const clauseHead = CuePronoun | CueRequest | CueProcess | CueModal | CueAsking | CueInterrogative

// readSequence reads a word of sequence that opens a clause, or stands
// before a clause's subject or verb, as "and then", not as a state that
// goes on: "sudah lapor polisi. Terus bikin yang baru gimana?" waits for
// nothing, while "ditolak terus" is rejected again and again.
func (a *Analysis) readSequence() {
	for _, c := range a.Clauses {
		for i := c.Start; i < c.End; i++ {
			if a.Cues[i]&CueSequence == 0 || a.Cues[i]&CueContinuing == 0 {
				continue
			}
			if i == c.Start || i+1 < c.End && a.Cues[i+1]&clauseHead != 0 {
				a.Cues[i] &^= CueContinuing
			}
		}
	}
}

// referQuestions marks as asking the clauses of the sentence before a
// question that has no topic word of its own: "Tapi SPPT-nya masih atas
// nama almarhum. Prosedurnya bagaimana?" asks about the SPPT.
func (a *Analysis) referQuestions() {
	for i := 0; i < len(a.Clauses); {
		s := a.Clauses[i].Sentence
		end := i
		asks, topic := false, false
		for ; end < len(a.Clauses) && a.Clauses[end].Sentence == s; end++ {
			c := a.Clauses[end]
			asks = asks || c.Asks
			topic = topic || c.Asks && a.saysWhat(c)
		}
		if asks && !topic {
			a.askPrevious(i)
		}
		i = end
	}
}

// saysWhat reports whether clause c has a word that says what it is about.
func (a *Analysis) saysWhat(c Clause) bool {
	for i := c.Start; i < c.End; i++ {
		if a.Subject(i) {
			return true
		}
	}
	return false
}

// Subject reports whether Tokens[i] says what the text is about: a topic
// word that is not an asking or request word ("syarat", "minta").
func (a *Analysis) Subject(i int) bool {
	return a.Topic[i] && a.Cues[i]&(CueAsking|CueRequest) == 0
}

// HasStory reports whether the text has both question clauses and clauses
// that ask nothing: then the first are its question, the others the story
// around it.
func (a *Analysis) HasStory() bool {
	asks, tells := false, false
	for _, c := range a.Clauses {
		asks, tells = asks || c.Asks, tells || !c.Asks
	}
	return asks && tells
}

// askPrevious marks as asking the clauses of the last sentence before
// clause i that has a topic word.
func (a *Analysis) askPrevious(i int) {
	for j := i - 1; j >= 0; j-- {
		if !a.saysWhat(a.Clauses[j]) {
			continue
		}
		s := a.Clauses[j].Sentence
		for ; j >= 0 && a.Clauses[j].Sentence == s; j-- {
			a.Clauses[j].Asks = true
		}
		return
	}
}

// splitWords splits a piece of a message into its folded words.
func (n *Normalizer) splitWords(piece string) []string {
	return splitWordsWith(Fold(piece), n.doubled)
}

// isName reports whether words[i] is a name: written as one (raw holds
// true), or after a place word an unknown word ("desa sidomulyo") or a
// known one written with a capital (raw holds it: "Kecamatan Belik", not
// a spring); prev is the word before words[0], if any.
func (n *Normalizer) isName(words []string, i int, raw map[string]bool, prev string) bool {
	w := words[i]
	if i > 0 {
		prev = words[i-1]
	}
	_, capital := raw[w]
	return raw[w] || n.placeCue[prev] && (capital || !n.known(w)) && !isNumber(w)
}

// addClauses appends a piece's tokens to a, cut into clauses where a
// connective opens one, each without its social phrases.
func (n *Normalizer) addClauses(a *Analysis, tokens []string, p span) {
	for len(tokens) > 0 {
		end := 1
		for end < len(tokens) && n.info[tokens[end]].cue&CueClause == 0 {
			end++
		}
		start := len(a.Tokens)
		a.Tokens = n.social.apply(n, a.Tokens, tokens[:end], &a.Gestures)
		if len(a.Tokens) > start {
			c := Clause{Start: start, End: len(a.Tokens), Sentence: p.sentence, Question: p.question || n.endsWithTag(a.Tokens[start:]), Asks: p.question}
			for _, t := range a.Tokens[start:] {
				if n.info[t].cue&CueInterrogative != 0 {
					c.Asks = true
				}
			}
			a.Clauses = append(a.Clauses, c)
		}
		tokens = tokens[end:]
	}
}

// endsWithTag reports whether a clause ends with a question tag, a
// negation after what it asks about, but for what is said aside ("masih
// buka ga ya min", "ini resmi bukan"): chat often drops the question mark.
func (n *Normalizer) endsWithTag(tokens []string) bool {
	i := len(tokens) - 1
	for i > 0 && n.aside(tokens[i]) {
		i--
	}
	return i > 0 && n.info[tokens[i]].cue&CueTag != 0
}

// aside reports whether t is said aside of a clause: a form of address,
// chat noise or an acknowledgement ("min", "ya").
func (n *Normalizer) aside(t string) bool {
	switch n.info[t].social {
	case kindAddress, kindNoise, socialKind(GestureAck):
		return true
	}
	return false
}

// rawNames returns the folded, unnormalised words of text written with a
// capital, true for those unknown to the normaliser: names.
func (n *Normalizer) rawNames(text string) map[string]bool {
	if !hasCapital(text) {
		return nil // most chat is written in lower case
	}
	var names map[string]bool
	start := true
	for i := 0; i < len(text); {
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		j := i
		for j < len(text) && !isSpace(text[j]) {
			j++
		}
		if j == i {
			break
		}
		f := text[i:j]
		i = j
		// Only a field that may start with a capital is read further.
		if c := f[0]; !start && (c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf || !unicode.IsLetter(rune(c))) {
			word := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })
			if word != "" && isCapitalised(word) {
				for _, w := range splitWords(Fold(word)) {
					if names == nil {
						names = map[string]bool{}
					}
					// A known word written with a capital is a name only
					// after a place word (isName): "Kecamatan Belik".
					names[w] = names[w] || !n.known(w)
				}
			}
		}
		start = strings.ContainsAny(f[len(f)-1:], ".!?")
	}
	return names
}

// rawAcronyms returns the folded words of text written in capitals, of
// two letters or more ("SPT", "BKN"), unless the whole text is: a text
// written in capitals says nothing of its words.
func rawAcronyms(text string) map[string]bool {
	if !hasCapitalPair(text) {
		return nil // most chat has no acronym
	}
	fields := strings.Fields(text)
	var out map[string]bool
	shouted := len(fields) > 2
	for _, f := range fields {
		word := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		letters, upper := 0, true
		for _, r := range word {
			if unicode.IsLetter(r) {
				letters++
				upper = upper && unicode.IsUpper(r)
			}
		}
		if letters == 0 {
			continue
		}
		if !upper {
			shouted = false
			continue
		}
		if letters >= 2 {
			if out == nil {
				out = map[string]bool{}
			}
			for _, w := range splitWords(Fold(word)) {
				out[w] = true
			}
		}
	}
	if shouted {
		return nil
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

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

// Rewrite is one change the normaliser makes to what a citizen wrote, for
// explanations.
type Rewrite struct {
	From, To string
	By       string // "spelling", "lexicon" or "stem"
}

// Rewrites lists the changes Analyze makes to text's words, in order:
// typo repair, the lexicons' phrases, and the stemmer.
func (n *Normalizer) Rewrites(text string) []Rewrite {
	var out []Rewrite
	raw := n.rawNames(text)
	as := asWritten{acronyms: rawAcronyms(text), names: map[string]bool{}}
	prev := ""
	spans := pieces(text)
	javanese := false
	for _, p := range spans {
		javanese = javanese || n.senses.isJavanese(n.splitWords(p.text))
	}
	for _, p := range spans {
		words := n.splitWords(p.text)
		for i, w := range words {
			if n.isName(words, i, raw, prev) {
				as.names[w] = true
				continue
			}
			if s := n.spelled(w); s != w {
				out = append(out, Rewrite{From: w, To: s, By: "spelling"})
				words[i] = s
			}
		}
		if len(words) > 0 {
			prev = words[len(words)-1]
		}
		words = n.expandTrace(words, javanese, as, func(from, to []string) {
			if f, t := strings.Join(from, " "), strings.Join(to, " "); f != t {
				out = append(out, Rewrite{From: f, To: t, By: "lexicon"})
			}
		})
		for _, w := range words {
			if r := n.root(w); r != w {
				out = append(out, Rewrite{From: w, To: r, By: "stem"})
			}
		}
	}
	return out
}

// hasCapitalPair reports whether text may have two capitals in a row: two
// ASCII ones, or a letter beyond ASCII.
func hasCapitalPair(text string) bool {
	upper := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= 0x80 {
			return true
		}
		u := c >= 'A' && c <= 'Z'
		if u && upper {
			return true
		}
		upper = u
	}
	return false
}

// hasCapital reports whether text may have a capital letter: an ASCII one,
// or any letter beyond ASCII.
func hasCapital(text string) bool {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}
