package lang

import (
	"fmt"
	"strings"
)

// Cue is a set of grammatical functions of a word (grammar.txt): what it
// says about what a message does, beyond its topic.
type Cue uint64

// The functions a word may have.
const (
	CueAsking        Cue = 1 << iota // asks for general information
	CueHowTo                         // asks how a service is obtained
	CueRequest                       // the other words of a request
	CuePerfective                    // the action is done (sudah)
	CueNegation                      // belum, tidak
	CueContinuing                    // masih
	CueContrast                      // tapi, padahal
	CuePast                          // kemarin, lalu
	CueDuration                      // hari, minggu, bulan
	CueConditional                   // kalau, jika
	CueProcess                       // what a citizen does to start a service
	CueOutcome                       // the result a citizen waits for
	CueComplaint                     // kok, padahal, lambat
	CuePolite                        // mohon, tolong
	CueRemedy                        // what an officer is asked to do
	CueProblem                       // something wrong
	CueModal                         // bisa, boleh
	CueClause                        // opens a new clause
	CueInterrogative                 // makes a clause a question
	CueEvaluative                    // judges what happened: resmi, wajar
	CueDeictic                       // points back: itu, begitu
	CuePurpose                       // untuk, agar: what for
	CueSetting                       // di, dekat, lulus: the scene follows
	CueAuthority                     // kewenangan: whose authority
	CueReproach                      // sih
	CueWhen                          // kapan: asks when
	CueWhere                         // dimana, kemana: asks where
	CueProspective                   // mau: about to be
	CueAlso                          // juga
	CueUntil                         // sampai: up to a time
	CueNow                           // sekarang
	CueSequence                      // terus, kemudian: "and then" opening a clause
	CuePronoun                       // saya, kami, dia: a clause's subject
	CueTag                           // tidak, bukan ending a clause: a question tag
)

var cueNames = map[string]Cue{
	"asking": CueAsking, "howto": CueHowTo, "request": CueRequest,
	"perfective": CuePerfective, "negation": CueNegation, "continuing": CueContinuing,
	"contrast": CueContrast, "past": CuePast, "duration": CueDuration,
	"conditional": CueConditional, "process": CueProcess, "outcome": CueOutcome,
	"complaint": CueComplaint, "polite": CuePolite, "remedy": CueRemedy,
	"problem": CueProblem, "modal": CueModal, "clause": CueClause,
	"interrogative": CueInterrogative, "evaluative": CueEvaluative,
	"deictic": CueDeictic, "purpose": CuePurpose, "setting": CueSetting,
	"authority": CueAuthority, "reproach": CueReproach,
	"when": CueWhen, "where": CueWhere, "prospective": CueProspective, "also": CueAlso,
	"until": CueUntil, "now": CueNow, "sequence": CueSequence, "pronoun": CuePronoun,
	"tag": CueTag,
}

// Cue returns the grammatical functions of a normalised word.
func (n *Normalizer) Cue(w string) Cue { return n.info[w].cue }

func readCues() map[string]Cue {
	cues := map[string]Cue{}
	for _, line := range readList("grammar.txt") {
		name, words, ok := strings.Cut(line, ":")
		c, known := cueNames[strings.TrimSpace(name)]
		if !ok || !known {
			panic(fmt.Sprintf("lang: grammar.txt: %q is not \"cue: words\" with a known cue", line))
		}
		for _, w := range strings.Fields(words) {
			cues[w] |= c
		}
	}
	return cues
}

// Clause is a run of a text's tokens between punctuation or connectives:
// Analysis.Tokens[Start:End].
type Clause struct {
	Start, End int
	Sentence   int  // index of the sentence it is in
	Question   bool // its sentence ends with a question mark, or it with a question tag
	// Asks is true when the clause is a question: its sentence ends with a
	// question mark or it has an interrogative ("gimana", "syarat"); or
	// when it says what a question after it with no topic word of its own
	// asks about ("… masih atas nama almarhum. Caranya gimana?"). A
	// question tag alone does not make it so: "bikinnya di mana? bayar
	// ga" asks mainly about what is made.
	Asks bool
}

// span is a part of a text: a sentence or a piece of one.
type span struct {
	text     string
	sentence int
	question bool
}

// pieces cuts text into sentences where SentenceEnd says, and sentences
// into pieces at commas, semicolons and brackets (not at the decimal comma
// of "2,5").
func pieces(text string) []span {
	var out []span
	sentence, start := 0, 0
	flush := func(end int, question bool) {
		first := len(out)
		cut := start
		for i := start; i < end; i++ {
			if c := text[i]; c == ';' || c == '(' || c == ')' || c == ',' && !(i > 0 && i+1 < len(text) && isDigit(text[i-1]) && isDigit(text[i+1])) {
				out = append(out, span{text: text[cut:i], sentence: sentence})
				cut = i + 1
			}
		}
		out = append(out, span{text: text[cut:end], sentence: sentence})
		for i := first; i < len(out); i++ {
			out[i].question = question
		}
	}
	for i := 0; i < len(text); i++ {
		if SentenceEnd(text, i) {
			flush(i, text[i] == '?')
			sentence++
			start = i + 1
		}
	}
	if start < len(text) {
		flush(len(text), false)
	}
	return out
}
