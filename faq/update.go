package faq

import (
	"math"
	"slices"

	"github.com/pemkab-kebumen/sigap"
)

// An admin's edit changes one FAQ; rebuilding the index for it would read
// every FAQ again and refit the calibration (a second on a KB of 5,000
// FAQs). Update, Remove and AddNegative change only the postings of the
// FAQ concerned, and the idf of the terms whose counts change, with the
// questions and contrast texts those terms weigh in. The calibration stays
// as fitted on the KB at NewIndex, and the idf of the terms an edit does
// not touch stays as computed then: one FAQ among hundreds moves neither
// much, and a rebuild (at the next start, or when OPDs change) refits both.

// Update indexes f, replacing the FAQ with f's ID if there is one.
func (ix *Index) Update(f sigap.FAQ) {
	questions := make([]question, 0, len(f.Questions))
	for _, text := range f.Questions {
		questions = append(questions, ix.newQuestion(-1, text))
	}
	answer := ix.topicTerms(ix.norm.Analyze(f.Answer))

	ix.mu.Lock()
	defer ix.mu.Unlock()
	var touched []string
	fi, exists := ix.faqAt[f.ID]
	if exists {
		touched = ix.unindex(fi)
	}
	for _, q := range questions {
		ix.count(q.terms, 1)
		touched = append(touched, q.terms...)
	}
	ix.count(answer, 1)
	touched = append(touched, answer...)
	ix.retune(touched)
	if !exists {
		ix.addFAQ(f, questions, answer)
		return
	}
	ix.setFAQ(fi, f, questions, answer)
}

// Remove takes the FAQ with the given ID out of the index; it reports
// whether there was one.
func (ix *Index) Remove(id string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	fi, ok := ix.faqAt[id]
	if !ok {
		return false
	}
	ix.retune(ix.unindex(fi))
	delete(ix.faqAt, id)
	ix.faqs[fi] = sigap.FAQ{}
	ix.faqTerms[fi], ix.answers[fi], ix.subject[fi], ix.core[fi], ix.kin[fi] = nil, nil, nil, nil, nil
	return true
}

// AddNegative records a message that the FAQ with the given ID did not
// answer (a citizen said so): from now on a message that fits the example
// as well as the FAQ is not answered with it.
func (ix *Index) AddNegative(faqID, text string) error {
	q := ix.newQuestion(-1, text)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	fi, ok := ix.faqAt[faqID]
	if !ok {
		return sigap.Errorf(sigap.ENOTFOUND, "faq: no FAQ %q to add a negative example to", faqID)
	}
	q.faq = fi
	ix.count(q.terms, 1)
	ix.retune(q.terms)
	ix.weigh(&q)
	id := int32(len(ix.contrast))
	ix.contrast = append(ix.contrast, q)
	for _, t := range q.ids {
		ix.contrastP[t] = append(ix.contrastP[t], id)
	}
	return nil
}

// addQuestions indexes questions as FAQ fi's, in new question slots, and
// returns their ids.
func (ix *Index) addQuestions(fi int, questions []question) []int32 {
	var qs []int32
	for _, q := range questions {
		id := int32(len(ix.questions))
		q.faq = fi
		ix.weigh(&q)
		ix.questions = append(ix.questions, q)
		ix.qFAQ = append(ix.qFAQ, int32(fi))
		ix.qWeight = append(ix.qWeight, q.weight)
		ix.qKin = append(ix.qKin, ix.kinShareOf(&q))
		for _, t := range q.ids {
			ix.postings[t] = append(ix.postings[t], id)
		}
		qs = append(qs, id)
	}
	return qs
}

// unindex takes FAQ fi's questions out of the postings and its texts out
// of the counts, and returns the terms whose counts changed.
func (ix *Index) unindex(fi int) []string {
	var touched []string
	for _, q := range ix.faqQ[fi] {
		question := &ix.questions[q]
		for _, t := range question.ids {
			ix.postings[t] = slices.DeleteFunc(ix.postings[t], func(x int32) bool { return x == q })
		}
		ix.count(question.terms, -1)
		touched = append(touched, question.terms...)
		question.faq, ix.qFAQ[q] = -1, -1
	}
	ix.count(ix.answers[fi], -1)
	touched = append(touched, ix.answers[fi]...)
	ix.faqQ[fi] = nil
	return touched
}

// retune recomputes the idf of the given terms, and the weight of every
// question and contrast text that has one of them. An idf the change moves
// by less than idfTolerance is left as it was: a term in a thousand
// questions gains or loses one without consequence, and reweighing all of
// them would make an edit as slow as a rebuild.
func (ix *Index) retune(terms []string) {
	var ids []int32
	for _, t := range terms {
		id, ok := ix.termID[t]
		if !ok || slices.Contains(ids, id) {
			continue
		}
		if idf := ix.termIDF(int(id)); math.Abs(idf-ix.idf[id]) > idfTolerance*ix.idf[id] {
			ix.idf[id] = idf
			ids = append(ids, id)
		}
	}
	for _, t := range ids {
		for _, q := range ix.postings[t] {
			ix.qWeight[q] = ix.reweigh(&ix.questions[q])
			ix.qKin[q] = ix.kinShareOf(&ix.questions[q])
		}
		for _, c := range ix.contrastP[t] {
			ix.reweigh(&ix.contrast[c])
		}
	}
}

// idfTolerance is the relative change of a term's idf that retune applies.
const idfTolerance = 0.01

// reweigh recomputes the weight of an indexed question or contrast text
// from its term ids, and returns it.
func (ix *Index) reweigh(q *question) float64 {
	q.weight = 0
	for _, id := range q.ids {
		q.weight += ix.idf[id]
	}
	return q.weight
}
