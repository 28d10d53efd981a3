package routing

import (
	"regexp"
	"slices"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/lang"
)

// cueSet is one cue list, normalised: each entry a run of tokens.
type cueSet [][]string

func newCueSet(norm *lang.Normalizer, entries []string) cueSet {
	var s cueSet
	for _, e := range entries {
		if tokens := norm.Tokens(e); len(tokens) > 0 {
			s = append(s, tokens)
		}
	}
	return s
}

// in reports whether an entry occurs in tokens as a run.
func (s cueSet) in(tokens []string) bool {
	for _, e := range s {
		for i := 0; i+len(e) <= len(tokens); i++ {
			if slices.Equal(tokens[i:i+len(e)], e) {
				return true
			}
		}
	}
	return false
}

// commentCues are lang's comment cues, normalised by the router's
// normaliser so that they meet a comment's tokens in the same form.
type commentCues struct{ question, request, trouble, praise cueSet }

func newCommentCues(norm *lang.Normalizer) commentCues {
	c := lang.CommentCues()
	return commentCues{
		question: newCueSet(norm, c.Question), request: newCueSet(norm, c.Request),
		trouble: newCueSet(norm, c.Trouble), praise: newCueSet(norm, c.Praise),
	}
}

// mentionOrLink matches the @mentions and links of a comment, which say
// nothing of what it asks.
var mentionOrLink = regexp.MustCompile(`@[\pL\pN_.]+|https?://\S+`)

// DecideComment decides on a comment under one of the regency's posts.
// Everyone reads those, and most are praise, wishes, tags of friends or
// emoji, which must get no reply at all: a comment is a question only
// when it asks (a question word, a request, a question mark) or reports
// trouble, or when the FAQ answers it and it is not merely friendly; a
// friendly comment the router cannot place ("apa kabar min?") is small
// talk even with a question word. A question's decision is the router's,
// with one addition: a question that names no topic ("caranya gimana
// min?") asks about the post itself, so it goes to a person instead of
// being ignored. Anything else is ActionClarify, which for a comment
// means: leave it alone.
func (r *Router) DecideComment(text string) sigap.Decision {
	text = mentionOrLink.ReplaceAllString(text, " ")
	ex, a := r.explain(text, false)
	d, tokens := ex.Decision, a.Tokens
	asksWord := r.cues.question.in(tokens) || r.cues.request.in(tokens)
	asks := asksWord || strings.Contains(text, "?")
	trouble := r.cues.trouble.in(tokens)
	friendly := r.cues.praise.in(tokens)
	switch {
	case d.Action == sigap.ActionClarify:
		if asksWord && !friendly {
			return sigap.Decision{Action: sigap.ActionTriage, OPD: r.kb.TriageOPD}
		}
		return d
	case friendly && !trouble && d.Action == sigap.ActionTriage:
		// Small talk with a question word ("apa kabar min?"), or a
		// compliment nothing places.
	case asks || trouble:
		return d
	case d.Action == sigap.ActionFAQ && !friendly:
		return d
	}
	return sigap.Decision{Action: sigap.ActionClarify, Score: 1}
}

// hintYields is the confidence at or above which a route to another OPD
// stands against the OPD whose own account a message reached.
const hintYields = 0.75

// Hinted applies a strong routing hint: the OPD whose own account (its
// Facebook Page, its Instagram) a message reached. A message the router
// could not place goes to that OPD instead of the triage desk, and so
// does a route to another OPD below hintYields; an FAQ answer, a
// confident route elsewhere and "no question" stand. The caller checks
// that the OPD exists.
func Hinted(d sigap.Decision, opd string) sigap.Decision {
	if opd == "" || d.OPD == opd {
		return d
	}
	if d.Action == sigap.ActionTriage || (d.Action == sigap.ActionRoute && d.Score < hintYields) {
		return sigap.Decision{Action: sigap.ActionRoute, OPD: opd, Score: d.Score}
	}
	return d
}
