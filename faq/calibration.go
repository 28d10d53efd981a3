package faq

import (
	"math"
	"math/rand/v2"
)

// calibration is a logistic model turning match features into the
// probability that the FAQ answers the message.
type calibration struct {
	w    [4]float64
	bias float64
}

func (c calibration) probability(f features) float64 {
	z := c.bias
	for i, x := range f.vector() {
		z += c.w[i] * x
	}
	return 1 / (1 + math.Exp(-z))
}

// A contrast text that covers most of an FAQ question's key terms and whose
// own topic words the FAQ nearly all mentions is a restatement of that FAQ,
// not a case no FAQ answers.
const (
	aliasCoverage  = 0.5
	aliasRelevance = 0.8
)

type sample struct {
	x [4]float64
	y float64
}

// fit drops contrast texts that restate an FAQ, then fits the calibration
// by leave-one-out on the index's own texts: each FAQ question, held out,
// is a positive for its FAQ and a negative for the best other FAQ; each
// contrast text, held out, is a negative for the FAQ it matches best.
func (ix *Index) fit() calibration {
	kept := ix.contrast[:0]
	for _, c := range ix.contrast {
		ss := ix.score(ix.prepare(c.text), -1, 1)
		if len(ss) == 0 || ss[0].cov < aliasCoverage || ss[0].rel < aliasRelevance {
			kept = append(kept, c)
		}
	}
	ix.contrast = kept
	ix.indexContrast()

	// Citizens add context an FAQ never mentions ("my son just finished
	// school, …"): each held-out question is also tried with two words of
	// the KB's other texts added, drawn by frequency.
	var context []string
	for _, c := range ix.contrast {
		context = append(context, c.terms...)
	}
	for _, f := range ix.faqs {
		context = append(context, ix.topicTerms(f.Answer, nil, nil)...)
	}
	rng := rand.New(rand.NewPCG(uint64(len(ix.questions)), uint64(len(context))))

	var data []sample
	for qi, q := range ix.questions {
		if len(ix.faqs[q.faq].Questions) < 2 {
			continue // held out, its FAQ would have no question left
		}
		variants := []string{q.text}
		if len(context) > 0 {
			variants = append(variants, q.text+" "+context[rng.IntN(len(context))]+" "+context[rng.IntN(len(context))])
		}
		for _, text := range variants {
			m := ix.prepare(text)
			ss := ix.score(m, qi, keepScored)
			contrast := ix.bestContrast(m, -1)
			wrongSeen := false
			for i, s := range ss {
				if s.faq == q.faq {
					data = append(data, sample{candidateFeatures(ss, i, contrast).vector(), 1})
				} else if !wrongSeen {
					wrongSeen = true
					data = append(data, sample{candidateFeatures(ss, i, contrast).vector(), 0})
				}
			}
		}
	}
	for ci, c := range ix.contrast {
		m := ix.prepare(c.text)
		ss := ix.score(m, -1, 2)
		if len(ss) == 0 {
			continue
		}
		data = append(data, sample{candidateFeatures(ss, 0, ix.bestContrast(m, ci)).vector(), 0})
	}
	return fitLogistic(data)
}

// fallback is used when the KB is too small to fit on: it answers only
// near-verbatim matches.
var fallback = calibration{w: [4]float64{4, 4, 4, 2}, bias: -7}

// fitLogistic fits by gradient descent with classes weighted equally and a
// small L2 penalty, so that a handful of samples cannot produce extreme
// weights.
func fitLogistic(data []sample) calibration {
	var pos, neg float64
	for _, s := range data {
		if s.y == 1 {
			pos++
		} else {
			neg++
		}
	}
	if pos < 3 || neg < 3 {
		return fallback
	}
	const (
		rate   = 0.5
		l2     = 0.01
		rounds = 2000
	)
	c := calibration{}
	for range rounds {
		var gw [4]float64
		var gb float64
		for _, s := range data {
			f := features{s.x[0], s.x[1], s.x[2], s.x[3]}
			weight := 0.5 / neg
			if s.y == 1 {
				weight = 0.5 / pos
			}
			e := (c.probability(f) - s.y) * weight
			for i := range gw {
				gw[i] += e * s.x[i]
			}
			gb += e
		}
		for i := range c.w {
			c.w[i] -= rate * (gw[i] + l2*c.w[i])
		}
		c.bias -= rate * gb
	}
	return c
}
