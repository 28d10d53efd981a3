package faq

import (
	"math"
	"slices"
)

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
	core     float64
}

func fitScore(cov, rel float64) float64 { return cov * math.Sqrt(rel) }

// accumulator holds the scratch space of one scoring; pooled, because a
// large KB makes it too big to allocate per message.
type accumulator struct {
	mark     []float64 // per term: its mass in the message, else 0
	present  []float64 // per term: its weight if the message has it, else 0
	pending  []float64 // per term: its weight if its postings were not walked
	shared   []float64 // per question: weight of the walked terms it has
	touchedQ []int32   // the questions with shared weight
	stamp    []uint32  // per FAQ: pass when it is a candidate of this pass
	pass     uint32
	cands    []int32   // the candidate FAQs
	order    []int     // the message's indexed terms, heaviest first
	named    []int32   // kinCredit's concepts
	contrast []float64 // per contrast text: weight of shared terms
	cmass    []float64 // per contrast text: mass of shared terms
	touchedC []int32
}

// getAccumulator returns a pooled accumulator sized to the index, which
// may have grown since the accumulator was made.
func (ix *Index) getAccumulator() *accumulator {
	a, _ := ix.pool.Get().(*accumulator)
	if a == nil {
		a = &accumulator{}
	}
	a.mark = grow(a.mark, len(ix.idf))
	a.present = grow(a.present, len(ix.idf))
	a.pending = grow(a.pending, len(ix.idf))
	a.shared = grow(a.shared, len(ix.questions))
	a.contrast = grow(a.contrast, len(ix.contrast))
	a.cmass = grow(a.cmass, len(ix.contrast))
	if len(a.stamp) < len(ix.faqs) {
		a.stamp = append(a.stamp, make([]uint32, len(ix.faqs)-len(a.stamp))...)
	}
	return a
}

func grow(xs []float64, n int) []float64 {
	if len(xs) < n {
		xs = append(xs, make([]float64, n-len(xs))...)
	}
	return xs
}

func (ix *Index) putAccumulator(a *accumulator) {
	for _, q := range a.touchedQ {
		a.shared[q] = 0
	}
	for _, c := range a.touchedC {
		a.contrast[c], a.cmass[c] = 0, 0
	}
	a.touchedQ, a.touchedC = a.touchedQ[:0], a.touchedC[:0]
	ix.pool.Put(a)
}

// maxScoredFAQs bounds how many FAQs one message is scored against. A
// knowledge base of a few hundred questions never reaches it, and every
// FAQ sharing a term is scored. In a large one, common words appear in
// thousands of questions; candidates are then gathered from the message's
// rarest terms first, and a term whose questions would exceed the bound
// gathers none, though it still counts in every candidate's score. An FAQ
// sharing only common words with a message that also has rare ones is
// very unlikely to be its best match.
const maxScoredFAQs = 512

// score returns the k best FAQs sharing a term with m, best fit first. skip
// is a question id left out (for leave-one-out), or -1.
func (ix *Index) score(m *message, skip, k int) []scored {
	if m.weight == 0 {
		return nil
	}
	a := ix.getAccumulator()
	defer ix.putAccumulator(a)
	ix.mark(a, m)
	defer func() {
		for _, i := range a.order {
			a.mark[m.ids[i]], a.present[m.ids[i]], a.pending[m.ids[i]] = 0, 0, 0
		}
	}()
	pending := ix.gather(a, m)
	return ix.rank(a, m, skip, k, pending)
}

// mark records the mass of m's indexed terms and orders them rarest
// first.
func (ix *Index) mark(a *accumulator, m *message) {
	a.order = a.order[:0]
	for i, id := range m.ids {
		if id >= 0 {
			a.order = append(a.order, i)
			a.mark[id], a.present[id] = m.mass[i], m.ws[i]
		}
	}
	// Insertion sort: a message has a few dozen terms at most.
	for i := 1; i < len(a.order); i++ {
		for j := i; j > 0 && m.ws[a.order[j]] > m.ws[a.order[j-1]]; j-- {
			a.order[j], a.order[j-1] = a.order[j-1], a.order[j]
		}
	}
}

// gather walks the postings of m's terms, rarest first, summing per
// question the weight of the terms it shares and collecting the FAQs of
// those questions as candidates. It returns the weight of the terms whose
// postings it did not walk (see maxScoredFAQs).
func (ix *Index) gather(a *accumulator, m *message) float64 {
	a.pass++
	a.cands = a.cands[:0]
	pending := 0.0
	for _, i := range a.order {
		t, w := m.ids[i], m.ws[i]
		p := ix.postings[t]
		if len(a.cands) > 0 && len(a.cands)+len(p) > maxScoredFAQs {
			a.pending[t] = w
			pending += w
			continue
		}
		for _, q := range p {
			if a.shared[q] == 0 {
				a.touchedQ = append(a.touchedQ, q)
			}
			a.shared[q] += w
			if f := ix.qFAQ[q]; a.stamp[f] != a.pass {
				a.stamp[f] = a.pass
				a.cands = append(a.cands, f)
			}
		}
	}
	return pending
}

// rank scores the candidates and keeps the k best. Relevance is the FAQ's,
// so its best question is the one with the largest coverage; relevance,
// the dearer sum, is taken only for an FAQ whose coverage could still
// place it.
func (ix *Index) rank(a *accumulator, m *message, skip, k int, pending float64) []scored {
	top := make([]scored, 0, k+1)
	for _, f := range a.cands {
		if pending > 0 && len(top) == k && ix.coverageBound(a, m, f, skip, pending) < top[k-1].fit {
			continue
		}
		best, bestCov := ix.bestQuestion(a, f, skip, pending)
		// Kin words can add to the coverage of the best question no more
		// than its terms that have kin weigh; the fit is at most the
		// coverage.
		if best < 0 || len(top) == k && bestCov+ix.kinRoom(m, best) < top[k-1].fit {
			continue
		}
		mention := 0.0
		for _, t := range ix.faqTerms[f] {
			mention += a.mark[t]
		}
		kinMention, kinCover := ix.kinCredit(a, m, int(f), best)
		bestCov += kinCover
		rel := (mention + kinMention) / m.massSum
		top = pushScored(top, scored{faq: int(f), question: best, cov: bestCov, rel: rel, fit: fitScore(bestCov, rel)}, k)
	}
	for i := range top {
		top[i].core = ix.coreCoverage(a, top[i].faq, skip)
	}
	return top
}

// kinRoom is the most kin words could add to question q's coverage.
func (ix *Index) kinRoom(m *message, q int) float64 {
	if !m.hasKin {
		return 0
	}
	return kinShare * ix.qKin[q]
}

// bestQuestion returns FAQ f's question with the largest coverage, and
// that coverage; -1 when none shares a term.
func (ix *Index) bestQuestion(a *accumulator, f int32, skip int, pending float64) (int, float64) {
	best, bestCov := -1, 0.0
	for _, q32 := range ix.faqQ[f] {
		q := int(q32)
		if q == skip {
			continue
		}
		shared := a.shared[q]
		if pending > 0 {
			for _, t := range ix.questions[q].ids {
				shared += a.pending[t]
			}
		}
		if cov := shared / ix.qWeight[q]; shared > 0 && cov > bestCov {
			best, bestCov = q, cov
		}
	}
	return best, bestCov
}

// kinShare is how much a kin word counts for the coverage of an FAQ
// question, relative to the same word; kinMentionShare how much for the
// FAQ speaking of a message's word. Kin are of one service, not synonyms:
// "karcis" may well stand for "tiket", but a message about a wheelchair is
// only a little more about the FAQ on social aid for naming a word of the
// same service.
const (
	kinShare        = 0.5
	kinMentionShare = 0.25
)

// kinCredit returns the mass of m's terms that FAQ f does not mention but
// that are kin to its words, times kinMentionShare, and the coverage of
// question q's terms that m does not have but whose kin it has, times
// kinShare.
func (ix *Index) kinCredit(a *accumulator, m *message, f, q int) (mention, cover float64) {
	kin := ix.kin[f]
	if len(kin) == 0 || !m.hasKin {
		return 0, 0
	}
	a.named = a.named[:0] // the concepts of m's words f does not have
	for _, i := range m.kinTerms {
		if cs := m.kin[i]; !(m.ids[i] >= 0 && containsID(ix.faqTerms[f], m.ids[i])) && intersects(cs, kin) {
			a.named = append(a.named, cs...)
			mention += m.mass[i]
		}
	}
	if len(a.named) == 0 {
		return 0, 0
	}
	slices.Sort(a.named)
	for _, t := range ix.questions[q].ids {
		if a.present[t] == 0 && intersects(ix.termKin[t], a.named) {
			cover += ix.idf[t]
		}
	}
	return kinMentionShare * mention, kinShare * cover / ix.qWeight[q]
}

func containsID(sorted []int32, id int32) bool {
	_, ok := slices.BinarySearch(sorted, id)
	return ok
}

// intersects reports whether a and b share an element; b is sorted, a is
// short.
func intersects(a, b []int32) bool {
	for _, x := range a {
		if containsID(b, x) {
			return true
		}
	}
	return false
}

// coreCoverage returns the share of FAQ f's core terms' weight the
// message has; skip is a question held out, whose text does not count in
// finding the core.
func (ix *Index) coreCoverage(a *accumulator, f, skip int) float64 {
	core := ix.core[f]
	if skip >= 0 && ix.questions[skip].faq == f {
		core = ix.coreTerms(f, skip)
	}
	have, all := 0.0, 0.0
	for _, t := range core {
		have += a.present[t]
		all += ix.idf[t]
	}
	if all == 0 {
		return 0
	}
	return have / all
}

// coverageBound bounds the coverage of FAQ f's questions, and so its fit,
// as if each had every unwalked term and all the kin words it could: a
// cheap test that spares looking the unwalked terms up in FAQs that could
// not place anyway.
func (ix *Index) coverageBound(a *accumulator, m *message, f int32, skip int, pending float64) float64 {
	bound := 0.0
	for _, q := range ix.faqQ[f] {
		// A question may share only unwalked terms with the message.
		if int(q) != skip {
			bound = max(bound, (a.shared[q]+pending)/ix.qWeight[q]+ix.kinRoom(m, int(q)))
		}
	}
	return bound
}

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

// contrastFits returns the best fit to m of a global contrast text, and of
// a negative example of each FAQ that has one that shares a term with m;
// skip is a contrast id left out, or -1.
func (ix *Index) contrastFits(m *message, skip int) (global float64, negative map[int]float64) {
	if m.weight == 0 || len(ix.contrast) == 0 {
		return 0, nil
	}
	a := ix.getAccumulator()
	defer ix.putAccumulator(a)
	for i, t := range m.ids {
		if t < 0 {
			continue
		}
		for _, id := range ix.contrastP[t] {
			if a.contrast[id] == 0 {
				a.touchedC = append(a.touchedC, id)
			}
			a.contrast[id] += m.ws[i]
			a.cmass[id] += m.mass[i]
		}
	}
	for _, id := range a.touchedC {
		c := ix.contrast[id]
		if int(id) == skip || c.weight == 0 {
			continue
		}
		fit := fitScore(a.contrast[id]/c.weight, a.cmass[id]/m.massSum)
		if c.faq < 0 {
			global = max(global, fit)
			continue
		}
		if negative == nil {
			negative = map[int]float64{}
		}
		negative[c.faq] = max(negative[c.faq], fit)
	}
	return global, negative
}

// fitTolerance is the least difference between two fits that counts: the
// same sums taken in another order may differ in their last bits.
const fitTolerance = 1e-9
