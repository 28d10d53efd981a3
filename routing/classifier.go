package routing

import (
	"math"
	"slices"
)

// classifier is a multinomial naive Bayes model of which OPD a message
// belongs to, over normalised topic words and their bigrams. Counts can be
// added at any time, which is how staff transfers teach it.
//
// Each feature's evidence is weighted by how specific it is to few OPDs, so
// that a word one OPD owns ("kir") outweighs words many OPDs use ("kartu",
// "hilang") however often the largest OPD's texts repeat them.
type classifier struct {
	opds []string
	ids  map[string]int32 // feature → row
	// rows holds per feature the OPDs whose texts have it. Most features
	// (bigrams above all) occur in one OPD's texts, so rows are sparse.
	rows   [][]cell
	sums   []float64 // per row: the counts' sum over all OPDs
	bgLogs []float64 // per row: the background's log(sum/OPDs + smoothing)
	weight []float64 // per row: the feature's specificity
	// stale marks the rows whose counts changed since their logarithms and
	// weight were computed; staleRows lists them.
	stale     []bool
	staleRows []int32
	totals    []float64 // per OPD and, last, their sum
	// denoms holds log(total + smoothing·vocabulary) per OPD and, last,
	// the background's.
	denoms []float64
	// temperature softens the naive Bayes scores, which are far too sure of
	// themselves, into calibrated probabilities.
	temperature float64
}

// cell is a feature's weighted count in one OPD's texts, and the log-odds
// gain that count gives the OPD over one whose texts lack the feature.
type cell struct {
	class int32
	count float64
	gain  float64 // log(count + smoothing) - log(smoothing)
}

// specificityPrior is the weight of texts, spread over all OPDs in
// proportion to the size of their texts, that specificity assumes besides
// a feature's counts.
const specificityPrior = 0.5

// smoothing is the additive (Lidstone) smoothing of the counts.
const smoothing = 0.1

// minCount is the count below which a cell counts as empty: a text learnt
// and then unlearnt (Router.Update) leaves its cells at zero give or take
// rounding.
const minCount = 1e-9

func newClassifier(opds []string) *classifier {
	c := &classifier{
		opds: opds, ids: map[string]int32{},
		totals: make([]float64, len(opds)+1), denoms: make([]float64, len(opds)+1),
		temperature: 1,
	}
	c.updateDenoms()
	return c
}

// width is the number of scores: one per OPD and one for the background.
func (c *classifier) width() int { return len(c.opds) + 1 }

// featuresOf returns a message's topic words and the bigrams of
// consecutive ones.
func featuresOf(words []string) []string {
	feats := slices.Clone(words)
	for i := 1; i < len(words); i++ {
		feats = append(feats, words[i-1]+" "+words[i])
	}
	return feats
}

// lookup appends to rows the rows of the words and of the bigrams of
// consecutive words that the model knows, in the order featuresOf lists
// them, without building the bigram strings; and to mults each row's
// multiplier, from mult (a bigram takes the smaller of its words'). A nil
// mult counts every word once.
func (c *classifier) lookup(words []string, mult []float64, rows []int32, mults []float64) ([]int32, []float64) {
	m := func(i int) float64 {
		if mult == nil {
			return 1
		}
		return mult[i]
	}
	for i, w := range words {
		if id, ok := c.ids[w]; ok {
			rows, mults = append(rows, id), append(mults, m(i))
		}
	}
	var buf [64]byte
	for i := 1; i < len(words); i++ {
		key := append(append(append(buf[:0], words[i-1]...), ' '), words[i]...)
		if id, ok := c.ids[string(key)]; ok {
			rows, mults = append(rows, id), append(mults, min(m(i-1), m(i)))
		}
	}
	return rows, mults
}

// onlyClass returns the class that owns feature f, or -1 when none or
// several do: the one class whose texts have it, or one that holds it
// ownership times as much as all others together. An FAQ answer's passing
// mention of a body's service ("jalan provinsi diteruskan ke provinsi",
// counted at weightAnswer) does not make the service its OPD's. It takes
// the feature's bytes: a map index by string(bytes) does not allocate.
func (c *classifier) onlyClass(f []byte) int {
	id, ok := c.ids[string(f)]
	if !ok {
		return -1
	}
	rows := c.rows[id]
	best, total := -1, 0.0
	for i, x := range rows {
		total += x.count
		if best < 0 || x.count > rows[best].count {
			best = i
		}
	}
	if best < 0 {
		return -1
	}
	top := rows[best].count
	if rest := total - top; top <= minCount || rest > minCount && rest*ownership > top {
		return -1
	}
	return int(rows[best].class)
}

// ownership is how many times the counts of all other classes together a
// class must hold a feature to own it (see onlyClass): more than an
// affair's phrase (weightAffair) against a body's (weightOutside), so
// only passing mentions yield.
const ownership = 5

// add counts feats for class. The model is stale until refresh.
func (c *classifier) add(class int, feats []string, weight float64) {
	k := len(c.opds)
	for _, f := range feats {
		id, ok := c.ids[f]
		if !ok {
			id = int32(len(c.rows))
			c.ids[f] = id
			c.rows = append(c.rows, nil)
			c.sums = append(c.sums, 0)
			c.bgLogs = append(c.bgLogs, 0)
			c.weight = append(c.weight, 0)
			c.stale = append(c.stale, false)
		}
		i := slices.IndexFunc(c.rows[id], func(x cell) bool { return x.class == int32(class) })
		if i < 0 {
			i = len(c.rows[id])
			c.rows[id] = append(c.rows[id], cell{class: int32(class)})
		}
		c.rows[id][i].count += weight
		c.sums[id] += weight
		c.totals[class] += weight
		c.totals[k] += weight
		if !c.stale[id] {
			c.stale[id] = true
			c.staleRows = append(c.staleRows, id)
		}
	}
}

// refresh recomputes what the counts added since the last refresh change.
func (c *classifier) refresh() {
	for _, id := range c.staleRows {
		c.updateRow(id)
		c.stale[id] = false
	}
	c.staleRows = c.staleRows[:0]
	c.updateDenoms()
}

var logSmoothing = math.Log(smoothing)

func (c *classifier) updateRow(id int32) {
	row := c.rows[id]
	for i := range row {
		row[i].gain = math.Log(row[i].count+smoothing) - logSmoothing
	}
	c.bgLogs[id] = math.Log(c.sums[id]/float64(len(c.opds)) + smoothing)
	c.weight[id] = c.specificity(row)
}

// specificity is near 1 for a feature only one OPD uses, falling towards
// 0 as the feature spreads evenly over all OPDs: one minus the normalised
// entropy of the OPD given the feature, with each OPD's counts taken
// relative to the size of its texts. A prior spread over all OPDs keeps a
// feature seen once from counting as surely specific as one an OPD uses
// again and again.
func (c *classifier) specificity(row []cell) float64 {
	k := len(c.opds)
	if k < 2 || c.totals[k] == 0 {
		return 1
	}
	prior := specificityPrior / c.totals[k]
	sum := float64(k) * prior
	for _, x := range row {
		if x.count > minCount && c.totals[x.class] > 0 {
			sum += x.count / c.totals[x.class]
		}
	}
	h := 0.0
	rest := k
	for _, x := range row {
		if x.count > minCount && c.totals[x.class] > 0 {
			p := (x.count/c.totals[x.class] + prior) / sum
			h -= p * math.Log(p)
			rest--
		}
	}
	if prior > 0 && rest > 0 {
		p := prior / sum
		h -= float64(rest) * p * math.Log(p)
	}
	return max(0, 1-h/math.Log(float64(k)))
}

func (c *classifier) updateDenoms() {
	vocab := float64(len(c.rows))
	k := len(c.opds)
	for i := range k {
		c.denoms[i] = math.Log(c.totals[i] + smoothing*vocab)
	}
	c.denoms[k] = math.Log(c.totals[k]/float64(k) + smoothing*vocab)
}

// logScores writes into scores (one slot per OPD and, last, one for the
// background) the weighted log-likelihood of the known features (each
// counted mults[i] times; nil: once) under each
// OPD and under the background (all OPDs' texts pooled). The background
// wins when a message's words are common to many OPDs and specific to
// none: then no OPD clearly owns it.
func (c *classifier) logScores(rows []int32, mults []float64, scores []float64) {
	clear(scores)
	k := len(c.opds)
	var mass float64
	for i, id := range rows {
		w := c.weight[id]
		if mults != nil {
			w *= mults[i]
		}
		mass += w
		for _, x := range c.rows[id] {
			scores[x.class] += w * x.gain
		}
		scores[k] += w * c.bgLogs[id]
	}
	for i := range k {
		scores[i] += mass * (logSmoothing - c.denoms[i])
	}
	scores[k] -= mass * c.denoms[k]
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

// maxCalibrationDocs bounds how many documents calibration holds out: a
// few thousand fix one temperature well.
const maxCalibrationDocs = 2000

// calibrate picks the temperature that maximises the leave-one-out
// likelihood of the held-out documents' true OPDs.
func (c *classifier) calibrate(docs []trainingDoc) {
	type heldOut struct {
		scores []float64
		class  int
	}
	var held []heldOut
	var rows []int32
	stride := max(1, len(docs)/maxCalibrationDocs)
	for i := 0; i < len(docs); i += stride {
		d := docs[i]
		c.add(d.class, d.feats, -d.weight)
		c.refresh()
		rows = rows[:0]
		for _, f := range d.feats {
			if id, ok := c.ids[f]; ok {
				rows = append(rows, id)
			}
		}
		scores := make([]float64, c.width())
		c.logScores(rows, nil, scores)
		c.add(d.class, d.feats, d.weight)
		c.refresh()
		if len(rows) > 0 {
			held = append(held, heldOut{scores, d.class})
		}
	}
	if len(held) < 5 {
		return
	}
	probs := make([]float64, c.width())
	best, bestLL := 1.0, math.Inf(-1)
	for t := 0.2; t <= 30; t *= 1.15 {
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
