package learning

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/lang"
)

// Window is how far back Unanswered reads the questions no FAQ answered.
const Window = 30 * 24 * time.Hour

const (
	maxQuestions   = 5000 // the newest questions Unanswered reads, at most
	minGroup       = 2    // one question is no pattern
	shownGroups    = 20
	shownQuestions = 5 // a group's questions shown, and put in a draft FAQ
	shownWords     = 4
	// similarity is the cosine, over the idf-weighted topic words of the
	// questions, from which a question joins a group: what the questions
	// ask, not how they ask it.
	similarity = 0.4
)

// A Group is recent questions that ask the same thing, which no FAQ
// answers.
type Group struct {
	// Lead is the code of the group's newest ticket, which names it.
	Lead string
	// OPD holds most of its tickets, where staff left them.
	OPD   string
	Count int
	// Questions are its distinct questions, newest first, at most
	// shownQuestions.
	Questions []string
	// Words are the topic words most of its questions share.
	Words  []string
	Latest time.Time
	codes  []string // its tickets'
}

// Unanswered groups the questions of the last Window to which no FAQ
// answered and none answers now (an FAQ written since answers them), the
// largest groups first. Only messages that ask something count.
func (l *Learner) Unanswered(ctx context.Context) ([]Group, error) {
	groups, err := l.groups(ctx)
	if len(groups) > shownGroups {
		groups = groups[:shownGroups]
	}
	return groups, err
}

// Draft is an FAQ to write from the group that holds the ticket code: its
// OPD, its questions and an ID from its words; the admin writes the
// answer.
func (l *Learner) Draft(ctx context.Context, code string) (sigap.FAQ, error) {
	groups, err := l.groups(ctx)
	if err != nil {
		return sigap.FAQ{}, err
	}
	for _, g := range groups {
		if slices.Contains(g.codes, code) {
			return sigap.FAQ{ID: draftID(l.cfg.KB.Get(), g.Words), OPD: g.OPD, Questions: g.Questions}, nil
		}
	}
	return sigap.FAQ{}, sigap.Errorf(sigap.ENOTFOUND, "Tidak ada lagi kelompok pertanyaan dengan tiket %s; mungkin sudah dijawab FAQ.", code)
}

// draftID makes an FAQ ID of words that no FAQ of k has.
func draftID(k *sigap.KB, words []string) string {
	base := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, strings.Join(words[:min(3, len(words))], "-"))
	if base == "" {
		base = "faq"
	}
	id := base
	for n := 2; ; n++ {
		if _, taken := k.FAQ(id); !taken {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, n)
	}
}

// asked is a question and its topic words.
type asked struct {
	t     sigap.Ticket
	terms []string
}

// groups reads the recent unanswered questions and groups them, the
// largest groups first.
func (l *Learner) groups(ctx context.Context) ([]Group, error) {
	since := l.cfg.Now().Add(-Window)
	tickets, err := sigap.Read(ctx, l.cfg.Store, func(tx sigap.Tx) ([]sigap.Ticket, error) {
		return tx.UnansweredQuestions(ctx, since, maxQuestions)
	})
	if err != nil {
		return nil, fmt.Errorf("learning: unanswered questions: %w", err)
	}
	k := l.cfg.KB.Get()
	norm := l.words.of(k)
	memo := l.readings.of(k, l.cfg.Now())
	var qs []asked
	for _, t := range tickets {
		r, ok := memo.get(t)
		if !ok {
			terms, asks := read(norm, t.Subject)
			r = reading{subject: t.Subject, terms: terms,
				open: asks && len(terms) > 0 && l.cfg.Router.Decide(t.Subject).Action != sigap.ActionFAQ}
			memo.put(t, r)
		}
		if r.open {
			qs = append(qs, asked{t, r.terms})
		}
	}
	return group(qs), nil
}

// readingsKept is how long a question's reading is reused. Within it a
// visit of the Usulan page decides only the questions that came since.
// The readings start again when the KB changes (after the router took the
// change in) and when the learner teaches the router; a lesson it did not
// give (a staff transfer) shows within readingsKept.
const readingsKept = 10 * time.Minute

// reading is what groups learnt of one question.
type reading struct {
	subject string
	terms   []string
	open    bool // it asks something, and no FAQ answers it now
}

// readingsCache keeps the readings of the questions, by ticket, for one
// KB and router and for readingsKept: deciding 5,000 questions takes most
// of a second, at every visit of the page.
type readingsCache struct {
	mu  sync.Mutex
	cur *readings
}

// readings are the readings of one generation: one KB, one router, from
// since. A visit reads and writes the generation it began with, so what
// it learnt of an older KB never reaches a newer one.
type readings struct {
	kb    *sigap.KB
	since time.Time
	mu    sync.Mutex
	byID  map[int64]reading
}

// of returns the generation for KB k at now, a new one when k is not the
// KB of the current one or it is older than readingsKept.
func (c *readingsCache) of(k *sigap.KB, now time.Time) *readings {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g := c.cur; g == nil || g.kb != k || now.Sub(g.since) >= readingsKept || now.Before(g.since) {
		c.cur = &readings{kb: k, since: now, byID: map[int64]reading{}}
	}
	return c.cur
}

// reset ends the current generation: the router changed.
func (c *readingsCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur = nil
}

func (g *readings) get(t sigap.Ticket) (reading, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	r, ok := g.byID[t.ID]
	return r, ok && r.subject == t.Subject
}

func (g *readings) put(t sigap.Ticket, r reading) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.byID[t.ID] = r
}

// read returns the distinct words of text that say what it is about, and
// whether it asks something. A report that asks nothing ("the street
// light is out") is a case for an officer, which no FAQ answers.
func read(norm *lang.Normalizer, text string) (terms []string, asks bool) {
	a := norm.Analyze(text)
	for i, t := range a.Tokens {
		if a.Topic[i] && !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	for _, c := range a.Clauses {
		asks = asks || c.Asks
	}
	return terms, asks
}

// A cluster is a group in the making: the sum of its questions' vectors
// and the questions, in the order given.
type cluster struct {
	sum     map[string]float64
	norm2   float64 // the squared length of sum
	members []int
}

// group puts each question, newest first, in the group whose questions
// it is most similar to, or in a new group; it returns the groups of at
// least minGroup questions.
func group(qs []asked) []Group {
	df := map[string]int{}
	for _, q := range qs {
		for _, t := range q.terms {
			df[t]++
		}
	}
	weight := func(t string) float64 { return math.Log(1 + float64(len(qs))/float64(df[t])) }
	var cs []*cluster
	withTerm := map[string][]int{} // the clusters that have a term
	for i, q := range qs {
		best, bestSim := -1, similarity
		qnorm2 := 0.0
		for _, t := range q.terms {
			qnorm2 += weight(t) * weight(t)
		}
		var seen []int
		for _, t := range q.terms {
			for _, c := range withTerm[t] {
				if slices.Contains(seen, c) {
					continue
				}
				seen = append(seen, c)
				dot := 0.0
				for _, u := range q.terms {
					dot += weight(u) * cs[c].sum[u]
				}
				if sim := dot / math.Sqrt(qnorm2*cs[c].norm2); sim >= bestSim {
					best, bestSim = c, sim
				}
			}
		}
		if best < 0 {
			cs = append(cs, &cluster{sum: map[string]float64{}})
			best = len(cs) - 1
		}
		c := cs[best]
		for _, t := range q.terms {
			old := c.sum[t]
			if old == 0 {
				withTerm[t] = append(withTerm[t], best)
			}
			c.sum[t] = old + weight(t)
			c.norm2 += c.sum[t]*c.sum[t] - old*old
		}
		c.members = append(c.members, i)
	}
	var groups []Group
	for _, c := range cs {
		if len(c.members) >= minGroup {
			groups = append(groups, describe(qs, c.members, weight))
		}
	}
	sort.SliceStable(groups, func(i, j int) bool {
		if groups[i].Count != groups[j].Count {
			return groups[i].Count > groups[j].Count
		}
		return groups[i].Latest.After(groups[j].Latest)
	})
	return groups
}

// describe makes the Group of the questions members, newest first.
func describe(qs []asked, members []int, weight func(string) float64) Group {
	lead := qs[members[0]].t
	g := Group{Lead: lead.Code, Count: len(members), Latest: lead.CreatedAt}
	opds, has := map[string]int{}, map[string]int{}
	var keys, terms []string
	for _, m := range members {
		t := qs[m].t
		g.codes = append(g.codes, t.Code)
		if opds[t.OPD]++; opds[t.OPD] > opds[g.OPD] {
			g.OPD = t.OPD // a tie keeps the newer question's
		}
		// A number that may be a phone or a NIK is the citizen's own:
		// neither the page nor a draft FAQ shows it.
		q := personalNumber.ReplaceAllString(t.Subject, "[nomor]")
		if key := sigap.QuestionKey(q); !slices.Contains(keys, key) && len(g.Questions) < shownQuestions {
			keys = append(keys, key)
			g.Questions = append(g.Questions, q)
		}
		for _, w := range qs[m].terms {
			if has[w]++; has[w] == 1 {
				terms = append(terms, w)
			}
		}
	}
	sort.SliceStable(terms, func(i, j int) bool {
		if has[terms[i]] != has[terms[j]] {
			return has[terms[i]] > has[terms[j]]
		}
		return weight(terms[i]) > weight(terms[j])
	})
	for i, w := range terms {
		if i > 0 && (i == shownWords || 2*has[w] < len(members)) {
			break
		}
		g.Words = append(g.Words, w)
	}
	return g
}

// wordsCache keeps a normaliser of the KB in force, which reads a question
// as the router does, with the KB's words and synonyms; building one for
// each page would cost more than the page.
type wordsCache struct {
	mu   sync.Mutex
	kb   *sigap.KB
	norm *lang.Normalizer
}

func (c *wordsCache) of(k *sigap.KB) *lang.Normalizer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kb != k {
		var texts []string
		for _, o := range k.OPDs {
			texts = append(texts, o.Name, o.Description, strings.Join(o.Keywords, ", "))
			texts = append(texts, o.Examples...)
		}
		for _, f := range k.FAQs {
			texts = append(texts, f.Questions...)
			texts = append(texts, f.Answer)
		}
		c.kb, c.norm = k, lang.New(k.Synonyms, texts...)
	}
	return c.norm
}
