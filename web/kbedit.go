package web

import "github.com/pemkab-kebumen/sigap"

// cloneKB copies the lists an admin edits, so the KB in force is never
// changed in place.
func cloneKB(k *sigap.KB) *sigap.KB {
	c := *k
	c.OPDs = append([]sigap.OPD(nil), k.OPDs...)
	c.FAQs = append([]sigap.FAQ(nil), k.FAQs...)
	return &c
}
