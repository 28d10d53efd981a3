package outpart

import (
	"strings"
	"unicode/utf8"
)

// boundaries are where a cut reads best, best first. Each stays at the end
// of the part before the cut.
var boundaries = []string{"\n\n", "\n", ". ", " "}

// Cut returns the byte length of the first part of text when text is
// delivered in parts of at most max units, width telling how many units a
// rune counts (platforms count characters differently). It prefers to cut
// after a paragraph, then a line, a sentence, a word, and only as a last
// resort between two runes; a boundary in the first half of the part is
// passed over, since cutting there would make many short messages of one
// long text. The part holds at least one rune, so a caller cutting in a
// loop always moves on. Cut returns len(text) when all of text fits.
func Cut(text string, max int, width func(rune) int) int {
	end, fits := prefixWithin(text, max, width)
	if fits {
		return len(text)
	}
	window := text[:end]
	for _, b := range boundaries {
		if i := strings.LastIndex(window, b); i >= len(window)/2 {
			return i + len(b)
		}
	}
	if end == 0 {
		_, end = utf8.DecodeRuneInString(text) // the first rune alone is over max
	}
	return end
}

// prefixWithin returns the byte length of the longest prefix of s that
// has at most max units and ends on a rune boundary, and whether that
// prefix is all of s.
func prefixWithin(s string, max int, width func(rune) int) (end int, all bool) {
	units := 0
	for i, r := range s {
		n := width(r)
		if units+n > max {
			return i, false
		}
		units += n
	}
	return len(s), true
}
