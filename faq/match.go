package faq

import (
	"fmt"
	"slices"
	"strings"
)

// features describe how well one FAQ fits a message.
type features struct {
	coverage  float64 // best question's key-term mass found in the message
	relevance float64 // message's topic mass the FAQ mentions
	margin    float64 // fit minus the best other FAQ's fit
	contrast  float64 // fit minus the best contrast text's fit
	// core is the mass of the FAQ's core terms (see coreTerms) found in the
	// message.
	core float64
}

// vector is the features as the calibration reads them.
type vector [5]float64

func (f features) vector() vector {
	return vector{f.coverage, f.relevance, f.margin, f.contrast, f.core}
}

// keepScored is how many of the best FAQs scoring keeps for calibration:
// the candidates Match shows and one more.
const keepScored = maxCandidates + 1

// candidateFeatures computes the features of the i-th scored FAQ; contrast
// is the best fit of a text that says no FAQ, or this one, answers.
func candidateFeatures(ss []scored, i int, contrast float64) features {
	s := ss[i]
	other := 0.0
	for j, o := range ss {
		if j != i {
			other = o.fit
			break
		}
	}
	return features{coverage: s.cov, relevance: s.rel, margin: s.fit - other, contrast: s.fit - contrast, core: s.core}
}

// match returns the n best candidates (at most maxCandidates); the best
// is judged against the runner-up and its siblings, so at least
// siblingsRead FAQs are scored. Of the two best fits, the one calibration
// holds likelier to answer comes first: the fit ranks on coverage, and
// calibration weighs relevance and the margin besides. Without explain,
// the candidates' Matched, Missing and Reasons are left empty.
func (ix *Index) match(m *message, n int, explain bool) []Candidate {
	n = min(n, maxCandidates)
	ss := ix.score(m, -1, max(n, siblingsRead))
	if len(ss) == 0 {
		return nil
	}
	global, negative := ix.contrastFits(m, -1)
	// The hot path asks for one candidate: the scratch stays on the stack.
	var fs [maxCandidates]features
	var ps [maxCandidates]float64
	k := min(max(n, siblingsRead), len(ss))
	for i := range k {
		fs[i] = candidateFeatures(ss, i, max(global, negative[ss[i].faq]))
		ps[i] = ix.model.probability(fs[i])
	}
	first := 0
	if k > 1 && ps[1] > ps[0] {
		first = 1
	}
	out := make([]Candidate, 0, n)
	for rank := range min(n, k) {
		i := rank
		if rank < 2 {
			i = rank ^ first // the two best, swapped when the second is likelier
		}
		s, f := ss[i], fs[i]
		q := ix.questions[s.question]
		c := Candidate{
			FAQ:        ix.faqs[s.faq].ID,
			OPD:        ix.faqs[s.faq].OPD,
			Question:   q.text,
			Confidence: ps[i],
			Coverage:   s.cov,
			Relevance:  s.rel,
		}
		if explain {
			for _, t := range m.terms {
				if slices.Contains(q.terms, t) {
					c.Matched = append(c.Matched, t)
				} else if !ix.hasTerm(s.faq, t) {
					c.Missing = append(c.Missing, t)
				}
			}
		}
		if rank == 0 {
			c.Answerable, c.Corroborable, c.Reasons = ix.judge(m, q, f, c.Confidence, negative[s.faq], explain)
			c.Corroborable = c.Corroborable && !ix.closeSibling(ss, ps[:k], i)
		} else if explain {
			c.Reasons = []string{"not the best match"}
		}
		out = append(out, c)
	}
	return out
}

// siblingMargin is how much likelier than any other scored FAQ of its OPD
// an FAQ must be for the OPD's agreement to corroborate it: agreement
// says which OPD holds a message, not which of its FAQs answers it.
const siblingMargin = 0.15

// siblingsRead is how many of the best fits the hot path scores: the
// best is judged against the runner-up, and against the FAQs of its OPD
// among them (closeSibling); a paraphrase often ranks the FAQ it means
// third, behind a sibling and an FAQ that shares a common word.
const siblingsRead = 3

// closeSibling reports whether another of the best fits (ps are their
// probabilities) belongs to the OPD of the i-th and is nearly as likely.
func (ix *Index) closeSibling(ss []scored, ps []float64, i int) bool {
	opd := ix.faqs[ss[i].faq].OPD
	for j := range ps {
		if j != i && ix.faqs[ss[j].faq].OPD == opd && ps[j] > ps[i]-siblingMargin {
			return true
		}
	}
	return false
}

// namesSubject reports whether m has a word of subject, or a kin of one,
// or two words side by side that name a concept of one.
func (ix *Index) namesSubject(m *message, subject []string) bool {
	var kin []int32
	for _, t := range subject {
		if slices.Contains(m.terms, t) {
			return true
		}
		kin = append(kin, ix.concepts[t]...)
	}
	slices.Sort(kin)
	return slices.ContainsFunc(m.kin, func(cs []int32) bool { return intersects(cs, kin) }) || ix.pairNames(m, kin)
}

// speaksOfProblem reports whether FAQ f speaks of problem t that message m
// reports: it has the word, or a kin of it, or t and the word beside it in
// m name a service the FAQ names, the word being none of the FAQ's own.
// The government knowledge pairs a problem with what it befalls: a
// leaking roof ("genteng bocor") is a house unfit to live in, the aid's
// very case, while a lost KTP ("ktp hilang") is a case of its own that an
// FAQ on the KTP's requirements, which names the KTP, does not answer.
func (ix *Index) speaksOfProblem(m *message, f int, t string) bool {
	return ix.hasTerm(f, t) || intersects(ix.concepts[t], ix.kin[f]) || ix.pairOf(m, t, f, ix.kin[f])
}

// fullCoverage is the coverage of a message that has every key term of an
// FAQ question: it restates the question, so it needs no subject word.
const fullCoverage = 0.999

// minConfidence is the calibrated probability from which an FAQ answers
// on its own.
const minConfidence = 0.5

// minCorroborated is the calibrated probability from which an FAQ may
// still answer when something independent of the FAQ match corroborates
// it (see Candidate.Corroborable): a citizen's paraphrase shares fewer of
// an FAQ's words than its own questions do, which is what calibration
// learns from. Below it, an FAQ is too often a neighbour of the service the
// OPD holds, however sure the OPD is.
const minCorroborated = 0.35

// judge decides whether the best FAQ answers the message, and says why:
// the message must ask, with a confident match; what the message reports
// (a problem the FAQ does not speak of, itself or by a kin word of its
// service, a case under way, a request to act) rules the answer out, and
// so does a negative example of the FAQ (a message it did not answer) that
// fits the message as well as the FAQ. corroborable reports that only a
// confidence between minCorroborated and minConfidence stands against it.
func (ix *Index) judge(m *message, q question, f features, p, negative float64, explain bool) (ok, corroborable bool, why []string) {
	failed := 0
	// Saying why costs formatting; the hot path only needs the count.
	because := func(format string, args ...any) {
		failed++
		if explain {
			why = append(why, fmt.Sprintf(format, args...))
		}
	}
	if p < minConfidence {
		because("confidence below threshold")
	}
	if negative > 0 && negative >= fitScore(f.coverage, f.relevance)-fitTolerance {
		because("a citizen said this FAQ did not answer a message like this one")
	}
	if !m.intent.asks {
		because("the message asks no question")
	}
	for _, t := range m.problems {
		if !ix.speaksOfProblem(m, q.faq, t) {
			because("the message reports %q, which the FAQ does not speak of", t)
		}
	}
	for _, t := range m.storyProblems {
		if ix.saidOf(m, t, q.faq) && !ix.speaksOfProblem(m, q.faq, t) {
			because("the message says %q of what the FAQ is about, which the FAQ does not speak of", t)
		}
	}
	if subject := ix.subject[q.faq]; len(subject) > 0 && f.coverage < fullCoverage && !ix.namesSubject(m, subject) {
		because("the message does not name the FAQ's subject (%s)", strings.Join(subject, ", "))
	}
	if m.intent.pending && !q.intent.pending {
		because("the message follows up a case already under way")
	}
	if m.intent.followUp && !q.intent.followUp {
		because("the message asks an officer to act")
	}
	if m.intent.complains && !q.intent.complains {
		because("the message questions how the citizen was served")
	}
	ok = failed == 0
	if ok && explain {
		why = append(why, "key terms covered, intent matches, clear margin")
	}
	corroborable = failed == 1 && p < minConfidence && p >= minCorroborated
	return ok, corroborable, why
}
