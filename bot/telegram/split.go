package telegram

import "github.com/pemkab-kebumen/sigap/bot/outpart"

// maxMessageUnits is Telegram's limit on a message's text, counted in
// UTF-16 code units: an emoji outside the Basic Multilingual Plane counts
// twice.
const maxMessageUnits = 4096

// splitText cuts text into parts Telegram accepts, at the boundaries
// outpart.Cut prefers. Joined, the parts are exactly text.
func splitText(text string) []string {
	var parts []string
	for text != "" {
		n := outpart.Cut(text, maxMessageUnits, utf16Units)
		parts = append(parts, text[:n])
		text = text[n:]
	}
	return parts
}

// utf16Units is how many UTF-16 code units Telegram counts for r.
func utf16Units(r rune) int {
	if r >= 0x10000 {
		return 2 // a surrogate pair
	}
	return 1
}
