package routing

import (
	"math"
	"slices"

	"github.com/pemkab-kebumen/sigap/lang"
)

// classifier is a multinomial naive Bayes model of which OPD a message
// belongs to, over normalised topic words and their bigrams. Counts can be
// added at any time, which is how staff transfers teach it.
type classifier struct {
	opds   []string
	counts map[string][]float64 // feature → weighted count per OPD
	totals []float64
	// temperature softens the naive Bayes scores, which are far too sure of
	// themselves, into calibrated probabilities.
	temperature float64
}

// smoothing is the additive (Lidstone) smoothing of the counts.
const smoothing = 0.1

func newClassifier(opds []string) *classifier {
	return &classifier{opds: opds, counts: map[string][]float64{}, totals: make([]float64, len(opds)), temperature: 1}
}

// featuresOf returns the topic words of tokens and the bigrams of
// consecutive topic words.
func featuresOf(n *lang.Normalizer, tokens []string, names map[string]bool) []string {
	var words []string
	for _, t := range tokens {
		if n.IsContent(t) && !names[t] {
			words = append(words, t)
		}
	}
	feats := slices.Clone(words)
	for i := 1; i < len(words); i++ {
		feats = append(feats, words[i-1]+" "+words[i])
	}
	return feats
}

func (c *classifier) add(class int, feats []string, weight float64) {
	for _, f := range feats {
		row := c.counts[f]
		if row == nil {
			row = make([]float64, len(c.opds))
			c.counts[f] = row
		}
		row[class] += weight
		c.totals[class] += weight
	}
}

// logScores returns the log-likelihood of the known features under each
// OPD and, last, under the background (all OPDs' texts pooled), and how
// many of feats the model knows. Unknown features carry no evidence either
// way. The background wins when a message's words are common to many OPDs
// and specific to none: then no OPD clearly owns it.
func (c *classifier) logScores(feats []string) ([]float64, int) {
	scores := make([]float64, len(c.opds)+1)
	bg := len(c.opds)
	vocab := float64(len(c.counts))
	var total float64
	for _, t := range c.totals {
		total += t
	}
	known := 0
	for _, f := range feats {
		row := c.counts[f]
		if row == nil {
			continue
		}
		known++
		var sum float64
		for k, n := range row {
			scores[k] += math.Log((n + smoothing) / (c.totals[k] + smoothing*vocab))
			sum += n
		}
		scores[bg] += math.Log((sum/float64(len(row)) + smoothing) / (total/float64(len(row)) + smoothing*vocab))
	}
	return scores, known
}

// probabilities turns log scores into calibrated probabilities.
func (c *classifier) probabilities(scores []float64) []float64 {
	return softmax(scores, c.temperature)
}

func softmax(scores []float64, temperature float64) []float64 {
	top := slices.Max(scores)
	out := make([]float64, len(scores))
	var sum float64
	for i, s := range scores {
		out[i] = math.Exp((s - top) / temperature)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// trainingDoc is a labelled text the classifier learned from, kept for
// calibration.
type trainingDoc struct {
	class  int
	feats  []string
	weight float64
}

// calibrate picks the temperature that maximises the leave-one-out
// likelihood of the held-out documents' true OPDs.
func (c *classifier) calibrate(docs []trainingDoc) {
	type heldOut struct {
		scores []float64
		class  int
	}
	var held []heldOut
	for _, d := range docs {
		c.add(d.class, d.feats, -d.weight)
		scores, known := c.logScores(d.feats)
		c.add(d.class, d.feats, d.weight)
		if known > 0 {
			held = append(held, heldOut{scores, d.class})
		}
	}
	if len(held) < 5 {
		return
	}
	best, bestLL := 1.0, math.Inf(-1)
	for t := 0.5; t <= 30; t *= 1.15 {
		ll := 0.0
		for _, h := range held {
			ll += math.Log(softmax(h.scores, t)[h.class] + 1e-12)
		}
		if ll > bestLL {
			best, bestLL = t, ll
		}
	}
	c.temperature = best
}
