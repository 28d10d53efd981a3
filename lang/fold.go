package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// accents maps the accented Latin letters citizens' keyboards produce to
// their plain letters; Indonesian spelling uses none of them.
var accents = map[rune]rune{
	'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a', 'ā': 'a',
	'ç': 'c', 'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e', 'ē': 'e', 'ě': 'e',
	'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ī': 'i', 'ñ': 'n',
	'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o', 'ō': 'o', 'ø': 'o',
	'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'ū': 'u', 'ý': 'y', 'ÿ': 'y',
}

// Fold lowercases text, maps compatibility forms (full-width and
// "mathematical" fancy letters that chat apps produce) and accented letters
// to plain ASCII, drops apostrophes, and turns every other rune that is not
// a letter, a digit or an in-word hyphen into a space. Invalid UTF-8 becomes
// a space, so any input folds to something.
func Fold(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		// Most of what citizens write is ASCII: no rune to decode.
		if c := text[i]; c < utf8.RuneSelf {
			switch {
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-':
				b.WriteByte(c)
			case c >= 'A' && c <= 'Z':
				b.WriteByte(c + 'a' - 'A')
			case c == '\'' || c == '`':
			default:
				b.WriteByte(' ')
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == utf8.RuneError && size <= 1 {
			b.WriteByte(' ')
			continue
		}
		r = foldRune(r)
		switch {
		case r == '\'' || r == '’' || r == '`':
			// "jum'at", "ma'af": the apostrophe is part of the word.
		case r == '-':
			b.WriteByte('-')
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			b.WriteRune(r)
		case unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r):
			// Other scripts (Javanese, Arabic) are kept whole.
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func foldRune(r rune) rune {
	switch {
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A'
	case r < utf8.RuneSelf:
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		return foldRune(r - 0xFEE0)
	case r >= 0x1D400 && r <= 0x1D6A3: // mathematical letters, 52 per style
		k := (r - 0x1D400) % 52
		if k < 26 {
			return 'a' + k
		}
		return 'a' + k - 26
	case r >= 0x1D7CE && r <= 0x1D7FF: // mathematical digits, 10 per style
		return '0' + (r-0x1D7CE)%10
	}
	r = unicode.ToLower(r)
	if a, ok := accents[r]; ok {
		return a
	}
	return r
}
