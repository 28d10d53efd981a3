package whatsapp

import (
	"strings"

	"github.com/pemkab-kebumen/sigap/bot/outpart"
)

// maxPartRunes is where long replies are split. WhatsApp accepts about
// 65,000 characters in one message, but a reply that long is a wall of text
// on a phone; 4,096 matches Telegram's limit, so a citizen gets about the
// same parts on either channel (Telegram counts UTF-16 units, WhatsApp
// characters).
const maxPartRunes = 4096

// splitText cuts text into parts of at most max runes, at the boundaries
// outpart.Cut prefers, so that parts end where a reader would pause. The
// white space at each cut is dropped: a part is never empty and the parts
// joined give back text, apart from the white space at the cuts.
func splitText(text string, max int) []string {
	var parts []string
	for text = strings.TrimSpace(text); text != ""; {
		n := outpart.Cut(text, max, oneRune)
		parts = append(parts, strings.TrimSpace(text[:n]))
		text = strings.TrimSpace(text[n:])
	}
	return parts
}

// oneRune counts every rune as one character, as WhatsApp does.
func oneRune(rune) int { return 1 }
