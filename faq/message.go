package faq

import (
	"slices"

	"github.com/pemkab-kebumen/sigap/lang"
)

// message is a message prepared for matching.
type message struct {
	terms []string
	ids   []int32   // the terms' ids, -1 for a term no indexed text has
	ws    []float64 // the terms' weights: how much each says
	// mass is ws scaled by the part of the message the term is in: in a
	// long message the story around the question counts less than the
	// question, which says what the citizen wants.
	mass     []float64
	kin      [][]int32 // per term: the concepts it names
	kinTerms []int     // the terms that name a concept
	hasKin   bool
	// analysis is the message as read, for what is looked up only when
	// needed (pairs of words side by side: pairNames).
	analysis lang.Analysis
	weight   float64 // the sum of ws
	massSum  float64 // the sum of mass
	intent   intent
	problems []string // the problems the message reports (not hypothetical ones)
	// storyProblems are those of the story around its question.
	storyProblems []string
}

// storyShare is the weight of a word said only in the story of a message
// that also asks a question, relative to the question's words.
const storyShare = 0.25

// prepare reads a message's topic terms, their weights and its intent.
func (ix *Index) prepare(a lang.Analysis) *message {
	m := &message{intent: readIntent(a), analysis: a,
		terms: make([]string, 0, len(a.Tokens)), mass: make([]float64, 0, len(a.Tokens))}
	m.problems, m.storyProblems = reportedProblems(a)
	story := a.HasStory()
	for _, c := range a.Clauses {
		share := 1.0
		if story && !c.Asks {
			share = storyShare
		}
		for i := c.Start; i < c.End; i++ {
			t := a.Tokens[i]
			if !a.Subject(i) {
				continue
			}
			if i := slices.Index(m.terms, t); i >= 0 {
				m.mass[i] = max(m.mass[i], share)
				continue
			}
			m.terms = append(m.terms, t)
			m.mass = append(m.mass, share)
		}
	}
	m.ids = make([]int32, len(m.terms))
	m.ws = make([]float64, len(m.terms))
	m.kin = make([][]int32, len(m.terms))
	for i, t := range m.terms {
		m.kin[i] = ix.concepts[t]
		if len(m.kin[i]) > 0 {
			m.kinTerms, m.hasKin = append(m.kinTerms, i), true
		}
		m.ids[i], m.ws[i] = ix.messageWeight(t)
		m.weight += m.ws[i]
		m.mass[i] *= m.ws[i]
		m.massSum += m.mass[i]
	}
	return m
}

// pairNames reports whether two topic words of m side by side in a
// clause name one of concepts (sorted) (Options.Pairs).
func (ix *Index) pairNames(m *message, concepts []int32) bool {
	return ix.pairOf(m, "", -1, concepts)
}

// pairOf reports whether two topic words of m side by side in a clause
// name one of concepts (sorted); when word is not empty, one of them is
// word and the other no term of FAQ f.
func (ix *Index) pairOf(m *message, word string, f int, concepts []int32) bool {
	if len(ix.pairs) == 0 {
		return false
	}
	a := m.analysis
	var buf [64]byte
	for _, c := range a.Clauses {
		prev := ""
		for i := c.Start; i < c.End; i++ {
			if !a.Subject(i) {
				continue
			}
			t := a.Tokens[i]
			if prev != "" && (word == "" || word == prev && !ix.hasTerm(f, t) || word == t && !ix.hasTerm(f, prev)) {
				key := append(append(append(buf[:0], prev...), ' '), t...)
				for _, id := range ix.pairs[string(key)] {
					if _, ok := slices.BinarySearch(concepts, id); ok {
						return true
					}
				}
			}
			prev = t
		}
	}
	return false
}

// saidOf reports whether a clause of m that has word has a topic word
// that a question of FAQ f has: the problem befalls what the FAQ is about
// ("ktp anak saya rusak" against an FAQ on the KTP).
func (ix *Index) saidOf(m *message, word string, f int) bool {
	a := m.analysis
	for _, c := range a.Clauses {
		has, term := false, false
		for i := c.Start; i < c.End; i++ {
			if t := a.Tokens[i]; t == word {
				has = true
			} else if a.Subject(i) && ix.asks(f, t) {
				term = true
			}
		}
		if has && term {
			return true
		}
	}
	return false
}

// asks reports whether a question of FAQ f has term t.
func (ix *Index) asks(f int, t string) bool {
	for _, q := range ix.faqQ[f] {
		if slices.Contains(ix.questions[q].terms, t) {
			return true
		}
	}
	return false
}

// messageWeight is a message word's weight: its idf, or for a word no FAQ
// or contrast text has, a middling weight when the knowledge base uses it
// elsewhere or the government knowledge names a service with it, and a
// small one otherwise, as words nobody uses for a service cannot point to
// another FAQ and so count little against the one that matches: a question
// about a wheelchair is not the FAQ on registering for social aid.
func (ix *Index) messageWeight(t string) (int32, float64) {
	if id, ok := ix.termID[t]; ok && ix.df[id] > 0 {
		return id, ix.idf[id]
	}
	if ix.norm.InVocabulary(t) || ix.norm.InDictionary(t) {
		return -1, ix.unknownW
	}
	return -1, unknownShare * ix.unknownW
}

// unknownShare scales the weight of words unknown to the knowledge base.
const unknownShare = 0.25
