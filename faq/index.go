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
	// faqFirst[f] is the id of FAQ f's first question: its questions are
	// questions[faqFirst[f]:faqFirst[f+1]].
	faqFirst []int32
	// The questions' FAQ, weight and term ids again, laid out flat for the
	// scoring loop: question q's terms are qTerms[qStart[q]:qStart[q+1]].
	qFAQ    []int32
	qWeight []float64
	qTerms  []int32
	qStart  []int32
	// Terms are numbered so that the hot path indexes slices, not maps.
	termID   map[string]int32
	idf      []float64 // per term
	unknownW float64
	postings [][]int32 // per term: ids of the questions that have it
	// faqPostings lists per term the FAQs whose questions or answer have
	// it; faqTerms lists per FAQ those terms.
	faqPostings [][]int32
	faqTerms    [][]int32
	contrast    []question // messages no FAQ answers (an OPD's ticket examples)
	contrastP   [][]int32  // per term: ids of the contrast texts that have it
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
	ids    []int32 // the terms' ids
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
	ix := &Index{norm: n, faqs: faqs, termID: map[string]int32{}}
	var df []int
	docs := 0
	count := func(text string) []string {
		docs++
		terms := ix.topicTerms(text, nil, nil)
		for _, t := range terms {
			id, ok := ix.termID[t]
			if !ok {
				id = int32(len(df))
				ix.termID[t] = id
				df = append(df, 0)
			}
			df[id]++
		}
		return terms
	}
	answers := make([][]string, len(faqs))
	for i, f := range faqs {
		for _, q := range f.Questions {
			count(q)
		}
		answers[i] = count(f.Answer)
	}
	for _, c := range contrast {
		count(c)
	}
	ix.idf = make([]float64, len(df))
	for id, d := range df {
		ix.idf[id] = math.Log(1 + float64(docs)/float64(d))
	}
	ix.unknownW = math.Log(1 + float64(docs)/2)

	ix.postings = make([][]int32, len(df))
	ix.faqPostings = make([][]int32, len(df))
	ix.faqTerms = make([][]int32, len(faqs))
	for fi, f := range faqs {
		ix.faqFirst = append(ix.faqFirst, int32(len(ix.questions)))
		var terms []int32
		for _, q := range f.Questions {
			id := int32(len(ix.questions))
			qq := ix.newQuestion(fi, q)
			ix.questions = append(ix.questions, qq)
			for _, t := range qq.ids {
				ix.postings[t] = append(ix.postings[t], id)
				terms = append(terms, t)
			}
		}
		for _, t := range answers[fi] {
			terms = append(terms, ix.termID[t])
		}
		slices.Sort(terms)
		terms = slices.Compact(terms)
		ix.faqTerms[fi] = slices.Clip(terms)
		for _, t := range terms {
			ix.faqPostings[t] = append(ix.faqPostings[t], int32(fi))
		}
	}
	ix.faqFirst = append(ix.faqFirst, int32(len(ix.questions)))
	for _, q := range ix.questions {
		ix.qFAQ = append(ix.qFAQ, int32(q.faq))
		ix.qWeight = append(ix.qWeight, q.weight)
		ix.qStart = append(ix.qStart, int32(len(ix.qTerms)))
		ix.qTerms = append(ix.qTerms, q.ids...)
	}
	ix.qStart = append(ix.qStart, int32(len(ix.qTerms)))
	for _, c := range contrast {
		ix.contrast = append(ix.contrast, ix.newQuestion(-1, c))
	}
	ix.indexContrast()
	ix.subject = ix.subjectTerms(subjects)
	ix.model = ix.fit()
	return ix
}

// indexContrast builds the postings of the contrast texts.
func (ix *Index) indexContrast() {
	ix.contrastP = make([][]int32, len(ix.idf))
	for id, c := range ix.contrast {
		for _, t := range c.ids {
			ix.contrastP[t] = append(ix.contrastP[t], int32(id))
		}
	}
}

// hasTerm reports whether FAQ f's questions or answer have term t.
func (ix *Index) hasTerm(f int, t string) bool {
	id, ok := ix.termID[t]
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(ix.faqTerms[f], id)
	return found
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
		id := ix.termID[t]
		q.ids = append(q.ids, id)
		q.weight += ix.idf[id]
	}
	return q
}

// topicTerms returns the distinct words of text that say what it is about:
// content words that are neither asking or request words nor proper names.
func (ix *Index) topicTerms(text string, tokens []string, names map[string]bool) []string {
	if tokens == nil {
		tokens, names = ix.norm.Analyze(text)
	}
	out := make([]string, 0, len(tokens))
	for _, t := range tokens {
		if ix.norm.IsContent(t) && !askingWords[t] && !requestWords[t] && !names[t] && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// messageWeight is a message word's weight: its idf, or for a word no FAQ
// or contrast text has, a middling weight when the knowledge base uses it
// elsewhere and a small one when it does not, as words the knowledge base
// never uses cannot point to another FAQ and so count little against the
// one that matches.
func (ix *Index) messageWeight(t string) (int32, float64) {
	if id, ok := ix.termID[t]; ok {
		return id, ix.idf[id]
	}
	if ix.norm.InVocabulary(t) {
		return -1, ix.unknownW
	}
	return -1, unknownShare * ix.unknownW
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
	ids    []int32   // the terms' ids, -1 for a term no indexed text has
	ws     []float64 // the terms' weights
	weight float64
	intent intent
}

func (ix *Index) prepare(text string) *message {
	tokens, names := ix.norm.Analyze(text)
	return ix.prepareTokens(text, tokens, names)
}

func (ix *Index) prepareTokens(text string, tokens []string, names map[string]bool) *message {
	m := &message{raw: text, terms: ix.topicTerms(text, tokens, names), intent: readIntent(text, tokens)}
	m.ids = make([]int32, len(m.terms))
	m.ws = make([]float64, len(m.terms))
	for i, t := range m.terms {
		m.ids[i], m.ws[i] = ix.messageWeight(t)
		m.weight += m.ws[i]
	}
	return m
}

// keepScored is how many of the best FAQs scoring keeps for calibration:
// the candidates Match shows and one more.
const keepScored = maxCandidates + 1

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
	return ix.match(ix.prepare(text), maxCandidates)
}

// MatchTokens is Match for a text the caller has already analysed with the
// index's normaliser (lang.Normalizer.Analyze), to save doing it twice.
func (ix *Index) MatchTokens(text string, tokens []string, names map[string]bool) []Candidate {
	return ix.match(ix.prepareTokens(text, tokens, names), maxCandidates)
}

// BestTokens is MatchTokens for the best candidate alone, which it judges
// exactly as MatchTokens does, at less cost on a large KB: only the
// runner-up is scored besides it.
func (ix *Index) BestTokens(text string, tokens []string, names map[string]bool) (Candidate, bool) {
	cs := ix.match(ix.prepareTokens(text, tokens, names), 1)
	if len(cs) == 0 {
		return Candidate{}, false
	}
	return cs[0], true
}

// match returns the n best candidates; the best is judged against the
// runner-up, so at least two FAQs are scored.
func (ix *Index) match(m *message, n int) []Candidate {
	part, ss := ix.bestPart(m, max(n, 2))
	if len(ss) == 0 {
		return nil
	}
	contrast := ix.bestContrast(part, -1)
	out := make([]Candidate, 0, n)
	for i := range ss[:min(n, len(ss))] {
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
			} else if !ix.hasTerm(s.faq, t) {
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
func (ix *Index) bestPart(m *message, k int) (*message, []scored) {
	whole := ix.score(m, -1, k)
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
		if ss := ix.score(p, -1, k); len(ss) > 0 && ss[0].faq == whole[0].faq && ss[0].fit > bestSS[0].fit+fitTolerance {
			best, bestSS = p, ss
		}
	}
	return best, bestSS
}

// minWholeRelevance is the share of a message's topic mass an FAQ must
// speak of before one of the message's sentences may be matched alone.
const minWholeRelevance = 0.3

// splitSentences splits text where lang.SentenceEnd says a sentence ends.
func splitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		if !lang.SentenceEnd(text, i) {
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
func (ix *Index) judge(m, part *message, q question, f features, p float64) (bool, []string) {
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
		if problemWords[t] && !ix.hasTerm(q.faq, t) {
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
