package routing

import (
	"maps"
	"reflect"
	"slices"

	"github.com/pemkab-kebumen/sigap"
)

// Update applies to the router the FAQ changes of kb, an edit of the KB
// the router was built from, and reports true; it reports false, changing
// nothing, when kb changes more than FAQs (OPDs, the triage OPD, synonyms)
// or has an FAQ of an OPD it lacks: build a new Router with New then. Only
// the FAQs that changed are re-indexed (faq.Index.Update), and the
// classifier unlearns their old texts and learns the new ones, so an
// admin's edit takes a fraction of a millisecond instead of a rebuild. The
// calibrations stay as fitted when the router was built.
func (r *Router) Update(kb *sigap.KB) bool {
	if kb == nil || kb.TriageOPD != r.kb.TriageOPD || !reflect.DeepEqual(kb.OPDs, r.kb.OPDs) || !maps.Equal(kb.Synonyms, r.kb.Synonyms) {
		return false
	}
	for _, f := range kb.FAQs {
		if _, ok := r.opdAt[f.OPD]; !ok {
			return false
		}
	}
	r.faqsMu.Lock()
	defer r.faqsMu.Unlock()
	seen := make([]bool, len(r.faqs))
	changed := false // an FAQ was added or removed
	for _, f := range kb.FAQs {
		i, ok := r.faqAt[f.ID]
		if ok {
			seen[i] = true
			prev := r.faqs[i]
			if prev.OPD == f.OPD && prev.Answer == f.Answer && slices.Equal(prev.Questions, f.Questions) {
				continue
			}
			r.teachFAQ(prev, -1)
			r.faqs[i] = f
		} else {
			changed = true
		}
		r.teachFAQ(f, 1)
		r.index.Update(f)
	}
	for i, f := range r.faqs {
		if !seen[i] && r.faqAt[f.ID] == i {
			changed = true
			r.teachFAQ(f, -1)
			r.index.Remove(f.ID)
		}
	}
	if changed {
		r.holdFAQs(kb.FAQs)
	}
	return true
}

// holdFAQs records faqs as the FAQs the router holds.
func (r *Router) holdFAQs(faqs []sigap.FAQ) {
	r.faqs = slices.Clone(faqs)
	r.faqAt = make(map[string]int, len(faqs))
	for i, f := range faqs {
		r.faqAt[f.ID] = i
	}
}

// teachFAQ adds (sign 1) or takes back (sign -1) an FAQ's texts from the
// classifier, with the weights New gives them.
func (r *Router) teachFAQ(f sigap.FAQ, sign float64) {
	class := r.opdAt[f.OPD]
	var feats [][]string
	for _, q := range f.Questions {
		feats = append(feats, r.kbFeatures(q))
	}
	answer := r.kbFeatures(f.Answer)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, fs := range feats {
		r.model.add(class, fs, sign*weightText)
	}
	r.model.add(class, answer, sign*weightAnswer)
	r.model.refresh()
}

// AddNegative records that the FAQ with the given ID did not answer text
// (a citizen answered "2" to it): a message that fits the example as well
// as the FAQ is no longer answered with it. Approved paraphrases, the
// other half of learning from use, join the KB's FAQ questions and reach
// the router through Update.
func (r *Router) AddNegative(faqID, text string) error {
	return r.index.AddNegative(faqID, clip(text))
}
