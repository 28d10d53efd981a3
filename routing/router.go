// Package routing takes the triage decision for a citizen's message: answer
// from the FAQ, open a ticket in an OPD's queue, send it to the triage desk,
// or ask the citizen what they need.
package routing

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/faq"
	"github.com/pemkab-kebumen/sigap/lang"
)

// Weights of the texts the classifier learns from, per kind of text.
const (
	weightKeyword = 2.0 // an OPD's keywords name its topics outright
	weightText    = 1.0 // names, descriptions, examples, FAQ questions
	weightAnswer  = 0.3 // FAQ answers mention neighbouring topics too
	weightLearned = 3.0 // a staff transfer is a real message, labelled
)

// knownShareExponent sets how much a message's words unknown to the KB
// lower the routing confidence: a message mostly about things no OPD
// mentions is not confidently any OPD's, but citizens' messages always
// carry some words the KB lacks.
const knownShareExponent = 0.75

// outsidePenalty scales the routing confidence of a message that names a
// service of a body outside the regency (police, land agency, PLN): only
// an OPD the rest of the message points to very clearly keeps it.
const outsidePenalty = 0.5

// minRouteConfidence is the probability of the best OPD below which a
// ticket goes to the triage desk instead.
const minRouteConfidence = 0.5

// Router decides what to do with a message. It is safe for concurrent use.
type Router struct {
	kb    *sigap.KB
	norm  *lang.Normalizer
	index *faq.Index
	opdAt map[string]int
	// claimed holds per word the OPDs that name it among their topics: a
	// word of the outside list (lang.IsOutside) that an OPD claims is that
	// OPD's, and only that OPD's.
	claimed map[string][]string

	cues commentCues // for DecideComment

	mu    sync.RWMutex
	model *classifier

	scratch sync.Pool // of *scratch
}

// scratch is one decision's working memory, reused across decisions.
type scratch struct {
	rows   []int32   // the message's features the classifier knows
	scores []float64 // per OPD and the background
}

// New builds the normaliser, the FAQ index and the OPD classifier from kb,
// and learns from the staff transfers recorded so far.
func New(kb *sigap.KB, learned []sigap.Example) (*Router, error) {
	if kb == nil || len(kb.OPDs) == 0 {
		return nil, sigap.Errorf(sigap.EINVALID, "routing: the knowledge base has no OPD")
	}
	var vocab, contrast []string
	subjects := map[string][]string{}
	codes := make([]string, len(kb.OPDs))
	opdAt := map[string]int{}
	for i, o := range kb.OPDs {
		codes[i] = o.Code
		opdAt[o.Code] = i
		vocab = append(vocab, o.Name, o.Description, strings.Join(o.Keywords, ", "))
		vocab = append(vocab, o.Examples...)
		contrast = append(contrast, o.Examples...)
		subjects[o.Code] = append([]string{o.Name}, o.Keywords...)
	}
	if _, ok := opdAt[kb.TriageOPD]; !ok {
		return nil, sigap.Errorf(sigap.EINVALID, "routing: triage OPD %q is not in the knowledge base", kb.TriageOPD)
	}
	for _, f := range kb.FAQs {
		if _, ok := opdAt[f.OPD]; !ok {
			return nil, sigap.Errorf(sigap.EINVALID, "routing: FAQ %q belongs to unknown OPD %q", f.ID, f.OPD)
		}
		vocab = append(vocab, f.Questions...)
		vocab = append(vocab, f.Answer)
	}
	norm := lang.New(kb.Synonyms, vocab...)
	r := &Router{
		kb:      kb,
		norm:    norm,
		index:   faq.NewIndex(kb.FAQs, norm, subjects, contrast...),
		opdAt:   opdAt,
		claimed: map[string][]string{},
		model:   newClassifier(codes),
		cues:    newCommentCues(norm),
	}
	r.scratch.New = func() any { return &scratch{} }
	for code, texts := range subjects {
		for _, text := range texts {
			for _, t := range norm.Tokens(text) {
				if !slices.Contains(r.claimed[t], code) {
					r.claimed[t] = append(r.claimed[t], code)
				}
			}
		}
	}

	var docs []trainingDoc
	addDoc := func(class int, text string, weight float64, heldOut bool) {
		feats := r.features(text)
		r.model.add(class, feats, weight)
		if heldOut {
			docs = append(docs, trainingDoc{class, feats, weight})
		}
	}
	for i, o := range kb.OPDs {
		addDoc(i, o.Name, weightText, false)
		addDoc(i, o.Description, weightText, false)
		for _, k := range o.Keywords {
			addDoc(i, k, weightKeyword, false)
		}
		for _, e := range o.Examples {
			addDoc(i, e, weightText, true)
		}
	}
	for _, f := range kb.FAQs {
		for _, q := range f.Questions {
			addDoc(opdAt[f.OPD], q, weightText, true)
		}
		addDoc(opdAt[f.OPD], f.Answer, weightAnswer, false)
	}
	r.model.refresh()
	r.model.calibrate(docs)
	for _, e := range learned {
		if err := r.learn(e); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Router) features(text string) []string {
	tokens, names := r.norm.Analyze(text)
	return featuresOf(r.topicWords(tokens, names))
}

// Learn records a staff transfer: from now on the message's words count
// for the OPD staff chose. Examples for OPDs the KB does not have are
// ignored, since nothing could be routed there.
func (r *Router) Learn(e sigap.Example) {
	_ = r.learn(e)
}

func (r *Router) learn(e sigap.Example) error {
	class, ok := r.opdAt[e.OPD]
	if !ok {
		return sigap.Errorf(sigap.EINVALID, "routing: learned example for unknown OPD %q", e.OPD)
	}
	feats := r.features(e.Text)
	r.mu.Lock()
	r.model.add(class, feats, weightLearned)
	r.model.refresh()
	r.mu.Unlock()
	return nil
}

// outside returns the words of a service of a body outside the regency
// (lang.IsOutside) among words, but for those opd names among its topics:
// "polisi" is the police's unless the OPD is Satpol PP, whose name has it.
func (r *Router) outside(words []string, opd string) []string {
	var out []string
	for _, w := range words {
		if r.norm.IsOutside(w) && !slices.Contains(r.claimed[w], opd) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// topicWords returns the tokens that can say what a message is about.
func (r *Router) topicWords(tokens []string, names map[string]bool) []string {
	var words []string
	for _, t := range tokens {
		if r.norm.IsContent(t) && !names[t] {
			words = append(words, t)
		}
	}
	return words
}

// questionsAmongSentences returns the sentences of text that end in a
// question mark, when text also has sentences that do not; otherwise none.
func questionsAmongSentences(text string) []string {
	var questions []string
	sentences, start := 0, 0
	for i := 0; i < len(text); i++ {
		if !lang.SentenceEnd(text, i) {
			continue
		}
		if strings.TrimSpace(text[start:i]) != "" {
			sentences++
			if text[i] == '?' {
				questions = append(questions, text[start:i])
			}
		}
		start = i + 1
	}
	if strings.TrimSpace(text[start:]) != "" {
		sentences++
	}
	if len(questions) == sentences {
		return nil
	}
	return questions
}

// OPDScore is the probability that a message belongs to an OPD.
type OPDScore struct {
	OPD         string
	Probability float64
}

// Explanation shows how a decision was reached, for admins fixing their KB.
type Explanation struct {
	Decision   sigap.Decision
	Normalized string
	Topic      []string // the words the classifier used
	FAQs       []faq.Candidate
	OPDs       []OPDScore // best first
	// Background is the probability that no OPD owns the message: its
	// words are common to many OPDs and specific to none.
	Background float64
	Reasons    []string
}

// Decide returns the triage decision for text.
func (r *Router) Decide(text string) sigap.Decision {
	return r.explain(text, false).Decision
}

// explainedOPDs is how many OPD scores an Explanation lists.
const explainedOPDs = 5

// Explain decides and says why.
func (r *Router) Explain(text string) Explanation {
	return r.explain(text, true)
}

// explain decides on the first MaxText bytes of text; when verbose it also
// writes down why, which Decide, on the hot path of every message, does
// without.
func (r *Router) explain(text string, verbose bool) Explanation {
	text = clip(text)
	tokens, names := r.norm.Analyze(text)
	ex := Explanation{}
	why := func(format string, args ...any) {
		if verbose {
			ex.Reasons = append(ex.Reasons, fmt.Sprintf(format, args...))
		}
	}
	if verbose {
		ex.Normalized = strings.Join(tokens, " ")
	}
	words := r.topicWords(tokens, names)
	if verbose {
		ex.Topic = words
	}
	if len(words) == 0 {
		ex.Decision = sigap.Decision{Action: sigap.ActionClarify, Score: 1}
		why("no topic words: only greetings, thanks, function words or noise")
		return ex
	}

	// A question buried in a paragraph of circumstances says what the
	// message is about: its words count twice.
	var questionWords [][]string
	for _, q := range questionsAmongSentences(text) {
		qTokens, qNames := r.norm.Analyze(q)
		questionWords = append(questionWords, r.topicWords(qTokens, qNames))
		why("the question %q weighs double", strings.TrimSpace(q))
	}

	sc := r.scratch.Get().(*scratch)
	defer r.scratch.Put(sc)
	r.mu.RLock()
	sc.rows = r.model.lookup(words, sc.rows[:0])
	for _, qw := range questionWords {
		sc.rows = r.model.lookup(qw, sc.rows)
	}
	if len(sc.scores) != r.model.width() {
		sc.scores = make([]float64, r.model.width())
	}
	r.model.logScores(sc.rows, sc.scores)
	r.model.probabilities(sc.scores)
	knownWords := 0
	for _, w := range words {
		if _, ok := r.model.ids[w]; ok {
			knownWords++
		}
	}
	r.mu.RUnlock()
	known := len(sc.rows)
	probs := sc.scores[:len(r.kb.OPDs)]
	ex.Background = sc.scores[len(r.kb.OPDs)]
	top := OPDScore{r.kb.OPDs[0].Code, probs[0]}
	for i, p := range probs {
		if p > top.Probability {
			top = OPDScore{r.kb.OPDs[i].Code, p}
		}
	}
	if verbose {
		order := make([]int, len(probs))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return probs[order[a]] > probs[order[b]] })
		for _, i := range order[:min(explainedOPDs, len(order))] {
			ex.OPDs = append(ex.OPDs, OPDScore{r.kb.OPDs[i].Code, probs[i]})
		}
	}

	if verbose {
		ex.FAQs = r.index.MatchTokens(text, tokens, names)
	} else if best, ok := r.index.BestTokens(text, tokens, names); ok {
		ex.FAQs = []faq.Candidate{best}
	}
	if len(ex.FAQs) > 0 && ex.FAQs[0].Answerable {
		if outside := r.outside(words, ex.FAQs[0].OPD); slices.ContainsFunc(outside, func(w string) bool { return slices.Contains(ex.FAQs[0].Missing, w) }) {
			ex.FAQs[0].Answerable = false
			ex.FAQs[0].Reasons = append(ex.FAQs[0].Reasons, fmt.Sprintf("the message is about %s, which the FAQ does not speak of", strings.Join(outside, ", ")))
		}
	}
	if len(ex.FAQs) > 0 && ex.FAQs[0].Answerable {
		best := ex.FAQs[0]
		ex.Decision = sigap.Decision{Action: sigap.ActionFAQ, FAQ: best.FAQ, OPD: best.OPD, Score: best.Confidence}
		why("FAQ %s answers it (confidence %.2f): %s", best.FAQ, best.Confidence, strings.Join(best.Reasons, "; "))
		return ex
	}
	if len(ex.FAQs) > 0 {
		why("best FAQ %s not used: %s", ex.FAQs[0].FAQ, strings.Join(ex.FAQs[0].Reasons, "; "))
	}

	knownShare := float64(knownWords) / float64(len(words))
	confidence := top.Probability * math.Pow(knownShare, knownShareExponent)
	if outside := r.outside(words, top.OPD); len(outside) > 0 {
		confidence *= outsidePenalty
		why("the message names %s, a service outside the regency's OPDs", strings.Join(outside, ", "))
	}
	switch {
	case known == 0:
		ex.Decision = sigap.Decision{Action: sigap.ActionTriage, OPD: r.kb.TriageOPD, Score: 0}
		why("no word of the message occurs in the knowledge base")
	case confidence >= minRouteConfidence:
		ex.Decision = sigap.Decision{Action: sigap.ActionRoute, OPD: top.OPD, Score: confidence}
		why("routed to %s (probability %.2f, %d of %d topic words known)", top.OPD, top.Probability, knownWords, len(words))
	default:
		ex.Decision = sigap.Decision{Action: sigap.ActionTriage, OPD: r.kb.TriageOPD, Score: confidence}
		why("best OPD %s is not sure enough (probability %.2f, no OPD %.2f, %d of %d topic words known)", top.OPD, top.Probability, ex.Background, knownWords, len(words))
	}
	return ex
}
