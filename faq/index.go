// Package faq matches citizens' messages against the FAQ and says, with a
// calibrated confidence, whether an FAQ answers the message.
package faq

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/lang"
)

// Candidate is an FAQ that may answer a message.
type Candidate struct {
	FAQ      string
	OPD      string
	Question string // the paraphrase that matched best
	// Confidence is the calibrated probability that this FAQ answers the
	// message; Answerable is the decision taken from it and the intent
	// checks.
	Confidence float64
	Answerable bool
	// Coverage is the share of the best question's key terms the message
	// contains; Relevance the share of the message's topic words the FAQ
	// (questions and answer) mentions.
	Coverage  float64
	Relevance float64
	Matched   []string // key terms shared with the message
	Missing   []string // topic words of the message the FAQ does not mention
	Reasons   []string // why it is, or is not, answerable
}

// Index is an in-memory index of FAQ questions. It is read-only after
// NewIndex and safe for concurrent use.
type Index struct {
	norm      *lang.Normalizer
	faqs      []sigap.FAQ
	questions []question
	postings  map[string][]int32 // term → question ids
	faqTerms  []map[string]bool  // per FAQ: terms of its questions and answer
	idf       map[string]float64
	unknownW  float64
	contrast  []question // messages no FAQ answers (an OPD's ticket examples)
	contrastP map[string][]int32
	// faqPostings maps a term to the FAQs whose questions or answer have it.
	faqPostings map[string][]int32
	// subject holds, per FAQ, the words of its questions that name its
	// OPD's topics (see NewIndex); empty when none do.
	subject [][]string
	model   calibration
	pool    sync.Pool
}

// question is one FAQ paraphrase (or one contrast text), as terms.
type question struct {
	faq    int // index in faqs; -1 for contrast texts
	text   string
	terms  []string
	weight float64 // sum of the terms' idf
	intent intent
}

// NewIndex indexes the FAQs. Subjects maps an OPD code to the texts that
// name its topics (its name and keywords): an FAQ answers only a message
// that names its subject, as those words of its questions are what it is
// about ("jam buka perpustakaan" is about the library, not opening hours in
// general). Contrast texts are messages that need an officer although they
// share words with an FAQ, such as an OPD's example tickets: a message
// closer to one of them than to any FAQ question is not answered. The
// confidence model is fitted at once on the FAQs themselves (each question
// held out in turn must find its FAQ) and on the contrast texts (which must
// find none).
func NewIndex(faqs []sigap.FAQ, n *lang.Normalizer, subjects map[string][]string, contrast ...string) *Index {
	ix := &Index{norm: n, faqs: faqs, postings: map[string][]int32{}, contrastP: map[string][]int32{}, faqPostings: map[string][]int32{}}
	df := map[string]int{}
	docs := 0
	count := func(text string) {
		docs++
		for _, t := range ix.topicTerms(text, nil, nil) {
			df[t]++
		}
	}
	for _, f := range faqs {
		for _, q := range f.Questions {
			count(q)
		}
		count(f.Answer)
	}
	for _, c := range contrast {
		count(c)
	}
	ix.idf = make(map[string]float64, len(df))
	for t, d := range df {
		ix.idf[t] = math.Log(1 + float64(docs)/float64(d))
	}
	ix.unknownW = math.Log(1 + float64(docs)/2)

	for fi, f := range faqs {
		terms := map[string]bool{}
		for _, q := range f.Questions {
			id := int32(len(ix.questions))
			qq := ix.newQuestion(fi, q)
			ix.questions = append(ix.questions, qq)
			for _, t := range qq.terms {
				ix.postings[t] = append(ix.postings[t], id)
				terms[t] = true
			}
		}
		for _, t := range ix.topicTerms(f.Answer, nil, nil) {
			terms[t] = true
		}
		ix.faqTerms = append(ix.faqTerms, terms)
		for t := range terms {
			ix.faqPostings[t] = append(ix.faqPostings[t], int32(fi))
		}
	}
	for _, c := range contrast {
		id := int32(len(ix.contrast))
		qq := ix.newQuestion(-1, c)
		ix.contrast = append(ix.contrast, qq)
		for _, t := range qq.terms {
			ix.contrastP[t] = append(ix.contrastP[t], id)
		}
	}
	ix.subject = ix.subjectTerms(subjects)
	ix.model = ix.fit()
	return ix
}

// maxSubjectOPDs is how many OPDs may name a word among their topics before
// it is too general to be any one FAQ's subject ("kartu", "izin").
const maxSubjectOPDs = 3

// subjectTerms returns, per FAQ, the words of its questions that its OPD's
// subject texts name and few other OPDs do.
func (ix *Index) subjectTerms(subjects map[string][]string) [][]string {
	named := map[string]map[string]bool{} // OPD → words naming its topics
	opds := map[string]int{}              // word → OPDs naming it
	for opd, texts := range subjects {
		words := map[string]bool{}
		for _, text := range texts {
			for _, t := range ix.topicTerms(text, nil, nil) {
				words[t] = true
			}
		}
		for t := range words {
			opds[t]++
		}
		named[opd] = words
	}
	out := make([][]string, len(ix.faqs))
	for _, q := range ix.questions {
		for _, t := range q.terms {
			if named[ix.faqs[q.faq].OPD][t] && opds[t] <= maxSubjectOPDs && !slices.Contains(out[q.faq], t) {
				out[q.faq] = append(out[q.faq], t)
			}
		}
	}
	return out
}

func (ix *Index) newQuestion(faq int, text string) question {
	tokens, names := ix.norm.Analyze(text)
	q := question{faq: faq, text: text, terms: ix.topicTerms(text, tokens, names), intent: readIntent(text, tokens)}
	for _, t := range q.terms {
		q.weight += ix.weight(t)
	}
	return q
}

// topicTerms returns the distinct words of text that say what it is about:
// content words that are neither asking words nor proper names.
func (ix *Index) topicTerms(text string, tokens []string, names map[string]bool) []string {
	if tokens == nil {
		tokens, names = ix.norm.Analyze(text)
	}
	out := make([]string, 0, len(tokens))
	for _, t := range tokens {
		if ix.norm.IsContent(t) && !askingWords[t] && !names[t] && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// weight is a term's informativeness: its idf, or a middling weight for a
// word the FAQ corpus does not have.
func (ix *Index) weight(t string) float64 {
	if w, ok := ix.idf[t]; ok {
		return w
	}
	return ix.unknownW
}

// messageWeight is a message word's weight in relevance: words the
// knowledge base never uses cannot point to another FAQ, so they count
// little against the one that matches.
func (ix *Index) messageWeight(t string) float64 {
	if _, ok := ix.idf[t]; ok || ix.norm.InVocabulary(t) {
		return ix.weight(t)
	}
	return unknownShare * ix.unknownW
}

// unknownShare scales the weight of words unknown to the knowledge base.
const unknownShare = 0.25

// features describe how well one FAQ fits a message.
type features struct {
	coverage  float64 // best question's key-term mass found in the message
	relevance float64 // message's topic mass the FAQ mentions
	margin    float64 // fit minus the best other FAQ's fit
	contrast  float64 // fit minus the best contrast text's fit
}

func (f features) vector() [4]float64 {
	return [4]float64{f.coverage, f.relevance, f.margin, f.contrast}
}

// message is a message prepared for matching.
type message struct {
	raw    string
	terms  []string
	weight float64
	intent intent
}

func (ix *Index) prepare(text string) message {
	tokens, names := ix.norm.Analyze(text)
	return ix.prepareTokens(text, tokens, names)
}

func (ix *Index) prepareTokens(text string, tokens []string, names map[string]bool) message {
	m := message{raw: text, terms: ix.topicTerms(text, tokens, names), intent: readIntent(text, tokens)}
	for _, t := range m.terms {
		m.weight += ix.messageWeight(t)
	}
	return m
}

func fitScore(cov, rel float64) float64 { return cov * math.Sqrt(rel) }

// scored is one FAQ's best fit to a message: cov is the share of the best
// question's key-term mass found in the message, rel the share of the
// message's topic mass the FAQ mentions, and fit combines the two
// (relevance square-rooted: a message may carry context an FAQ never
// mentions).
type scored struct {
	faq      int
	question int
	cov, rel float64
	fit      float64
}

// accumulator holds per-question and per-FAQ sums for one message; pooled,
// because a large KB makes them too big to allocate per message.
type accumulator struct {
	shared   []float64 // per question: weight of shared terms
	mention  []float64 // per FAQ: weight of message terms it mentions
	best     []int32   // per FAQ: its best question's id + 1, 0 for none
	bestFit  []float64 // per FAQ: that question's fit
	touchedQ []int32
	touchedF []int32
}

func (ix *Index) getAccumulator() *accumulator {
	if a, ok := ix.pool.Get().(*accumulator); ok {
		return a
	}
	return &accumulator{
		shared:  make([]float64, len(ix.questions)),
		mention: make([]float64, len(ix.faqs)),
		best:    make([]int32, len(ix.faqs)),
		bestFit: make([]float64, len(ix.faqs)),
	}
}

func (ix *Index) putAccumulator(a *accumulator) {
	for _, id := range a.touchedQ {
		a.shared[id] = 0
	}
	for _, f := range a.touchedF {
		a.mention[f] = 0
		a.best[f] = 0
	}
	a.touchedQ, a.touchedF = a.touchedQ[:0], a.touchedF[:0]
	ix.pool.Put(a)
}

// score returns the best FAQs sharing a term with m, best fit first. skip is a
// question id left out (for leave-one-out), or -1.
func (ix *Index) score(m message, skip int) []scored {
	if m.weight == 0 {
		return nil
	}
	a := ix.getAccumulator()
	defer ix.putAccumulator(a)
	for _, t := range m.terms {
		w := ix.messageWeight(t)
		for _, id := range ix.postings[t] {
			if a.shared[id] == 0 {
				a.touchedQ = append(a.touchedQ, id)
			}
			a.shared[id] += w
		}
		for _, f := range ix.faqPostings[t] {
			if a.mention[f] == 0 {
				a.touchedF = append(a.touchedF, f)
			}
			a.mention[f] += w
		}
	}
	for _, id := range a.touchedQ {
		if int(id) == skip {
			continue
		}
		q := &ix.questions[id]
		cov := a.shared[id] / q.weight
		fit := fitScore(cov, a.mention[q.faq]/m.weight)
		if b := a.best[q.faq]; b == 0 || fit > a.bestFit[q.faq] {
			a.best[q.faq] = id + 1
			a.bestFit[q.faq] = fit
		}
	}
	top := make([]scored, 0, keepScored+1)
	for _, f := range a.touchedF {
		b := a.best[f]
		if b == 0 {
			continue
		}
		q := &ix.questions[b-1]
		cov := a.shared[b-1] / q.weight
		rel := a.mention[f] / m.weight
		top = pushScored(top, scored{faq: int(f), question: int(b - 1), cov: cov, rel: rel, fit: a.bestFit[f]}, keepScored)
	}
	return top
}

// keepScored is how many of the best FAQs score keeps: the candidates Match
// shows and one more for the margin.
const keepScored = maxCandidates + 1

// pushScored adds s to top, which holds at most k entries best first (ties
// by FAQ order): a partial selection, as a large KB yields thousands of
// FAQs sharing a word.
func pushScored(top []scored, s scored, k int) []scored {
	better := func(a, b scored) bool {
		if a.fit != b.fit {
			return a.fit > b.fit
		}
		return a.faq < b.faq
	}
	if len(top) == k && !better(s, top[k-1]) {
		return top
	}
	i := len(top)
	top = append(top, s)
	for ; i > 0 && better(s, top[i-1]); i-- {
		top[i] = top[i-1]
	}
	top[i] = s
	return top[:min(len(top), k)]
}

// bestContrast returns the best fit of a contrast text to m; skip is a
// contrast id left out, or -1.
func (ix *Index) bestContrast(m message, skip int) float64 {
	if m.weight == 0 {
		return 0
	}
	shared := map[int32]float64{}
	for _, t := range m.terms {
		w := ix.messageWeight(t)
		for _, id := range ix.contrastP[t] {
			shared[id] += w
		}
	}
	best := 0.0
	for id, sh := range shared {
		if int(id) != skip {
			best = max(best, fitScore(sh/ix.contrast[id].weight, sh/m.weight))
		}
	}
	return best
}

// candidateFeatures computes the features of the i-th scored FAQ.
func candidateFeatures(ss []scored, i int, contrast float64) features {
	s := ss[i]
	other := 0.0
	for j, o := range ss {
		if j != i {
			other = o.fit
			break
		}
	}
	return features{coverage: s.cov, relevance: s.rel, margin: s.fit - other, contrast: s.fit - contrast}
}

// maxCandidates is how many FAQs Match returns.
const maxCandidates = 3

// Match returns the FAQs that may answer text, best first, with calibrated
// confidence; at most the first is Answerable.
func (ix *Index) Match(text string) []Candidate {
	return ix.match(ix.prepare(text))
}

// MatchTokens is Match for a text the caller has already analysed with the
// index's normaliser (lang.Normalizer.Analyze), to save doing it twice.
func (ix *Index) MatchTokens(text string, tokens []string, names map[string]bool) []Candidate {
	return ix.match(ix.prepareTokens(text, tokens, names))
}

func (ix *Index) match(m message) []Candidate {
	part, ss := ix.bestPart(m)
	if len(ss) == 0 {
		return nil
	}
	contrast := ix.bestContrast(part, -1)
	out := make([]Candidate, 0, maxCandidates)
	for i := range ss[:min(maxCandidates, len(ss))] {
		s := ss[i]
		f := candidateFeatures(ss, i, contrast)
		q := ix.questions[s.question]
		c := Candidate{
			FAQ:        ix.faqs[s.faq].ID,
			OPD:        ix.faqs[s.faq].OPD,
			Question:   q.text,
			Confidence: ix.model.probability(f),
			Coverage:   s.cov,
			Relevance:  s.rel,
		}
		for _, t := range part.terms {
			if slices.Contains(q.terms, t) {
				c.Matched = append(c.Matched, t)
			} else if !ix.faqTerms[s.faq][t] {
				c.Missing = append(c.Missing, t)
			}
		}
		if i == 0 {
			c.Answerable, c.Reasons = ix.judge(m, part, q, f, c.Confidence)
		} else {
			c.Reasons = []string{"not the best match"}
		}
		out = append(out, c)
	}
	return out
}

// bestPart returns the part of m that fits an FAQ best, and its scored
// FAQs: the whole message, or one of its sentences that asks something.
// Citizens bury their question in a paragraph of circumstances, which
// would otherwise count against every FAQ. A sentence may only sharpen the
// whole message's own best FAQ, and only when that FAQ still speaks of a
// fair share of the whole message: a closing "can the government help?"
// does not make a private quarrel a question about social aid.
func (ix *Index) bestPart(m message) (message, []scored) {
	whole := ix.score(m, -1)
	sentences := splitSentences(m.raw)
	if len(sentences) < 2 || len(whole) == 0 || whole[0].rel < minWholeRelevance {
		return m, whole
	}
	best, bestSS := m, whole
	for _, s := range sentences {
		p := ix.prepare(s)
		if !p.intent.asks {
			continue
		}
		if ss := ix.score(p, -1); len(ss) > 0 && ss[0].faq == whole[0].faq && ss[0].fit > bestSS[0].fit {
			best, bestSS = p, ss
		}
	}
	return best, bestSS
}

// minWholeRelevance is the share of a message's topic mass an FAQ must
// speak of before one of the message's sentences may be matched alone.
const minWholeRelevance = 0.3

// splitSentences splits text after '.', '!', '?' and at line breaks, but
// not inside numbers such as "07.30" or "Rp2.000".
func splitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		end := c == '\n' || (c == '.' || c == '!' || c == '?') && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n' || text[i+1] == '\r')
		if !end {
			continue
		}
		if s := strings.TrimSpace(text[start : i+1]); s != "" {
			out = append(out, s)
		}
		start = i + 1
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// fullCoverage is the coverage of a message that has every key term of an
// FAQ question: it restates the question, so it needs no subject word.
const fullCoverage = 0.999

// minConfidence is the calibrated probability below which no FAQ answers.
const minConfidence = 0.5

// judge decides whether the best FAQ answers the message, and says why.
// part is the message or the sentence the FAQ matched: the question must be
// asked there, while what the whole message reports (a problem, a case under
// way, a request to act) rules the answer out wherever it is said.
func (ix *Index) judge(m, part message, q question, f features, p float64) (bool, []string) {
	var why []string
	ok := true
	if p < minConfidence {
		ok = false
		why = append(why, "confidence below threshold")
	}
	if !part.intent.asks {
		ok = false
		why = append(why, "the message asks no question")
	}
	for _, t := range m.terms {
		if problemWords[t] && !ix.faqTerms[q.faq][t] {
			ok = false
			why = append(why, fmt.Sprintf("the message reports %q, which the FAQ does not speak of", t))
		}
	}
	if subject := ix.subject[q.faq]; len(subject) > 0 && f.coverage < fullCoverage && !slices.ContainsFunc(part.terms, func(t string) bool { return slices.Contains(subject, t) }) {
		ok = false
		why = append(why, fmt.Sprintf("the message does not name the FAQ's subject (%s)", strings.Join(subject, ", ")))
	}
	if m.intent.pending && !q.intent.pending {
		ok = false
		why = append(why, "the message follows up a case already under way")
	}
	if m.intent.followUp && !q.intent.followUp {
		ok = false
		why = append(why, "the message asks an officer to act")
	}
	if ok {
		why = append(why, "key terms covered, intent matches, clear margin")
	}
	return ok, why
}
