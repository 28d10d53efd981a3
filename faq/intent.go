package faq

import (
	"slices"

	"github.com/pemkab-kebumen/sigap/lang"
)

// An FAQ answers a general question: how, what, when, how much. A citizen
// who reports a problem or asks after their own case ("I applied two months
// ago but…") needs an officer, even when every keyword matches an FAQ.
// Indonesian says which it is with function words, not inflection; the
// normaliser knows their grammatical functions (lang.Cue).

// intent is what a message (or an FAQ question) does, beyond its topic.
type intent struct {
	asks      bool // asks something: a question word or a question mark
	pending   bool // follows up a case under way
	followUp  bool // asks an officer to act ("mohon ditindaklanjuti")
	complains bool // questions how the citizen was served ("Itu resmi?")
}

// reading is the grammar of one message, token by token.
type reading struct {
	tokens []string
	cues   []lang.Cue
}

func (r *reading) has(i int, c lang.Cue) bool {
	return i >= 0 && i < len(r.cues) && r.cues[i]&c != 0
}

// within reports whether a token in tokens[from:to] (clipped) has cue c.
func (r *reading) within(from, to int, c lang.Cue) bool {
	for i := max(from, 0); i < min(to, len(r.tokens)); i++ {
		if r.cues[i]&c != 0 {
			return true
		}
	}
	return false
}

func readIntent(a lang.Analysis) intent {
	r := &reading{tokens: a.Tokens, cues: a.Cues}
	var in intent
	acted := -1 // where the citizen is first said to have started a service
	for _, c := range a.Clauses {
		if c.Question {
			in.asks = true
		}
		if at := r.actedIn(c); at >= 0 && acted < 0 {
			acted = at
		}
	}
	for i := range a.Tokens {
		if r.has(i, lang.CueAsking) {
			in.asks = true
		}
		// "kapan diperbaiki?", "mohon segera ditindaklanjuti": an officer is
		// asked to act.
		if r.has(i, lang.CuePolite|lang.CueWhen) && r.within(i+1, i+4, lang.CueRemedy) {
			in.followUp = true
		}
	}
	in.pending = r.waiting(acted) || r.doneButNot() || r.lasting()
	in.complains = r.reproaches(a)
	return in
}

// reproaches reports whether the message questions how the citizen was
// served: a question that judges what it points back to ("Itu resmi?",
// "apa memang begitu aturannya?").
func (r *reading) reproaches(a lang.Analysis) bool {
	for _, c := range a.Clauses {
		if c.Question && r.within(c.Start, c.End, lang.CueDeictic) && r.within(c.Start, c.End, lang.CueEvaluative) {
			return true
		}
	}
	return false
}

// doneButNot reports whether something is said done and then, after a
// contrast, not as it should be ("sudah 3 tahun masuk musrenbang tapi
// tidak pernah direalisasikan"), unless the message asks how a service is
// obtained ("sertifikat sudah balik nama, tapi SPPT masih atas nama
// penjual: caranya gimana?").
func (r *reading) doneButNot() bool {
	if r.within(0, len(r.tokens), lang.CueHowTo) {
		return false
	}
	for i := range r.tokens {
		if !r.has(i, lang.CuePerfective) {
			continue
		}
		for j := i + 1; j < len(r.tokens); j++ {
			if r.has(j, lang.CueContrast) && r.within(j+1, len(r.tokens), lang.CueNegation|lang.CueContinuing|lang.CueProblem) {
				return true
			}
		}
	}
	return false
}

// actedIn returns the position in clause c of a process verb the citizen
// is said to have done ("sudah daftar", "lapor 2 minggu lalu"), or -1: a
// perfective before it or a past time in the clause, and no condition
// before it.
func (r *reading) actedIn(c lang.Clause) int {
	past := r.within(c.Start, c.End, lang.CuePast)
	perfective, conditional := false, false
	for i := c.Start; i < c.End; i++ {
		switch {
		case r.has(i, lang.CueConditional):
			conditional = true
		case r.has(i, lang.CuePerfective) && !r.has(i-1, lang.CueNegation) && !r.has(min(i+1, len(r.tokens)-1), lang.CueProspective):
			// "belum pernah" is never; "sudah mau roboh" is about to be.
			perfective = true
		case r.has(i, lang.CueProcess) && (perfective || past) && !conditional && !r.has(i-1, lang.CueProspective):
			// "kemarin mau daftar" meant to register, and did not.
			return i
		}
	}
	return -1
}

// waiting reports whether the message waits on a result: after what the
// citizen did (from acted, -1 if nothing), a negated result ("belum jadi",
// "tidak ada kabar"), a state that goes on ("masih"), or a contrast ("tapi",
// "padahal") that a negation or problem follows; and, whatever the citizen
// said they did, a negated result after a complaint or contrast or with
// insistence ("kok belum jadi", "tapi tidak diterima", "belum cair juga"),
// a complaint about what goes on ("kok masih belum"), a question when the
// result of what they did comes ("sudah daftar, kapan cairnya?"), what officers did
// not do ("tidak diperbaiki"), or a result asked after with "sudah …
// belum" ("KTP saya sudah jadi belum?").
func (r *reading) waiting(acted int) bool {
	for i := range r.tokens {
		negatedResult := r.has(i, lang.CueNegation) && r.within(i+1, i+4, lang.CueOutcome)
		// "tidak diperbaiki", "belum diangkut": officers did not act.
		if r.has(i, lang.CueNegation) && r.within(i+1, i+3, lang.CueRemedy) {
			return true
		}
		if acted >= 0 && i > acted {
			// "sudah urus 3 minggu lalu, kapan jadinya?": when their
			// own result comes.
			if r.has(i, lang.CueWhen) && r.within(i+1, i+3, lang.CueOutcome) {
				return true
			}
			if negatedResult || r.has(i, lang.CueContinuing) ||
				r.has(i, lang.CueContrast) && r.within(i+1, len(r.tokens), lang.CueNegation|lang.CueProblem) {
				return true
			}
		}
		if negatedResult && (r.within(i-3, i, lang.CueComplaint|lang.CueContrast) || r.within(i+1, i+5, lang.CueAlso)) {
			return true
		}
		// "kok masih belum bayar", "kenapa tidak diproses"; not "padahal
		// dulu aktif terus", a contrast.
		if r.has(i, lang.CueReproach) && r.within(i+1, i+4, lang.CueNegation|lang.CueContinuing) {
			return true
		}
		if r.has(i, lang.CuePerfective) && r.within(i+1, i+3, lang.CueOutcome) && r.within(i+2, i+5, lang.CueNegation) {
			return true
		}
	}
	return false
}

// lasting reports whether the message says how long a problem has lasted
// ("air mati sudah 3 hari", "sampai sekarang belum"), unless it asks how or
// where a service is obtained: "sudah 2 bulan tidak hujan, bagaimana cara
// minta droping air?" asks for the service.
func (r *reading) lasting() bool {
	if r.within(0, len(r.tokens), lang.CueHowTo) || r.within(0, len(r.tokens), lang.CueWhere) {
		return false
	}
	for i := range r.tokens {
		if r.has(i, lang.CuePerfective) && i+2 < len(r.tokens) && isNumber(r.tokens[i+1]) && r.has(i+2, lang.CueDuration) {
			return true
		}
		if r.has(i, lang.CueNow) && r.has(i-1, lang.CueUntil) && r.within(0, len(r.tokens), lang.CueNegation|lang.CueContinuing) {
			return true
		}
	}
	return false
}

func isNumber(w string) bool {
	for _, c := range w {
		if c < '0' || c > '9' {
			return false
		}
	}
	return w != ""
}

// reportedProblems returns the problem words the message reports: those
// not said after a condition in their sentence, as "kalau telat bayar,
// dendanya berapa?" reports neither lateness nor a fine. In a message that
// tells a story around its question, those of the story come apart: the
// story says why the citizen asks ("kartu KIS ibu mati, ditolak di
// puskesmas. Cara mengaktifkan lagi gimana?" asks how to reactivate the
// card), unless its problem befalls what the FAQ is about (see judge).
func reportedProblems(a lang.Analysis) (asked, story []string) {
	conditional, sentence := false, -1
	inStory := a.HasStory()
	for _, c := range a.Clauses {
		if c.Sentence != sentence {
			conditional, sentence = false, c.Sentence
		}
		for i := c.Start; i < c.End; i++ {
			t, cue := a.Tokens[i], a.Cues[i]
			if cue&lang.CueConditional != 0 {
				conditional = true
			}
			if cue&lang.CueProblem == 0 || conditional || slices.Contains(asked, t) || slices.Contains(story, t) {
				continue
			}
			if inStory && !c.Asks {
				story = append(story, t)
			} else {
				asked = append(asked, t)
			}
		}
	}
	return asked, story
}
