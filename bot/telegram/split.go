package telegram

import "strings"

// maxMessageUnits is Telegram's limit on a message's text, counted in
// UTF-16 code units: an emoji outside the Basic Multilingual Plane counts
// twice.
const maxMessageUnits = 4096

// splitText cuts text into parts Telegram accepts, preferring to cut after
// a paragraph, then a line, a sentence, a word, and only as a last resort
// between two characters. Joined, the parts are exactly text.
func splitText(text string) []string {
	var parts []string
	for {
		end, fits := prefixWithin(text, maxMessageUnits)
		if fits {
			break
		}
		cut := cutPoint(text[:end])
		parts = append(parts, text[:cut])
		text = text[cut:]
	}
	if text != "" {
		parts = append(parts, text)
	}
	return parts
}

// prefixWithin returns the byte length of the longest prefix of s that
// has at most max UTF-16 units and ends on a rune boundary, and whether
// that prefix is all of s.
func prefixWithin(s string, max int) (end int, all bool) {
	units := 0
	for i, r := range s {
		n := 1
		if r >= 0x10000 {
			n = 2 // a surrogate pair
		}
		if units+n > max {
			return i, false
		}
		units += n
	}
	return len(s), true
}

// boundaries are where a cut reads best, best first. Each is kept at the
// end of the part before the cut.
var boundaries = []string{"\n\n", "\n", ". ", " "}

// cutPoint picks where to cut window, the longest prefix that fits. A
// boundary in the first half is passed over: cutting there would make
// many short messages of one long text.
func cutPoint(window string) int {
	for _, b := range boundaries {
		if i := strings.LastIndex(window, b); i >= len(window)/2 {
			return i + len(b)
		}
	}
	return len(window)
}
