package whatsapp

import (
	"strings"
	"unicode/utf8"
)

// maxPartRunes is where long replies are split. WhatsApp accepts about
// 65,000 characters in one message, but a reply that long is a wall of text
// on a phone; 4,096 matches Telegram's limit, so a citizen gets the same
// parts on either channel.
const maxPartRunes = 4096

// splitText cuts text into parts of at most max runes, preferring to cut
// after a blank line, then after a line break, then after a space, so that
// parts end where a reader would pause. A part is never empty and the parts
// joined give back text, apart from the whitespace at the cuts.
func splitText(text string, max int) []string {
	text = strings.TrimSpace(text)
	var parts []string
	for utf8.RuneCountInString(text) > max {
		limit := byteIndexOfRune(text, max)
		cut := -1
		for _, sep := range []string{"\n\n", "\n", " "} {
			// A cut in the first half would leave a stub part; a hard cut
			// is better then.
			if i := strings.LastIndex(text[:limit], sep); i > limit/2 {
				cut = i
				break
			}
		}
		if cut < 0 {
			cut = limit
		}
		parts = append(parts, strings.TrimSpace(text[:cut]))
		text = strings.TrimSpace(text[cut:])
	}
	if text != "" {
		parts = append(parts, text)
	}
	return parts
}

// byteIndexOfRune returns the byte offset of the n-th rune of s.
func byteIndexOfRune(s string, n int) int {
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}
