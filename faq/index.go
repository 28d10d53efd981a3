// Package faq matches citizens' messages against the FAQ and says, with a
// calibrated confidence, whether an FAQ answers the message.
package faq

import (
	"math"
	"slices"
	"sort"

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
	model     calibration
}

// question is one FAQ paraphrase (or one contrast text), as terms.
type question struct {
	faq    int // index in faqs; -1 for contrast texts
	text   string
	terms  []string
	weight float64 // sum of the terms' idf
	intent intent
}

// NewIndex indexes the FAQs. Contrast texts are messages that need an
// officer although they share words with an FAQ, such as an OPD's example
// tickets: a message closer to one of them than to any FAQ question is not
// answered. The confidence model is fitted at once on the FAQs themselves
// (each question held out in turn must find its FAQ) and on the contrast
// texts (which must find none).
func NewIndex(faqs []sigap.FAQ, n *lang.Normalizer, contrast ...string) *Index {
	ix := &Index{norm: n, faqs: faqs, postings: map[string][]int32{}, contrastP: map[string][]int32{}}
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
	}
	for _, c := range contrast {
		id := int32(len(ix.contrast))
		qq := ix.newQuestion(-1, c)
		ix.contrast = append(ix.contrast, qq)
		for _, t := range qq.terms {
			ix.contrastP[t] = append(ix.contrastP[t], id)
		}
	}
	ix.model = ix.fit()
	return ix
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
	m := message{raw: text, terms: ix.topicTerms(text, tokens, names), intent: readIntent(text, tokens)}
	for _, t := range m.terms {
		m.weight += ix.messageWeight(t)
	}
	return m
}

// fit scores how well a question matches a message: the share of the
// question's key-term mass the message has, times the share of the
// message's topic mass the question's FAQ mentions (square-rooted: a
// message may carry context an FAQ never mentions).
func (ix *Index) fitQuestion(m message, q question, faqTerms map[string]bool) (cov, rel float64) {
	if q.weight == 0 || m.weight == 0 {
		return 0, 0
	}
	var shared, mentioned float64
	for _, t := range m.terms {
		w := ix.messageWeight(t)
		if slices.Contains(q.terms, t) {
			shared += w
		}
		if faqTerms != nil && faqTerms[t] {
			mentioned += w
		}
	}
	cov = shared / q.weight
	if faqTerms == nil {
		rel = shared / m.weight
	} else {
		rel = mentioned / m.weight
	}
	return cov, rel
}

func fitScore(cov, rel float64) float64 { return cov * math.Sqrt(rel) }

// scored is one FAQ's best fit to a message.
type scored struct {
	faq      int
	question int
	cov, rel float64
	fit      float64
}

// score returns the FAQs sharing a term with m, best fit first. skip is a
// question id left out (for leave-one-out), or -1.
func (ix *Index) score(m message, skip int) []scored {
	best := map[int]*scored{}
	seen := map[int32]bool{}
	for _, t := range m.terms {
		for _, id := range ix.postings[t] {
			if seen[id] || int(id) == skip {
				continue
			}
			seen[id] = true
			q := ix.questions[id]
			cov, rel := ix.fitQuestion(m, q, ix.faqTerms[q.faq])
			fit := fitScore(cov, rel)
			if b := best[q.faq]; b == nil || fit > b.fit {
				best[q.faq] = &scored{faq: q.faq, question: int(id), cov: cov, rel: rel, fit: fit}
			}
		}
	}
	out := make([]scored, 0, len(best))
	for _, s := range best {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].fit != out[j].fit {
			return out[i].fit > out[j].fit
		}
		return out[i].faq < out[j].faq
	})
	return out
}

// bestContrast returns the best fit of a contrast text to m; skip is a
// contrast id left out, or -1.
func (ix *Index) bestContrast(m message, skip int) float64 {
	best := 0.0
	seen := map[int32]bool{}
	for _, t := range m.terms {
		for _, id := range ix.contrastP[t] {
			if seen[id] || int(id) == skip {
				continue
			}
			seen[id] = true
			cov, rel := ix.fitQuestion(m, ix.contrast[id], nil)
			best = max(best, fitScore(cov, rel))
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
	m := ix.prepare(text)
	ss := ix.score(m, -1)
	if len(ss) == 0 {
		return nil
	}
	contrast := ix.bestContrast(m, -1)
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
		for _, t := range m.terms {
			if slices.Contains(q.terms, t) {
				c.Matched = append(c.Matched, t)
			} else if !ix.faqTerms[s.faq][t] {
				c.Missing = append(c.Missing, t)
			}
		}
		if i == 0 {
			c.Answerable, c.Reasons = ix.judge(m, q, f, c.Confidence)
		} else {
			c.Reasons = []string{"not the best match"}
		}
		out = append(out, c)
	}
	return out
}

// minConfidence is the calibrated probability below which no FAQ answers.
const minConfidence = 0.5

// judge decides whether the best FAQ answers the message, and says why.
func (ix *Index) judge(m message, q question, f features, p float64) (bool, []string) {
	var why []string
	ok := true
	if p < minConfidence {
		ok = false
		why = append(why, "confidence below threshold")
	}
	if !m.intent.asks && q.intent.asks {
		ok = false
		why = append(why, "the message asks no question")
	}
	if m.intent.pending && !q.intent.pending {
		ok = false
		why = append(why, "the message follows up a case already under way")
	}
	if m.intent.followUp && !q.intent.followUp {
		ok = false
		why = append(why, "the message asks an officer to act")
	}
	if f.contrast <= 0 {
		ok = false
		why = append(why, "closer to a ticket example than to this FAQ")
	}
	if ok {
		why = append(why, "key terms covered, intent matches, clear margin")
	}
	return ok, why
}
