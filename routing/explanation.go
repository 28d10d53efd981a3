package routing

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/faq"
)

// OPDScore is the probability that a message belongs to an OPD, or to a
// body outside the regency.
type OPDScore struct {
	OPD         string
	Probability float64
}

// Explanation shows how a decision was reached, for admins fixing their KB.
type Explanation struct {
	Decision   sigap.Decision
	Normalized string
	Topic      []string // the words the classifier used
	// Knowledge says which general knowledge the decision used: the
	// lexicons' and typo repair's rewrites, the question of a long
	// message, the affairs and outside bodies its words belong to.
	Knowledge []string
	FAQs      []faq.Candidate
	OPDs      []OPDScore // best first
	// Background is the probability that no OPD owns the message: its
	// words are common to many OPDs and specific to none.
	Background float64
	Reasons    []string
}

// Write writes the explanation for an admin fixing a KB.
func (ex Explanation) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	d := ex.Decision
	fmt.Fprintf(bw, "decision:   %s", d.Action)
	if d.FAQ != "" {
		fmt.Fprintf(bw, " faq=%s", d.FAQ)
	}
	if d.OPD != "" {
		fmt.Fprintf(bw, " opd=%s", d.OPD)
	}
	if d.Gesture != "" {
		fmt.Fprintf(bw, " gesture=%s", d.Gesture)
	}
	fmt.Fprintf(bw, " score=%.2f\n", d.Score)
	fmt.Fprintf(bw, "normalised: %s\n", ex.Normalized)
	fmt.Fprintf(bw, "topic:      %s\n", strings.Join(ex.Topic, " "))
	if len(ex.Knowledge) > 0 {
		fmt.Fprintln(bw, "\nknowledge used:")
		for _, k := range ex.Knowledge {
			fmt.Fprintf(bw, "  %s\n", k)
		}
	}
	fmt.Fprintln(bw, "\nFAQ candidates:")
	// A message that asks nothing is decided before the FAQs and the OPDs
	// are scored.
	scored := len(ex.OPDs) > 0
	switch {
	case !scored:
		fmt.Fprintln(bw, "  (not matched: decided before the FAQs)")
	case len(ex.FAQs) == 0:
		fmt.Fprintln(bw, "  (none shares a key term)")
	}
	for _, c := range ex.FAQs {
		fmt.Fprintf(bw, "  %-22s confidence %.2f  coverage %.2f  relevance %.2f  %s\n", c.FAQ, c.Confidence, c.Coverage, c.Relevance, c.OPD)
		fmt.Fprintf(bw, "    question: %s\n", c.Question)
		fmt.Fprintf(bw, "    matched:  %s\n", wordsOrNone(c.Matched))
		fmt.Fprintf(bw, "    missing:  %s\n", wordsOrNone(c.Missing))
		fmt.Fprintf(bw, "    verdict:  %s\n", strings.Join(c.Reasons, "; "))
	}
	fmt.Fprintln(bw, "\nOPD scores:")
	if !scored {
		fmt.Fprintln(bw, "  (not scored: decided before routing)")
	}
	for _, o := range ex.OPDs {
		fmt.Fprintf(bw, "  %-14s %.3f\n", o.OPD, o.Probability)
	}
	fmt.Fprintln(bw, "\nwhy:")
	for _, r := range ex.Reasons {
		fmt.Fprintf(bw, "  %s\n", r)
	}
	return bw.Flush()
}

// wordsOrNone joins words, or says there are none.
func wordsOrNone(words []string) string {
	if len(words) == 0 {
		return "(none)"
	}
	return strings.Join(words, " ")
}
