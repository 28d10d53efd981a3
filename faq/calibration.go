package faq

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// calibration is a logistic model turning match features into the
// probability that the FAQ answers the message.
type calibration struct {
	w    vector
	bias float64
}

func (c calibration) probability(f features) float64 { return c.of(f.vector()) }

func (c calibration) of(v vector) float64 {
	z := c.bias
	for i, x := range v {
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

// params is the number of the calibration's parameters: the weights, then
// the bias.
const params = len(calibration{}.w) + 1

type sample struct {
	x vector
	y float64
}

// fit drops contrast texts that restate an FAQ, then fits the calibration
// by leave-one-out on the index's own texts: each FAQ question, held out,
// is a positive for its FAQ and a negative for the best other FAQ; each
// contrast text, held out, is a negative for the FAQ it matches best.
func (ix *Index) fit() calibration {
	kept := ix.contrast[:0]
	for _, c := range ix.contrast {
		ss := ix.score(ix.prepareText(c.text), -1, 1)
		if len(ss) == 0 || ss[0].cov < aliasCoverage || ss[0].rel < aliasRelevance {
			kept = append(kept, c)
		}
	}
	ix.contrast = kept
	ix.indexContrast()
	data := ix.questionSamples()
	for ci, c := range ix.contrast {
		m := ix.prepareText(c.text)
		ss := ix.score(m, -1, 2)
		if len(ss) == 0 {
			continue
		}
		global, _ := ix.contrastFits(m, ci)
		data = append(data, sample{candidateFeatures(ss, 0, global).vector(), 0})
	}
	return fitLogistic(data)
}

func (ix *Index) prepareText(text string) *message { return ix.prepare(ix.norm.Analyze(text)) }

// questionSamples holds each FAQ question out in turn: a positive sample
// for its FAQ, a negative for the best other (see variants).
func (ix *Index) questionSamples() []sample {
	var context []string
	for _, c := range ix.contrast {
		context = append(context, c.terms...)
	}
	for _, answer := range ix.answers {
		context = append(context, answer...)
	}
	rng := rand.New(rand.NewPCG(uint64(len(ix.questions)), uint64(len(context))))
	var data []sample
	stride := max(1, len(ix.questions)/maxCalibrationQuestions)
	for qi := 0; qi < len(ix.questions); qi += stride {
		q := ix.questions[qi]
		if q.faq < 0 || len(ix.faqQ[q.faq]) < 2 {
			continue // held out, its FAQ would have no question left
		}
		for _, v := range variants(q, qi, context, rng) {
			m := ix.prepareText(v.text)
			ss := ix.score(m, v.skip, keepScored)
			global, _ := ix.contrastFits(m, -1)
			wrongSeen := false
			for i, s := range ss {
				if s.faq == q.faq {
					data = append(data, sample{candidateFeatures(ss, i, global).vector(), 1})
				} else if !wrongSeen {
					wrongSeen = true
					data = append(data, sample{candidateFeatures(ss, i, global).vector(), 0})
				}
			}
		}
	}
	return data
}

// variant is a text calibration asks with, and the question it leaves out
// of the index (-1 for none).
type variant struct {
	text string
	skip int
}

// variants returns the ways question q (id qi) is asked in calibration:
// held out, as written and with contextWords words of the KB's other texts
// added (citizens add context an FAQ never mentions: "my son just finished
// school, …"); and, not held out, as a citizen's partial paraphrase of it,
// half its words with context, as real messages share part of one of an
// FAQ's own wordings.
func variants(q question, qi int, context []string, rng *rand.Rand) []variant {
	out := []variant{{q.text, qi}}
	if len(context) == 0 {
		return out
	}
	word := func() string { return context[rng.IntN(len(context))] }
	for _, k := range contextWords {
		text := q.text
		for range k {
			text += " " + word()
		}
		out = append(out, variant{text, qi})
	}
	if len(q.terms) >= 2 {
		terms := slices.Clone(q.terms)
		rng.Shuffle(len(terms), func(i, j int) { terms[i], terms[j] = terms[j], terms[i] })
		text := strings.Join(terms[:(len(terms)+1)/2], " ") + " " + word() + " " + word() + "?"
		out = append(out, variant{text, -1})
	}
	return out
}

// contextWords are the numbers of words of context each held-out question
// is also tried with.
var contextWords = []int{2, 6}

// maxCalibrationQuestions bounds how many FAQ questions calibration holds
// out: a few thousand samples fix five parameters well, and a KB of
// thousands of FAQs would otherwise take seconds to load.
const maxCalibrationQuestions = 2000

// fallback is used when the KB is too small to fit on: it answers only
// near-verbatim matches.
var fallback = calibration{w: vector{4, 4, 4, 2, 2}, bias: -8}

// fitLogistic fits by Newton's method with classes weighted equally and a
// small L2 penalty on the weights, so that a handful of samples cannot
// produce extreme weights. The loss is convex; a few steps reach its
// minimum.
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
		l2       = 0.01
		maxSteps = 50
	)
	const n = params
	var theta [n]float64
	for range maxSteps {
		var grad [n]float64
		var hess [n][n]float64
		c := calibration{bias: theta[n-1]}
		copy(c.w[:], theta[:n-1])
		for _, s := range data {
			weight := 0.5 / neg
			if s.y == 1 {
				weight = 0.5 / pos
			}
			var x [n]float64
			copy(x[:], s.x[:])
			x[n-1] = 1
			p := c.of(s.x)
			e, v := (p-s.y)*weight, p*(1-p)*weight
			for i := range x {
				grad[i] += e * x[i]
				for j := range x {
					hess[i][j] += v * x[i] * x[j]
				}
			}
		}
		for i := range n - 1 {
			grad[i] += l2 * theta[i]
			hess[i][i] += l2
		}
		hess[n-1][n-1] += 1e-9 // keeps the system solvable when every sample is alike
		step, ok := solve(hess, grad)
		if !ok {
			break
		}
		size := 0.0
		for i := range theta {
			theta[i] -= step[i]
			size = max(size, math.Abs(step[i]))
		}
		if size < 1e-9 {
			break
		}
	}
	c := calibration{bias: theta[n-1]}
	copy(c.w[:], theta[:n-1])
	return c
}

// solve solves a·x = b by Gaussian elimination with partial pivoting; ok is
// false when a is singular.
func solve(a [params][params]float64, b [params]float64) (x [params]float64, ok bool) {
	for col := range params {
		pivot := col
		for r := col + 1; r < params; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[pivot][col]) {
				pivot = r
			}
		}
		if math.Abs(a[pivot][col]) < 1e-15 {
			return x, false
		}
		a[col], a[pivot] = a[pivot], a[col]
		b[col], b[pivot] = b[pivot], b[col]
		for r := col + 1; r < params; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c < params; c++ {
				a[r][c] -= f * a[col][c]
			}
			b[r] -= f * b[col]
		}
	}
	for r := params - 1; r >= 0; r-- {
		s := b[r]
		for c := r + 1; c < params; c++ {
			s -= a[r][c] * x[c]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}
