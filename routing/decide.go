package routing

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/faq"
	"github.com/pemkab-kebumen/sigap/lang"
)

// knownShareExponent sets how much a message's words unknown to the KB
// lower the routing confidence: a message mostly about things no OPD
// mentions is not confidently any OPD's, but citizens' messages always
// carry some words the KB lacks.
const knownShareExponent = 0.75

// minRouteConfidence is the probability of the best OPD below which a
// ticket goes to the triage desk instead.
const minRouteConfidence = 0.5

// maxIdleWords is how many topic words a thanks or an acknowledgement that
// asks nothing may carry and still be only that: "makasih, KTP-nya sudah
// jadi" thanks; it asks for nothing.
const maxIdleWords = 2

// explainedOPDs is how many OPD scores an Explanation lists, and
// explainedFAQs how many FAQ candidates.
const (
	explainedOPDs = 5
	explainedFAQs = 3
)

// Decide returns the triage decision for text.
func (r *Router) Decide(text string) sigap.Decision {
	ex, _ := r.explain(text, false)
	return ex.Decision
}

// Explain decides and says why.
func (r *Router) Explain(text string) Explanation {
	ex, _ := r.explain(text, true)
	return ex
}

// decision is one decision in the making.
type decision struct {
	ex      Explanation
	verbose bool
	a       lang.Analysis
	words   []string // topic words
	probs   []float64
	top     int // the best class
	known   int // the message's features the classifier knows
	knownW  int // the topic words among them
	// headBody is the body outside the regency (a class) that a feature of
	// the message's head (Router.head) names and no OPD's texts do, or -1;
	// headWords are those features.
	headBody  int
	headWords []string
}

// why writes down a reason; callers check d.verbose first, as even
// passing the arguments costs the hot path allocations.
func (d *decision) why(format string, args ...any) {
	d.ex.Reasons = append(d.ex.Reasons, fmt.Sprintf(format, args...))
}

// explain decides on the first MaxText bytes of text, and returns them as
// analysed; when verbose it also writes down why, which Decide, on the hot
// path of every message, does without.
func (r *Router) explain(text string, verbose bool) (Explanation, lang.Analysis) {
	text = clip(text)
	d := &decision{verbose: verbose, a: r.norm.Analyze(text)}
	d.words = r.topicWords(d.a)
	if verbose {
		d.ex.Normalized = strings.Join(d.a.Tokens, " ")
		d.ex.Topic = d.words
		d.ex.Knowledge = r.lexiconKnowledge(text)
	}
	if r.asksNothing(d) {
		return d.ex, d.a
	}
	r.classify(d)
	if r.answer(d) {
		return d.ex, d.a
	}
	r.route(d)
	return d.ex, d.a
}

// asksNothing decides clarify for a message with no topic word, or a
// thanks or acknowledgement that asks for nothing.
func (r *Router) asksNothing(d *decision) bool {
	g := gestureOf(d.a.Gestures)
	switch {
	case len(d.words) == 0:
		d.ex.Decision = sigap.Decision{Action: sigap.ActionClarify, Score: 1, Gesture: g}
		if d.verbose {
			d.why("no topic words: only greetings, thanks, function words or noise")
		}
		return true
	case (g == sigap.GestureThanks || g == sigap.GestureAck || g == sigap.GestureFarewell) &&
		len(d.words) <= maxIdleWords && !r.asksOrReports(d.a):
		d.ex.Decision = sigap.Decision{Action: sigap.ActionClarify, Score: 1, Gesture: g}
		if d.verbose {
			d.why("a %s that asks for nothing (%s)", g, strings.Join(d.words, " "))
		}
		return true
	case g == sigap.GestureThanks && r.friendlyThanks(d.a):
		d.ex.Decision = sigap.Decision{Action: sigap.ActionClarify, Score: 1, Gesture: g}
		if d.verbose {
			d.why("a thanks with praise or wishes that asks for nothing and reports no trouble")
		}
		return true
	}
	return false
}

// friendlyThanks reports whether a message that thanks also praises or
// wishes well (the praise of public comments), and neither asks (no
// question, no asking or request word) nor says that anything is wrong
// or not done (a problem, a negation), however long its story: "makasih
// min, kemarin lapor jalan, hari ini sudah ditambal, cepat sekali, sukses
// selalu".
func (r *Router) friendlyThanks(a lang.Analysis) bool {
	friendly := a.Gestures.Has(lang.GesturePraise) || r.cues.praise.in(a.Tokens)
	return friendly && !r.asksOrReports(a) && !r.cues.question.in(a.Tokens) && !r.cues.request.in(a.Tokens)
}

// asksOrReports reports whether a message asks something, reports a
// problem or asks an officer to act.
func (r *Router) asksOrReports(a lang.Analysis) bool {
	for _, c := range a.Clauses {
		if c.Question {
			return true
		}
	}
	for _, cue := range a.Cues {
		if cue&(lang.CueAsking|lang.CueProblem|lang.CuePolite|lang.CueNegation) != 0 {
			return true
		}
	}
	return false
}

// gestureOf returns the gesture a message that asks nothing makes: of
// several, the one that most needs its own answer.
func gestureOf(g lang.Gestures) sigap.Gesture {
	for _, c := range []struct {
		lang lang.Gesture
		out  sigap.Gesture
	}{
		{lang.GestureThanks, sigap.GestureThanks},
		{lang.GesturePraise, sigap.GestureThanks},
		{lang.GestureApology, sigap.GestureApology},
		{lang.GestureFarewell, sigap.GestureFarewell},
		{lang.GestureAck, sigap.GestureAck},
		{lang.GestureMedia, sigap.GestureMedia},
		{lang.GestureGreeting, sigap.GestureGreeting},
	} {
		if g.Has(c.lang) {
			return c.out
		}
	}
	return sigap.GestureNone
}

// classify scores the message's classes on its topic words, weighed by
// the part of the message they are in (Router.weighWords).
func (r *Router) classify(d *decision) {
	words, mult := r.weighWords(d.a)
	if d.verbose {
		if q := r.questionWords(d.a); len(q) > 0 {
			d.ex.Knowledge = append(d.ex.Knowledge, "question: "+strings.Join(q, " "))
		}
	}
	sc := r.scratch.Get().(*scratch)
	defer r.scratch.Put(sc)
	r.mu.RLock()
	sc.rows, sc.mults = r.model.lookup(words, mult, sc.rows[:0], sc.mults[:0])
	if len(sc.scores) != r.model.width() {
		sc.scores = make([]float64, r.model.width())
	}
	r.model.logScores(sc.rows, sc.mults, sc.scores)
	r.model.probabilities(sc.scores)
	for _, w := range d.words {
		if _, ok := r.model.ids[w]; ok {
			d.knownW++
		}
	}
	d.headBody, d.headWords = r.headBody(d.a)
	r.mu.RUnlock()
	d.known = len(sc.rows)
	d.probs = slices.Clone(sc.scores[:len(sc.scores)-1])
	d.ex.Background = sc.scores[len(sc.scores)-1]
	d.top = 0
	for i, p := range d.probs {
		if p > d.probs[d.top] {
			d.top = i
		}
	}
	if d.verbose {
		order := make([]int, len(d.probs))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return d.probs[order[a]] > d.probs[order[b]] })
		for _, i := range order[:min(explainedOPDs, len(order))] {
			d.ex.OPDs = append(d.ex.OPDs, OPDScore{r.model.opds[i], d.probs[i]})
		}
	}
}

// topBody returns the body outside the regency that is the message's best
// class, or nil.
func (r *Router) topBody(d *decision) *bodyMatch {
	if i := d.top - len(r.kb.OPDs); i >= 0 {
		return &bodyMatch{class: d.top, name: r.bodies[i].Name, words: r.taughtWords(d.top, d.words)}
	}
	return nil
}

// outsideBody returns the body outside the regency the message is about,
// or nil: the best class, or a body that the head of the message names
// with words no OPD's texts have ("bikin SKCK buat ngelamar kerja").
func (r *Router) outsideBody(d *decision) *bodyMatch {
	if b := r.topBody(d); b != nil {
		return b
	}
	if d.headBody >= 0 {
		return &bodyMatch{class: d.headBody, name: r.bodies[d.headBody-len(r.kb.OPDs)].Name, words: d.headWords}
	}
	return nil
}

// contestingBody returns the body outside the regency with the best score
// among those that hold at least minBodyShare of the message, or nil: an
// FAQ does not answer what may well be another body's matter ("daftar SMA"
// against the regency's FAQ on enrolling in its junior high schools).
func (r *Router) contestingBody(d *decision) *bodyMatch {
	if b := r.topBody(d); b != nil {
		return b
	}
	best := -1
	for i := len(r.kb.OPDs); i < len(d.probs); i++ {
		if d.probs[i] >= minBodyShare && (best < 0 || d.probs[i] > d.probs[best]) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	words := r.taughtWords(best, d.words)
	if len(words) == 0 {
		return nil
	}
	return &bodyMatch{class: best, name: r.bodies[best-len(r.kb.OPDs)].Name, words: words}
}

// minBodyShare is the score from which a body outside the regency contests
// an FAQ's answer.
const minBodyShare = 0.2

type bodyMatch struct {
	class int // the body's class
	name  string
	words []string // the message's words that name the body's services
}

// taughtWords returns the words among words that general knowledge taught
// class.
func (r *Router) taughtWords(class int, words []string) []string {
	var out []string
	for _, w := range words {
		if _, ok := r.taught[class][w]; ok && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// answer decides faq when the best FAQ answers the message. An FAQ does
// not answer a message about a body outside the regency unless it speaks
// of what the message names of that body: the KTP FAQ that tells citizens
// to bring a police letter still answers "do I need a police letter?".
func (r *Router) answer(d *decision) bool {
	if d.verbose {
		d.ex.FAQs = r.index.MatchAnalysis(d.a, explainedFAQs)
	} else if best, ok := r.index.Answer(d.a); ok {
		d.ex.FAQs = []faq.Candidate{best}
	}
	if len(d.ex.FAQs) == 0 {
		return false
	}
	best := &d.ex.FAQs[0]
	if best.Corroborable {
		r.corroborate(d, best)
	}
	if best.Answerable {
		if body := r.contestingBody(d); body != nil && !r.index.Speaks(best.FAQ, body.words) {
			best.Answerable = false
			best.Reasons = append(best.Reasons, fmt.Sprintf("the message may be about %s (%s), which the FAQ does not speak of", body.name, strings.Join(body.words, ", ")))
		}
	}
	if !best.Answerable {
		if d.verbose {
			d.why("best FAQ %s not used: %s", best.FAQ, strings.Join(best.Reasons, "; "))
		}
		return false
	}
	d.ex.Decision = sigap.Decision{Action: sigap.ActionFAQ, FAQ: best.FAQ, OPD: best.OPD, Score: best.Confidence}
	if d.verbose {
		d.why("FAQ %s answers it (confidence %.2f): %s", best.FAQ, best.Confidence, strings.Join(best.Reasons, "; "))
	}
	return true
}

// minAgreement is the OPD classifier's probability for an FAQ's OPD from
// which it corroborates an FAQ match whose confidence is short of
// answering on its own.
const minAgreement = 0.9

// corroborate makes an FAQ whose match is only somewhat confident
// answerable when the OPD classifier, which reads the message with the
// government knowledge besides the KB, independently holds the FAQ's OPD
// the message's owner, and no body outside the regency is named: two
// readings that agree are surer than either. The message must ask for
// information, as the questions an FAQ answers do.
func (r *Router) corroborate(d *decision, best *faq.Candidate) {
	if d.top >= len(r.kb.OPDs) || r.model.opds[d.top] != best.OPD || d.probs[d.top] < minAgreement {
		return
	}
	if r.outsideBody(d) != nil || !asksForInformation(d.a) {
		return
	}
	best.Answerable = true
	if d.verbose {
		best.Reasons = append(best.Reasons, fmt.Sprintf("but the OPD scores agree: %s holds the message (probability %.2f)", best.OPD, d.probs[d.top]))
	}
}

// asksForInformation reports whether a clause of a message that asks has a
// word that asks for information (how, what, when, how much, may I), as
// the questions an FAQ answers do: "ada solusi dari dinas?" asks for help,
// and "antrean lama sekali" asks nothing.
func asksForInformation(a lang.Analysis) bool {
	for _, c := range a.Clauses {
		if !c.Asks {
			continue
		}
		for _, cue := range a.Cues[c.Start:c.End] {
			if cue&lang.CueAsking != 0 {
				return true
			}
		}
	}
	return false
}

// route decides route or triage from the classifier's scores.
func (r *Router) route(d *decision) {
	triage := func(score float64) {
		d.ex.Decision = sigap.Decision{Action: sigap.ActionTriage, OPD: r.kb.TriageOPD, Score: score}
	}
	p := d.probs[d.top]
	confidence := p * math.Pow(float64(d.knownW)/float64(len(d.words)), knownShareExponent)
	if d.verbose {
		d.ex.Knowledge = append(d.ex.Knowledge, r.affairKnowledge(d)...)
	}
	switch body := r.outsideBody(d); {
	case d.known == 0:
		triage(0)
		if d.verbose {
			d.why("no word of the message occurs in the knowledge base or the government knowledge")
		}
	case body != nil:
		triage(confidence)
		if d.verbose {
			if d.top < len(r.kb.OPDs) {
				// The head of the message named the body; the scores
				// favour an OPD, whose affairs the lines above list.
				d.ex.Knowledge = append(d.ex.Knowledge, fmt.Sprintf("outside body: %s → %s, named by the message's head", strings.Join(body.words, " "), body.name))
				d.why("about %s (%s), a body outside the regency that the message's head names (probability %.2f, against %s's %.2f)",
					body.name, strings.Join(body.words, ", "), d.probs[body.class], r.model.opds[d.top], p)
			} else {
				d.why("about %s (%s), a body outside the regency (probability %.2f)", body.name, strings.Join(body.words, ", "), p)
			}
		}
	case confidence >= minRouteConfidence:
		d.ex.Decision = sigap.Decision{Action: sigap.ActionRoute, OPD: r.model.opds[d.top], Score: confidence}
		if d.verbose {
			d.why("routed to %s (probability %.2f, %d of %d topic words known)", r.model.opds[d.top], p, d.knownW, len(d.words))
		}
	default:
		triage(confidence)
		if d.verbose {
			d.why("best OPD %s is not sure enough (probability %.2f, no OPD %.2f, %d of %d topic words known)", r.model.opds[d.top], p, d.ex.Background, d.knownW, len(d.words))
		}
	}
}

// affairKnowledge says which of the message's words general knowledge
// taught the best class, and the services they name.
func (r *Router) affairKnowledge(d *decision) []string {
	words := r.taughtWords(d.top, d.words)
	if len(words) == 0 {
		return nil
	}
	services := map[string][]string{}
	var order []string
	for _, w := range words {
		s := r.taught[d.top][w]
		if _, ok := services[s]; !ok {
			order = append(order, s)
		}
		services[s] = append(services[s], w)
	}
	kind := "affairs"
	if d.top >= len(r.kb.OPDs) {
		kind = "outside body"
	}
	var out []string
	for _, s := range order {
		out = append(out, fmt.Sprintf("%s: %s → %s holds %q", kind, strings.Join(services[s], " "), r.model.opds[d.top], s))
	}
	return out
}

// lexiconKnowledge lists the words of text the lexicons, typo repair and
// the stemmer changed.
func (r *Router) lexiconKnowledge(text string) []string {
	var out []string
	for _, rw := range r.norm.Rewrites(text) {
		out = append(out, fmt.Sprintf("%s: %s → %s", rw.By, rw.From, rw.To))
	}
	return out
}
