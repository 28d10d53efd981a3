package lang

// SentenceEnd reports whether the byte text[i] ends a sentence: a line
// break, or '.', '!' or '?' followed by a space, a line break or the end of
// text. The full stop inside "07.30" or "Rp2.000" ends none.
func SentenceEnd(text string, i int) bool {
	switch text[i] {
	case '\n':
		return true
	case '.', '!', '?':
		return i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n' || text[i+1] == '\r'
	}
	return false
}
