// Package routing takes the triage decision for a citizen's message: answer
// from the FAQ, open a ticket in an OPD's queue, send it to the triage desk,
// or ask the citizen what they need.
package routing

import (
	"slices"
	"strings"
	"sync"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/affairs"
	"github.com/pemkab-kebumen/sigap/faq"
	"github.com/pemkab-kebumen/sigap/lang"
)

// Weights of the texts the classifier learns from, per kind of text.
const (
	weightKeyword = 2.0 // an OPD's keywords name its topics outright
	weightText    = 1.0 // names, descriptions, examples, FAQ questions
	weightAnswer  = 0.3 // FAQ answers mention neighbouring topics too
	weightLearned = 3.0 // a staff transfer is a real message, labelled
	// weightAffair is a phrase of a service of the regency's affairs, for
	// the OPD that holds it: general knowledge, which the KB's own texts
	// outweigh where they speak.
	weightAffair = 0.5
	// weightOutside is a phrase of a service of a body outside the
	// regency: all the classifier knows of that body, as the KB does not
	// describe it.
	weightOutside = 2.0
)

// Router decides what to do with a message. It is safe for concurrent use.
type Router struct {
	kb    *sigap.KB
	norm  *lang.Normalizer
	index *faq.Index
	opdAt map[string]int
	// The classifier's classes are the KB's OPDs, then the bodies outside
	// the regency; taught records per class the words general knowledge
	// (affairs.Map, affairs.Outside) taught it, with the service they name.
	bodies []affairs.Group
	taught []map[string]string
	// phrases memoises the topic words of the government knowledge's
	// phrases while the router is built, as several steps read them.
	phrases map[string][]string

	cues commentCues // for DecideComment

	mu    sync.RWMutex
	model *classifier

	// faqs are the FAQs the router holds, as of the last Update, and faqAt
	// their index by ID; faqsMu serialises Updates.
	faqsMu sync.Mutex
	faqs   []sigap.FAQ
	faqAt  map[string]int

	scratch sync.Pool // of *scratch
}

// scratch is one decision's working memory, reused across decisions.
type scratch struct {
	rows   []int32   // the message's features the classifier knows
	mults  []float64 // how many times each counts
	scores []float64 // per class and the background
}

// New builds the normaliser, the FAQ index and the OPD classifier from kb,
// maps kb's OPDs onto the regency's affairs, and learns from the staff
// transfers recorded so far.
func New(kb *sigap.KB, learned []sigap.Example) (*Router, error) {
	if err := checkKB(kb); err != nil {
		return nil, err
	}
	var vocab, contrast []string
	subjects := map[string][]string{}
	for _, o := range kb.OPDs {
		vocab = append(vocab, o.Name, o.Description, strings.Join(o.Keywords, ", "))
		vocab = append(vocab, o.Examples...)
		contrast = append(contrast, o.Examples...)
		subjects[o.Code] = append([]string{o.Name}, o.Keywords...)
	}
	for _, f := range kb.FAQs {
		vocab = append(vocab, f.Questions...)
		vocab = append(vocab, f.Answer)
	}
	norm := lang.NewWithDictionary(kb.Synonyms, dictionary(), vocab...)
	r := &Router{
		kb:     kb,
		norm:   norm,
		opdAt:  map[string]int{},
		bodies: affairs.Outside(),
		cues:   newCommentCues(norm),
	}
	r.phrases = map[string][]string{}
	spread := affairs.Spread(r.phraseWords)
	concepts, pairs := r.concepts(spread)
	r.index = faq.NewIndex(kb.FAQs, norm, faq.Options{Subjects: subjects, Contrast: contrast, Concepts: concepts, Pairs: pairs})
	codes := make([]string, 0, len(kb.OPDs)+len(r.bodies))
	for i, o := range kb.OPDs {
		r.opdAt[o.Code] = i
		codes = append(codes, o.Code)
	}
	for _, b := range r.bodies {
		codes = append(codes, b.Code)
	}
	r.model = newClassifier(codes)
	r.holdFAQs(kb.FAQs)
	r.taught = make([]map[string]string, len(codes))
	r.scratch.New = func() any { return &scratch{} }
	r.train(spread)
	r.phrases = nil
	for _, e := range learned {
		if err := r.learn(e); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// checkKB refuses a KB the router cannot decide on.
func checkKB(kb *sigap.KB) error {
	if kb == nil || len(kb.OPDs) == 0 {
		return sigap.Errorf(sigap.EINVALID, "routing: the knowledge base has no OPD")
	}
	opds := map[string]bool{}
	for _, o := range kb.OPDs {
		opds[o.Code] = true
	}
	if !opds[kb.TriageOPD] {
		return sigap.Errorf(sigap.EINVALID, "routing: triage OPD %q is not in the knowledge base", kb.TriageOPD)
	}
	for _, f := range kb.FAQs {
		if !opds[f.OPD] {
			return sigap.Errorf(sigap.EINVALID, "routing: FAQ %q belongs to unknown OPD %q", f.ID, f.OPD)
		}
	}
	return nil
}

// dictionary returns the phrases of the government knowledge, which the
// normaliser must know as words: "pmk" and "puskeswan" are not typos.
func dictionary() []string {
	var out []string
	for _, groups := range [][]affairs.Group{affairs.Regency(), affairs.Outside()} {
		for _, g := range groups {
			for _, s := range g.Services {
				out = append(out, s.Name)
				out = append(out, s.Phrases...)
			}
		}
	}
	return out
}

// concepts numbers the services of the government knowledge and maps each
// word that few services share to the services whose phrases have it: the
// FAQ index reads two such words of one service as kin. pairs maps two
// words of a phrase, side by side, that few services share to those
// services, however common each word is: "pajak tanah" is the land tax.
func (r *Router) concepts(spread map[string]int) (words, pairs map[string][]int32) {
	words, pairs = map[string][]int32{}, map[string][]int32{}
	id := int32(0)
	for _, groups := range [][]affairs.Group{affairs.Regency(), affairs.Outside()} {
		for _, g := range groups {
			for _, s := range g.Services {
				for _, p := range s.Phrases {
					ws := r.phraseWords(p)
					for i, w := range ws {
						if spread[w] <= affairs.MaxSpread && !slices.Contains(words[w], id) {
							words[w] = append(words[w], id)
						}
						if i > 0 {
							pair := ws[i-1] + " " + w
							if !slices.Contains(pairs[pair], id) {
								pairs[pair] = append(pairs[pair], id)
							}
						}
					}
				}
				id++
			}
		}
	}
	for pair, ids := range pairs {
		if len(ids) > affairs.MaxSpread {
			delete(pairs, pair)
		}
	}
	return words, pairs
}

// train teaches the classifier the KB's texts and the general knowledge,
// and calibrates it by leave-one-out on the KB's examples and FAQ
// questions.
func (r *Router) train(spread map[string]int) {
	var docs []trainingDoc
	addDoc := func(class int, text string, weight float64, heldOut bool) {
		feats := r.kbFeatures(text)
		r.model.add(class, feats, weight)
		if heldOut {
			docs = append(docs, trainingDoc{class, feats, weight})
		}
	}
	for i, o := range r.kb.OPDs {
		addDoc(i, o.Name, weightText, false)
		addDoc(i, o.Description, weightText, false)
		for _, k := range o.Keywords {
			addDoc(i, k, weightKeyword, false)
		}
		for _, e := range o.Examples {
			addDoc(i, e, weightText, true)
		}
	}
	for _, f := range r.kb.FAQs {
		for _, q := range f.Questions {
			addDoc(r.opdAt[f.OPD], q, weightText, true)
		}
		addDoc(r.opdAt[f.OPD], f.Answer, weightAnswer, false)
	}
	r.teachAffairs(spread)
	r.model.refresh()
	r.model.calibrate(docs)
}

// teachAffairs teaches each OPD the phrases of the services of the
// regency's affairs it holds, and each outside body's class its services'
// phrases.
func (r *Router) teachAffairs(spread map[string]int) {
	holdings := affairs.Map(r.kb.OPDs, r.phraseWords)
	teach := func(class int, s *affairs.Service, weight float64) {
		if r.taught[class] == nil {
			r.taught[class] = map[string]string{}
		}
		for _, p := range s.Phrases {
			feats := r.phraseFeatures(p, spread, class >= len(r.kb.OPDs))
			r.model.add(class, feats, weight)
			for _, f := range feats {
				if _, ok := r.taught[class][f]; !ok && !strings.Contains(f, " ") {
					r.taught[class][f] = s.Name
				}
			}
		}
	}
	for _, h := range holdings {
		if h.OPD != "" {
			teach(r.opdAt[h.OPD], h.Service, weightAffair)
		}
	}
	for i := range r.bodies {
		for j := range r.bodies[i].Services {
			teach(len(r.kb.OPDs)+i, &r.bodies[i].Services[j], weightOutside)
		}
	}
}

// phraseFeatures returns the features of a service phrase: its bigrams,
// and those of its words that few services share (affairs.MaxSpread; no
// word, for a body outside the regency: "telepon penipu" makes no call a
// matter for the operators); a phrase written as one word is that word,
// however many services use it.
func (r *Router) phraseFeatures(phrase string, spread map[string]int, outside bool) []string {
	words := r.phraseWords(phrase)
	if len(words) == 1 && !strings.Contains(strings.TrimSpace(phrase), " ") {
		return words
	}
	var feats []string
	for i, w := range words {
		if spread[w] <= affairs.MaxSpread && !outside {
			feats = append(feats, w)
		}
		if i > 0 {
			feats = append(feats, words[i-1]+" "+w)
		}
	}
	return feats
}

func (r *Router) features(text string) []string {
	return featuresOf(r.topicWords(r.norm.Analyze(text)))
}

// kbFeatures are the features of a KB text about an OPD, but for its
// clauses about whose authority something is: "SMA dan SMK adalah
// kewenangan Pemerintah Provinsi" in the education office's description
// does not make upper secondary schools its topic.
func (r *Router) kbFeatures(text string) []string {
	a := r.norm.Analyze(text)
	var words []string
	for _, c := range a.Clauses {
		if slices.ContainsFunc(a.Cues[c.Start:c.End], func(cue lang.Cue) bool { return cue&lang.CueAuthority != 0 }) {
			continue
		}
		words = appendTopic(words, a, c.Start, c.End)
	}
	return featuresOf(words)
}

// phraseWords returns the topic words of a text of the government
// knowledge (or of an OPD, for affairs.Map), memoised while the router is
// built.
func (r *Router) phraseWords(text string) []string {
	if words, ok := r.phrases[text]; ok {
		return words
	}
	words := r.topicWords(r.norm.Analyze(text))
	if r.phrases != nil {
		r.phrases[text] = words
	}
	return words
}

// Learn records a staff transfer: from now on the message's words count
// for the OPD staff chose. Examples for OPDs the KB does not have are
// ignored, since nothing could be routed there.
func (r *Router) Learn(e sigap.Example) {
	_ = r.learn(e)
}

func (r *Router) learn(e sigap.Example) error {
	class, ok := r.opdAt[e.OPD]
	if !ok {
		return sigap.Errorf(sigap.EINVALID, "routing: learned example for unknown OPD %q", e.OPD)
	}
	feats := r.features(e.Text)
	r.mu.Lock()
	r.model.add(class, feats, weightLearned)
	r.model.refresh()
	r.mu.Unlock()
	return nil
}

// topicWords returns the tokens that can say what a message is about.
func (r *Router) topicWords(a lang.Analysis) []string {
	return appendTopic(nil, a, 0, len(a.Tokens))
}

// appendTopic appends to words the topic words of a.Tokens[from:to].
func appendTopic(words []string, a lang.Analysis, from, to int) []string {
	for i := from; i < to; i++ {
		if a.Topic[i] {
			words = append(words, a.Tokens[i])
		}
	}
	return words
}

// questionWords returns the topic words of a long message's question
// clauses, when it also has clauses that ask nothing (its story); else
// none.
func (r *Router) questionWords(a lang.Analysis) []string {
	if !a.HasStory() {
		return nil
	}
	var words []string
	for _, c := range a.Clauses {
		if c.Asks {
			words = appendTopic(words, a, c.Start, c.End)
		}
	}
	return words
}

// How much a word counts for routing, by the part of the message it is in:
// in a message that asks a question and tells a story around it, the
// question says what it is about; words after "untuk", "agar", "biar" say
// what for, not what ("bikin SKCK buat ngelamar kerja" is about the SKCK).
const (
	questionMult = 2.0
	storyMult    = 1.0
	purposeMult  = 0.5
)

// weighWords returns the topic words of a message, in order, with how much
// each counts.
func (r *Router) weighWords(a lang.Analysis) ([]string, []float64) {
	story := a.HasStory()
	var words []string
	var mult []float64
	for _, c := range a.Clauses {
		m := 1.0
		if story {
			m = storyMult
			if c.Asks {
				m = questionMult
			}
		}
		topic := false // a topic word came before, in this clause
		for i := c.Start; i < c.End; i++ {
			if topic && a.Cues[i]&lang.CuePurpose != 0 {
				m *= purposeMult
				topic = false
			}
			if a.Topic[i] {
				words, mult = append(words, a.Tokens[i]), append(mult, m)
				topic = true
			}
		}
	}
	return words, mult
}

// head calls see with the topic words of what a message is about, clause
// by clause: its first clause that has any (Indonesian puts the topic
// first) and its question clauses, but for the words after a preposition
// of place or a word of schooling, which set the scene ("dekat kantor PLN",
// "lulus SMA").
func (r *Router) head(a lang.Analysis, see func(words []string)) {
	first := true
	var words []string
	for _, c := range a.Clauses {
		words = words[:0]
		scene := 0 // topic words still to skip after a word of place
		for i := c.Start; i < c.End; i++ {
			if a.Cues[i]&lang.CueSetting != 0 {
				scene = sceneWords
				continue
			}
			if a.Topic[i] {
				if scene > 0 {
					scene--
					continue
				}
				words = append(words, a.Tokens[i])
			}
		}
		if len(words) > 0 && (first || c.Asks) {
			see(words)
			first = false
		}
	}
}

// sceneWords is how many topic words after a word of place set the scene.
const sceneWords = 2

// headWords is how many topic words of a head clause may name a body
// outside the regency: the topic comes first, and what comes later in a
// long clause tells what happened ("rambu di depan RSUD roboh ketabrak
// truk" is about the sign, not a police matter).
const headWords = 3

// headBody returns the body outside the regency (its class) that a word or
// bigram of the first headWords topic words of the message's head
// belongs to alone, and those features; -1
// when there is none. The caller holds r.mu.
func (r *Router) headBody(a lang.Analysis) (int, []string) {
	body, features := -1, []string(nil)
	note := func(f []byte) {
		if c := r.model.onlyClass(f); c >= len(r.kb.OPDs) && (body < 0 || c == body) {
			body = c
			if !slices.Contains(features, string(f)) {
				features = append(features, string(f))
			}
		}
	}
	var buf [64]byte
	r.head(a, func(words []string) {
		for i, w := range words[:min(len(words), headWords)] {
			note(append(buf[:0], w...))
			if i > 0 {
				note(append(append(append(buf[:0], words[i-1]...), ' '), w...))
			}
		}
	})
	return body, features
}
