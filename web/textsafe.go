package web

import (
	"regexp"
	"strings"
	"unicode"
)

// Citizens' texts are stored as received, so that nothing they wrote is
// lost and an export shows it byte for byte; they are neutralised where
// the dashboard and the chat page show them. A NUL, an ANSI escape or a
// right-to-left override is shown as a visible mark instead of acting:
// it cannot cut a text short, colour a terminal a text was pasted into, or
// turn "gpj.exe" into "exe.jpg" on screen.

// neutral returns s with control and bidirectional formatting characters
// replaced by visible marks. Newlines and tabs stay.
func neutral(s string) string {
	if strings.IndexFunc(s, needsMark) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !needsMark(r):
			b.WriteRune(r)
		case r < 0x20:
			b.WriteRune(0x2400 + r) // Control Pictures: ␀, ␛, …
		case r == 0x7f:
			b.WriteRune('␡')
		default:
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}

// needsMark reports whether r is a control character other than a newline
// or a tab, or a bidirectional formatting character (embeddings,
// overrides, isolates, marks).
func needsMark(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case unicode.IsControl(r):
		return true
	}
	return unicode.Is(unicode.Bidi_Control, r)
}

// phoneLike finds runs of nine or more digits, possibly split by spaces,
// dots or dashes and led by a plus: phone numbers, and identity numbers
// such as the 16-digit NIK.
var phoneLike = regexp.MustCompile(`\+?\d(?:[ .\-]?\d){8,}`)

// maskNumbers masks the phone-like numbers in a text shown in a list (a
// shared contact, a number typed into a message), as maskPhone masks the
// citizen's own.
func maskNumbers(s string) string {
	return phoneLike.ReplaceAllStringFunc(s, func(n string) string {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, n)
		return maskPhone(digits)
	})
}
