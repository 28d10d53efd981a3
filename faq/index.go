// Package faq matches citizens' messages against the FAQ and says, with a
// calibrated confidence, whether an FAQ answers the message.
package faq

import (
	"math"
	"slices"
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
	// Corroborable is set on a best candidate that is not Answerable only
	// because its confidence, though at least minCorroborated, is below
	// minConfidence: a caller with independent evidence for it (the
	// router's OPD classifier) may answer with it.
	Corroborable bool
	// Coverage is the share of the best question's key terms the message
	// contains; Relevance the share of the message's topic words the FAQ
	// (questions and answer) mentions, the words of a long message's
	// question clauses weighing more than those of its story.
	Coverage  float64
	Relevance float64
	Matched   []string // key terms shared with the message
	Missing   []string // topic words of the message the FAQ does not mention
	Reasons   []string // why it is, or is not, answerable
}

// Index is an in-memory index of FAQ questions. Matching is safe for
// concurrent use, also while an FAQ is updated (Update, Remove,
// AddNegative), which changes only that FAQ's postings.
type Index struct {
	mu   sync.RWMutex
	norm *lang.Normalizer
	// faqs holds one slot per FAQ; a removed FAQ's slot keeps its place
	// with an empty ID, so that ids stay valid.
	faqs  []sigap.FAQ
	faqAt map[string]int
	faqQ  [][]int32 // per FAQ: its questions' ids
	// questions holds one slot per question ever indexed; a removed
	// question's faq is -1. qFAQ and qWeight repeat the questions' FAQ and
	// weight for the scoring loop.
	questions []question
	qFAQ      []int32
	qWeight   []float64
	qKin      []float64 // per question: the share of its weight its terms with kin have
	// Terms are numbered so that the hot path indexes slices, not maps.
	termID   map[string]int32
	terms    []string  // per term id: the term
	termKin  [][]int32 // per term id: its concepts
	df       []int     // per term: how many indexed texts have it
	docs     int       // the number of indexed texts idf was computed with
	idf      []float64
	unknownW float64
	postings [][]int32 // per term: ids of the live questions that have it
	faqTerms [][]int32 // per FAQ: the sorted ids of its questions' and answer's terms
	core     [][]int32 // per FAQ: its core terms (coreTerms)
	concepts map[string][]int32
	pairs    map[string][]int32 // Options.Pairs
	kin      [][]int32          // per FAQ: the sorted concepts its texts name
	answers  [][]string
	// contrast holds the messages no FAQ answers (an OPD's ticket examples,
	// owner -1) and the negative examples of one FAQ (owner its index).
	contrast  []question
	contrastP [][]int32 // per term: ids of the contrast texts that have it
	// subject holds, per FAQ, the words of its questions that name its
	// OPD's topics (see NewIndex); empty when none do. named and namedBy
	// are what it is computed from.
	subject [][]string
	named   map[string]map[string]bool // OPD → words naming its topics
	namedBy map[string]int             // word → OPDs naming it
	model   calibration
	pool    sync.Pool
}

// question is one FAQ paraphrase (or one contrast text), as terms.
type question struct {
	faq    int // index in faqs; -1 for removed questions and global contrast texts
	text   string
	terms  []string
	ids    []int32 // the terms' ids
	weight float64 // sum of the terms' idf
	intent intent
}

// Options are what an Index knows besides the FAQs.
type Options struct {
	// Subjects maps an OPD code to the texts that name its topics (its name
	// and keywords): an FAQ answers only a message that names its subject,
	// as those words of its questions are what it is about ("jam buka
	// perpustakaan" is about the library, not opening hours in general).
	Subjects map[string][]string
	// Contrast texts are messages that need an officer although they share
	// words with an FAQ, such as an OPD's example tickets: a message closer
	// to one of them than to any FAQ question is not answered.
	Contrast []string
	// Concepts maps a normalised word to the concepts it names (the
	// services of government, numbered): a message word and an FAQ word of
	// one concept are kin ("karcis" and "tiket" of the service of tourist
	// sites), and count, less than the same word, as the FAQ speaking of
	// the message, and as the message naming the FAQ's subject.
	Concepts map[string][]int32
	// Pairs maps two normalised words side by side ("pajak tanah") to the
	// concepts they name together, where neither word alone does: a
	// message names an FAQ's subject by them.
	Pairs map[string][]int32
}

// NewIndex indexes the FAQs. The confidence model is fitted at once on the
// FAQs themselves (each question held out in turn must find its FAQ) and
// on the contrast texts (which must find none).
func NewIndex(faqs []sigap.FAQ, n *lang.Normalizer, o Options) *Index {
	ix := &Index{norm: n, termID: map[string]int32{}, faqAt: map[string]int{}, concepts: o.Concepts, pairs: o.Pairs}
	questions := make([][]question, len(faqs))
	answers := make([][]string, len(faqs))
	for fi, f := range faqs {
		for _, text := range f.Questions {
			q := ix.newQuestion(fi, text)
			ix.count(q.terms, 1)
			questions[fi] = append(questions[fi], q)
		}
		answers[fi] = ix.topicTerms(n.Analyze(f.Answer))
		ix.count(answers[fi], 1)
	}
	for _, text := range o.Contrast {
		c := ix.newQuestion(-1, text)
		ix.count(c.terms, 1)
		ix.contrast = append(ix.contrast, c)
	}
	for t := range ix.df {
		ix.idf[t] = ix.termIDF(t)
	}
	ix.unknownW = math.Log(1 + float64(ix.docs)/2)
	ix.nameSubjects(o.Subjects)
	for fi, f := range faqs {
		ix.addFAQ(f, questions[fi], answers[fi])
	}
	for i := range ix.contrast {
		ix.weigh(&ix.contrast[i])
	}
	ix.indexContrast()
	ix.model = ix.fit()
	return ix
}

// count adds delta to the document frequency of one text's terms, giving
// new terms an id, and to the number of texts.
func (ix *Index) count(terms []string, delta int) {
	ix.docs += delta
	for _, t := range terms {
		id, ok := ix.termID[t]
		if !ok {
			id = int32(len(ix.df))
			ix.termID[t] = id
			ix.terms = append(ix.terms, t)
			ix.termKin = append(ix.termKin, ix.concepts[t])
			ix.df = append(ix.df, 0)
			ix.idf = append(ix.idf, 0)
			ix.postings = append(ix.postings, nil)
			ix.contrastP = append(ix.contrastP, nil)
		}
		ix.df[id] += delta
	}
}

func (ix *Index) termIDF(t int) float64 {
	return math.Log(1 + float64(ix.docs)/float64(max(ix.df[t], 1)))
}

// weigh sets q's term ids and weight from the terms' idf.
func (ix *Index) weigh(q *question) {
	q.ids = q.ids[:0]
	for _, t := range q.terms {
		q.ids = append(q.ids, ix.termID[t])
	}
	ix.reweigh(q)
}

// kinShareOf returns the share of question q's weight that its terms with
// kin (Options.Concepts) have.
func (ix *Index) kinShareOf(q *question) float64 {
	if q.weight == 0 {
		return 0
	}
	w := 0.0
	for _, id := range q.ids {
		if len(ix.termKin[id]) > 0 {
			w += ix.idf[id]
		}
	}
	return w / q.weight
}

// addFAQ indexes f, its questions and answer terms already counted, in a
// new slot.
func (ix *Index) addFAQ(f sigap.FAQ, questions []question, answer []string) {
	fi := len(ix.faqs)
	ix.faqs = append(ix.faqs, f)
	ix.faqAt[f.ID] = fi
	ix.faqQ = append(ix.faqQ, nil)
	ix.answers = append(ix.answers, nil)
	ix.faqTerms = append(ix.faqTerms, nil)
	ix.subject = append(ix.subject, nil)
	ix.core = append(ix.core, nil)
	ix.kin = append(ix.kin, nil)
	ix.setFAQ(fi, f, questions, answer)
}

// setFAQ indexes f, its questions and answer terms already counted, in
// slot fi, whose questions are out of the postings.
func (ix *Index) setFAQ(fi int, f sigap.FAQ, questions []question, answer []string) {
	ix.faqs[fi] = f
	ix.faqQ[fi] = ix.addQuestions(fi, questions)
	ix.answers[fi] = answer
	ix.faqTerms[fi] = ix.termsOf(ix.faqQ[fi], answer)
	ix.subject[fi] = ix.subjectOf(fi)
	ix.core[fi] = ix.coreTerms(fi, -1)
	ix.kin[fi] = ix.conceptsOf(ix.faqTerms[fi])
}

// conceptsOf returns the sorted, distinct concepts of the terms ids.
func (ix *Index) conceptsOf(ids []int32) []int32 {
	var out []int32
	for _, id := range ids {
		out = append(out, ix.termKin[id]...)
	}
	slices.Sort(out)
	return slices.Clip(slices.Compact(out))
}

// coreTerms returns the terms of FAQ fi's questions that another of its
// texts (a question or the answer) repeats, leaving out question skip
// (-1 for none): what every way of asking it shares. A citizen who asks
// it in other words still names these; an FAQ whose texts repeat nothing
// has its questions' terms as its core.
func (ix *Index) coreTerms(fi, skip int) []int32 {
	support := map[int32]int{}
	var terms []int32
	for _, q := range ix.faqQ[fi] {
		if int(q) == skip {
			continue
		}
		for _, t := range ix.questions[q].ids {
			if support[t] == 0 {
				terms = append(terms, t)
			}
			support[t]++
		}
	}
	for _, w := range ix.answers[fi] {
		if t, ok := ix.termID[w]; ok && support[t] > 0 {
			support[t]++
		}
	}
	var core []int32
	for _, t := range terms {
		if support[t] >= 2 {
			core = append(core, t)
		}
	}
	if len(core) == 0 {
		return terms
	}
	return core
}

// termsOf returns the sorted, distinct term ids of the questions qs and of
// an answer's terms.
func (ix *Index) termsOf(qs []int32, answer []string) []int32 {
	var terms []int32
	for _, q := range qs {
		terms = append(terms, ix.questions[q].ids...)
	}
	for _, t := range answer {
		terms = append(terms, ix.termID[t])
	}
	slices.Sort(terms)
	return slices.Clip(slices.Compact(terms))
}

// indexContrast builds the postings of the contrast texts.
func (ix *Index) indexContrast() {
	for t := range ix.contrastP {
		ix.contrastP[t] = ix.contrastP[t][:0]
	}
	for id, c := range ix.contrast {
		for _, t := range c.ids {
			ix.contrastP[t] = append(ix.contrastP[t], int32(id))
		}
	}
}

// Speaks reports whether the questions or answer of the FAQ with the given
// ID have one of the normalised words.
func (ix *Index) Speaks(faqID string, words []string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	f, ok := ix.faqAt[faqID]
	return ok && slices.ContainsFunc(words, func(w string) bool { return ix.hasTerm(f, w) })
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

// nameSubjects reads, per OPD, the words its subject texts name.
func (ix *Index) nameSubjects(subjects map[string][]string) {
	ix.named, ix.namedBy = map[string]map[string]bool{}, map[string]int{}
	for opd, texts := range subjects {
		words := map[string]bool{}
		for _, text := range texts {
			for _, t := range ix.topicTerms(ix.norm.Analyze(text)) {
				words[t] = true
			}
		}
		for t := range words {
			ix.namedBy[t]++
		}
		ix.named[opd] = words
	}
}

// subjectOf returns the words of FAQ fi's questions that its OPD's subject
// texts name and few other OPDs do.
func (ix *Index) subjectOf(fi int) []string {
	var out []string
	named := ix.named[ix.faqs[fi].OPD]
	for _, q := range ix.faqQ[fi] {
		for _, t := range ix.questions[q].terms {
			if named[t] && ix.namedBy[t] <= maxSubjectOPDs && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// newQuestion reads a question or contrast text; weigh gives it its ids
// and weight once its terms are counted.
func (ix *Index) newQuestion(faq int, text string) question {
	a := ix.norm.Analyze(text)
	return question{faq: faq, text: text, terms: ix.topicTerms(a), intent: readIntent(a)}
}

// topicTerms returns the distinct words of a text that say what it is
// about: content words that are neither asking or request words nor proper
// names.
func (ix *Index) topicTerms(a lang.Analysis) []string {
	out := make([]string, 0, len(a.Tokens))
	for i, t := range a.Tokens {
		if a.Subject(i) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// maxCandidates is how many FAQs Match returns.
const maxCandidates = 3

// Match returns the FAQs that may answer text, best first, with calibrated
// confidence; at most the first is Answerable.
func (ix *Index) Match(text string) []Candidate {
	return ix.MatchAnalysis(ix.norm.Analyze(text), maxCandidates)
}

// MatchAnalysis is Match for a text the caller has already analysed with
// the index's normaliser (lang.Normalizer.Analyze), to save doing it
// twice; it returns at most n candidates, and at most maxCandidates. The
// best is judged alike for any n, and n = 1 costs least on a large KB:
// only the runner-up is scored besides it.
func (ix *Index) MatchAnalysis(a lang.Analysis, n int) []Candidate {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.match(ix.prepare(a), n, true)
}

// Answer returns the best candidate for an analysed text, judged as
// MatchAnalysis judges it, without its Matched, Missing and Reasons: the
// decision's hot path, which need not say why.
func (ix *Index) Answer(a lang.Analysis) (Candidate, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	cs := ix.match(ix.prepare(a), 1, false)
	if len(cs) == 0 {
		return Candidate{}, false
	}
	return cs[0], true
}
