package routing

import (
	"math"
	"slices"

	"github.com/pemkab-kebumen/sigap/lang"
)

// classifier is a multinomial naive Bayes model of which OPD a message
// belongs to, over normalised topic words and their bigrams. Counts can be
// added at any time, which is how staff transfers teach it.
//
// Each feature's evidence is weighted by how specific it is to few OPDs, so
// that a word one OPD owns ("kir") outweighs words many OPDs use ("kartu",
// "hilang") however often the largest OPD's texts repeat them.
type classifier struct {
	opds  []string
	ids   map[string]int32 // feature → row
	width int              // per row: one slot per OPD and one for the background
	// counts holds per row the weighted count of the feature in each OPD's
	// texts and, last, their sum; logs holds log(count + smoothing) per
	// OPD and, last, the background's log(sum/OPDs + smoothing).
	counts []float64
	logs   []float64
	weight []float64 // per row: the feature's specificity
	totals []float64 // per OPD and, last, their sum
	// denoms holds log(total + smoothing·vocabulary) per OPD and, last,
	// the background's.
	denoms []float64
	// temperature softens the naive Bayes scores, which are far too sure of
	// themselves, into calibrated probabilities.
	temperature float64
}

// smoothing is the additive (Lidstone) smoothing of the counts.
const smoothing = 0.1

func newClassifier(opds []string) *classifier {
	c := &classifier{
		opds: opds, ids: map[string]int32{}, width: len(opds) + 1,
		totals: make([]float64, len(opds)+1), denoms: make([]float64, len(opds)+1),
		temperature: 1,
	}
	c.updateDenoms()
	return c
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

// lookup appends to dst the rows of the words and of the bigrams of
// consecutive words that the model knows, in the order featuresOf lists
// them, without building the bigram strings.
func (c *classifier) lookup(words []string, dst []int32) []int32 {
	for _, w := range words {
		if id, ok := c.ids[w]; ok {
			dst = append(dst, id)
		}
	}
	var buf [64]byte
	for i := 1; i < len(words); i++ {
		key := append(append(append(buf[:0], words[i-1]...), ' '), words[i]...)
		if id, ok := c.ids[string(key)]; ok {
			dst = append(dst, id)
		}
	}
	return dst
}

func (c *classifier) add(class int, feats []string, weight float64) {
	k := len(c.opds)
	for _, f := range feats {
		id, ok := c.ids[f]
		if !ok {
			id = int32(len(c.weight))
			c.ids[f] = id
			c.counts = append(c.counts, make([]float64, c.width)...)
			c.logs = append(c.logs, make([]float64, c.width)...)
			c.weight = append(c.weight, 0)
		}
		row := c.counts[int(id)*c.width:][:c.width]
		row[class] += weight
		row[k] += weight
		c.totals[class] += weight
		c.totals[k] += weight
		c.updateRow(id)
	}
	c.updateDenoms()
}

func (c *classifier) updateRow(id int32) {
	k := len(c.opds)
	row := c.counts[int(id)*c.width:][:c.width]
	logs := c.logs[int(id)*c.width:][:c.width]
	for i, n := range row[:k] {
		logs[i] = math.Log(n + smoothing)
	}
	logs[k] = math.Log(row[k]/float64(k) + smoothing)
	c.weight[id] = c.specificity(row[:k])
}

// specificity is 1 for a feature only one OPD uses, falling towards 0 as
// the feature spreads evenly over all OPDs: one minus the normalised
// entropy of the OPD given the feature, with each OPD's counts taken
// relative to the size of its texts.
func (c *classifier) specificity(row []float64) float64 {
	if specificityPower == 0 || len(row) < 2 {
		return 1
	}
	var sum float64
	for k, n := range row {
		if n > 0 && c.totals[k] > 0 {
			sum += n / c.totals[k]
		}
	}
	if sum == 0 {
		return 1
	}
	var h float64
	for k, n := range row {
		if n > 0 && c.totals[k] > 0 {
			p := n / c.totals[k] / sum
			h -= p * math.Log(p)
		}
	}
	return math.Pow(max(0, 1-h/math.Log(float64(len(row)))), specificityPower)
}

// specificityPower sharpens the specificity weights.
const specificityPower = 0.0

func (c *classifier) updateDenoms() {
	vocab := float64(len(c.weight))
	k := len(c.opds)
	for i := range k {
		c.denoms[i] = math.Log(c.totals[i] + smoothing*vocab)
	}
	c.denoms[k] = math.Log(c.totals[k]/float64(k) + smoothing*vocab)
}

// logScores writes into scores (one slot per OPD and, last, one for the
// background) the weighted log-likelihood of the known features under each
// OPD and under the background (all OPDs' texts pooled). The background
// wins when a message's words are common to many OPDs and specific to
// none: then no OPD clearly owns it.
func (c *classifier) logScores(rows []int32, scores []float64) {
	clear(scores)
	var mass float64
	for _, id := range rows {
		w := c.weight[id]
		mass += w
		logs := c.logs[int(id)*c.width:][:c.width]
		for k, l := range logs {
			scores[k] += w * l
		}
	}
	for k, d := range c.denoms {
		scores[k] -= mass * d
	}
}

// probabilities turns log scores into calibrated probabilities, in place.
func (c *classifier) probabilities(scores []float64) {
	softmax(scores, c.temperature)
}

func softmax(scores []float64, temperature float64) {
	top := slices.Max(scores)
	var sum float64
	for i, s := range scores {
		scores[i] = math.Exp((s - top) / temperature)
		sum += scores[i]
	}
	for i := range scores {
		scores[i] /= sum
	}
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
	var rows []int32
	for _, d := range docs {
		c.add(d.class, d.feats, -d.weight)
		rows = rows[:0]
		for _, f := range d.feats {
			if id, ok := c.ids[f]; ok {
				rows = append(rows, id)
			}
		}
		scores := make([]float64, c.width)
		c.logScores(rows, scores)
		c.add(d.class, d.feats, d.weight)
		if len(rows) > 0 {
			held = append(held, heldOut{scores, d.class})
		}
	}
	if len(held) < 5 {
		return
	}
	probs := make([]float64, c.width)
	best, bestLL := 1.0, math.Inf(-1)
	for t := 0.5; t <= 30; t *= 1.15 {
		ll := 0.0
		for _, h := range held {
			copy(probs, h.scores)
			softmax(probs, t)
			ll += math.Log(probs[h.class] + 1e-12)
		}
		if ll > bestLL {
			best, bestLL = t, ll
		}
	}
	c.temperature = best
}
