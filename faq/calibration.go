package faq

import "math"

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

// aliasFit is the fit above which a contrast text is taken as a restatement
// of an FAQ question rather than a case no FAQ answers.
const aliasFit = 0.5

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
		ss := ix.score(ix.prepare(c.text), -1)
		if len(ss) == 0 || ss[0].fit < aliasFit {
			kept = append(kept, c)
		}
	}
	ix.contrast = kept
	ix.contrastP = map[string][]int32{}
	for id, c := range ix.contrast {
		for _, t := range c.terms {
			ix.contrastP[t] = append(ix.contrastP[t], int32(id))
		}
	}

	var data []sample
	for qi, q := range ix.questions {
		if len(ix.faqs[q.faq].Questions) < 2 {
			continue // held out, its FAQ would have no question left
		}
		m := ix.prepare(q.text)
		ss := ix.score(m, qi)
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
	for ci, c := range ix.contrast {
		m := ix.prepare(c.text)
		ss := ix.score(m, -1)
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
