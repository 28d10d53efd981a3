package faq

import "github.com/pemkab-kebumen/sigap/lang"

// Model is for debugging.
func (ix *Index) Model() any { return ix.model }

// Features is for debugging.
func (ix *Index) Features(a lang.Analysis) []float64 {
	m := ix.prepare(a)
	ss := ix.score(m, -1, 2)
	if len(ss) == 0 {
		return nil
	}
	g, neg := ix.contrastFits(m, -1)
	v := candidateFeatures(ss, 0, max(g, neg[ss[0].faq])).vector()
	return v[:]
}
