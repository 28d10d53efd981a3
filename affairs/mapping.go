package affairs

import (
	"math"
	"slices"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// Holding says which OPD of a knowledge base holds a service of the
// regency's affairs.
type Holding struct {
	Service *Service
	OPD     string  // the OPD's code; "" when no OPD holds the service
	Score   float64 // how strongly the OPD's own texts name the service
	// Direct is true when the OPD's texts name the service itself, false
	// when the OPD holds it because it holds most of the service's affair.
	Direct bool
}

// Tokenizer returns the normalised content words of a text, in order: the
// same normalisation the caller matches messages with, so that "lampu
// penerangan jalan" in a phrase meets "Penerangan Jalan Umum" in an OPD's
// description.
type Tokenizer func(text string) []string

// How much each of an OPD's texts says about what it holds: its name most,
// its examples (citizens' messages, which mention much besides) least.
const (
	weightName        = 3.0
	weightKeyword     = 2.0
	weightDescription = 1.5
	weightExample     = 0.5
)

// minDirect is the score at which an OPD's texts name a service: one
// specific phrase in its name, keywords or description, or several in its
// examples.
const minDirect = 4.0

// minByAffair is the score, summed over an affair's services, at which an
// OPD holds the services of that affair that no OPD names.
const minByAffair = 8.0

// minNameShare is the share of an affair's name words an OPD's name must
// have to count as named for the affair: "Dinas Pertanian dan Pangan" for
// "Pertanian", but not "Dinas Pekerjaan Umum" for "Tenaga Kerja".
const minNameShare = 0.67

// MaxSpread is how many services may share a word (Spread) before the
// word alone says nothing of which service it is: "bayar" is in "bayar
// pbb", "bayar pdam" and "bayar pajak motor", and says which only with its
// neighbour; and "jam kerja" reads as "kerja", which every labour service
// and "Dinas Pekerjaan Umum" have.
const MaxSpread = 3

// profile is an OPD's texts cut into fragments of normalised words, with
// the weight of the text each came from.
type profile struct {
	code      string
	fragments []fragment
	name      []string
	byWord    map[string][]int // word → the fragments that have it
}

type fragment struct {
	words  []string
	weight float64
}

// Map returns, for each service of Regency(), the OPD of opds that holds
// it: the OPD whose name, keywords, description and examples name the
// service's phrases most, weighing rare phrases more; or, for a service no
// OPD names, the OPD that holds most of its affair. The result is in the
// order of Regency().
func Map(opds []sigap.OPD, tokens Tokenizer) []Holding {
	profiles := make([]profile, len(opds))
	for i, o := range opds {
		profiles[i] = newProfile(o, tokens)
	}
	phrases, rarity := phraseRarity(tokens)

	var out []Holding
	for gi := range regency {
		g := &regency[gi]
		scores := make([][]float64, len(g.Services)) // per service, per OPD
		for si := range g.Services {
			scores[si] = make([]float64, len(profiles))
			for pi := range profiles {
				scores[si][pi] = profiles[pi].score(phrases[g.Code][si], rarity)
			}
		}
		byAffair := affairHolder(g, profiles, scores, tokens)
		for si := range g.Services {
			h := Holding{Service: &g.Services[si]}
			if best := argmax(scores[si]); best >= 0 && scores[si][best] >= minDirect {
				h.OPD, h.Score, h.Direct = profiles[best].code, scores[si][best], true
			} else if byAffair >= 0 {
				h.OPD = profiles[byAffair].code
			}
			out = append(out, h)
		}
	}
	return out
}

// affairHolder returns the index of the profile that holds most of g's
// services, counting a name that names the affair as one direct service,
// or -1 when none holds enough.
func affairHolder(g *Group, profiles []profile, scores [][]float64, tokens Tokenizer) int {
	affairName := tokens(g.Name)
	totals := make([]float64, len(profiles))
	for pi, p := range profiles {
		for si := range g.Services {
			totals[pi] += scores[si][pi]
		}
		if len(affairName) > 0 {
			named := 0
			for _, w := range affairName {
				if slices.Contains(p.name, w) {
					named++
				}
			}
			if float64(named)/float64(len(affairName)) >= minNameShare {
				totals[pi] += minByAffair
			}
		}
	}
	best := argmax(totals)
	if best < 0 || totals[best] < minByAffair {
		return -1
	}
	return best
}

func argmax(xs []float64) int {
	best := -1
	for i, x := range xs {
		if x > 0 && (best < 0 || x > xs[best]) {
			best = i
		}
	}
	return best
}

// newProfile cuts an OPD's texts into fragments at commas, semicolons and
// brackets, so that a phrase is only found within one item of a list.
func newProfile(o sigap.OPD, tokens Tokenizer) profile {
	p := profile{code: o.Code, name: tokens(o.Name)}
	add := func(text string, weight float64) {
		for f := range strings.FieldsFuncSeq(text, func(r rune) bool { return strings.ContainsRune(",;()/:", r) }) {
			if words := tokens(f); len(words) > 0 {
				p.fragments = append(p.fragments, fragment{words, weight})
			}
		}
	}
	add(o.Name, weightName)
	for _, k := range o.Keywords {
		add(k, weightKeyword)
	}
	add(o.Description, weightDescription)
	for _, e := range o.Examples {
		add(e, weightExample)
	}
	p.byWord = map[string][]int{}
	for i, f := range p.fragments {
		for _, w := range f.words {
			if l := p.byWord[w]; len(l) == 0 || l[len(l)-1] != i {
				p.byWord[w] = append(l, i)
			}
		}
	}
	return p
}

// score sums, over the phrases the profile's fragments contain, the
// phrase's rarity times the weight of the fragment containing it, scaled by
// the square root of the share of the fragment the phrase makes up: "lahir"
// alone says little of the fragment "akta lahir".
func (p *profile) score(phrases [][]string, rarity map[string]float64) float64 {
	total := 0.0
	for _, ph := range phrases {
		best := 0.0
		for _, i := range p.byWord[ph[0]] {
			f := p.fragments[i]
			if w := f.weight * math.Sqrt(float64(len(ph))/float64(len(f.words))); w > best && containsRun(f.words, ph) {
				best = w
			}
		}
		if best > 0 {
			total += best * rarity[strings.Join(ph, " ")]
		}
	}
	return total
}

// containsRun reports whether run occurs in words, consecutively.
func containsRun(words, run []string) bool {
	for i := 0; i+len(run) <= len(words); i++ {
		if slices.Equal(words[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

// phraseRarity normalises every service's phrases (and its name, itself a
// phrase) and weighs each by how few services share it: log(1 + services
// / services with the phrase). A phrase that comes down to one word many
// services share is left out (see MaxSpread).
func phraseRarity(tokens Tokenizer) (map[string][][][]string, map[string]float64) {
	spread := Spread(tokens)
	phrases := map[string][][][]string{} // affair → service → phrases
	count := map[string]int{}
	services := 0
	for _, g := range regency {
		for _, s := range g.Services {
			services++
			seen := map[string]bool{}
			var list [][]string
			for _, text := range append([]string{s.Name}, s.Phrases...) {
				words := tokens(text)
				key := strings.Join(words, " ")
				if len(words) == 0 || seen[key] || len(words) == 1 && spread[words[0]] > MaxSpread {
					continue
				}
				seen[key] = true
				count[key]++
				list = append(list, words)
			}
			phrases[g.Code] = append(phrases[g.Code], list)
		}
	}
	rarity := make(map[string]float64, len(count))
	for k, n := range count {
		rarity[k] = math.Log(1 + float64(services)/float64(n))
	}
	return phrases, rarity
}

// Spread counts, per normalised word, the services of the regency's
// affairs and of the outside bodies whose phrases have it: a word many
// services share names none of them alone.
func Spread(tokens Tokenizer) map[string]int {
	spread := map[string]int{}
	for _, groups := range [][]Group{regency, outside} {
		for _, g := range groups {
			for _, s := range g.Services {
				seen := map[string]bool{}
				for _, p := range s.Phrases {
					for _, w := range tokens(p) {
						if !seen[w] {
							seen[w] = true
							spread[w]++
						}
					}
				}
			}
		}
	}
	return spread
}
