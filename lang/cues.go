package lang

import "strings"

// Cues are the words that tell what a short comment under a post does:
// ask a question, ask for something, report trouble, or only be friendly.
// Entries are as written in the lists (one or more words); normalise them
// with the same Normalizer as the text they are looked for in.
type Cues struct {
	Question []string // question words: apa, kapan, bagaimana…
	Request  []string // asking for something: minta, tolong, syarat…
	Trouble  []string // something broken, late or wrong: rusak, belum, macet…
	Praise   []string // praise, wishes, prayers, small talk: mantap, semoga…
}

// CommentCues returns the embedded cue lists.
func CommentCues() Cues {
	c := Cues{Trouble: readList("trouble.txt"), Praise: readList("praise.txt")}
	section := ""
	for _, line := range readList("asking.txt") {
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		switch section {
		case "question":
			c.Question = append(c.Question, line)
		case "request":
			c.Request = append(c.Request, line)
		default:
			panic("lang: asking.txt: entry " + line + " outside a [question] or [request] section")
		}
	}
	return c
}
