package lang

import "strings"

// stemmer strips Indonesian (and common Javanese and chat) affixes in the
// manner of Nazief and Adriani: it removes suffixes and prefixes, recoding
// the nasal allomorphs of me-/pe-, and stops as soon as it reaches a word of
// its root dictionary. A word that reaches no root keeps its form, minus
// inflectional endings, so that unknown words stay recognisable.
type stemmer struct {
	roots map[string]bool
}

const minRoot = 3

// particles are roots no affixed word has: "sebelah" is se-belah, never
// se-be-lah.
var particles = map[string]bool{"lah": true, "kah": true, "pun": true, "tah": true, "nya": true}

func isVowel(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' }

// stem returns the root of w. It strips a particle (-lah, -kah, -pun; the
// archaic -tah is left out, as it ends "pemerintah"), then a possessive
// (-nya, -ku, -mu), and looks for a root under the most stripped form
// first; when none is found it backtracks to the less stripped forms, since
// "berlaku" is ber-laku, not berla-ku. A word that reaches no root loses
// only its particle and -nya: a final -ku or -mu of an unknown word is more
// often part of it than a possessive.
func (s *stemmer) stem(w string) string {
	if len(w) <= minRoot || s.roots[w] {
		return w
	}
	particle := w
	for _, p := range []string{"lah", "kah", "pun"} {
		if t, ok := strings.CutSuffix(w, p); ok && len(t) >= minRoot {
			particle = t
			break
		}
	}
	possessive, owner := particle, ""
	for _, p := range []string{"nya", "ku", "mu"} {
		if t, ok := strings.CutSuffix(particle, p); ok && len(t) >= minRoot {
			possessive, owner = t, p
			break
		}
	}
	forms := []string{possessive, particle, w}
	for i, f := range forms {
		if i > 0 && f == forms[i-1] {
			continue
		}
		if s.roots[f] {
			return f
		}
		for _, v := range suffixVariants(f) {
			if s.roots[v] {
				return v
			}
		}
		for _, v := range suffixVariants(f) {
			if r := s.prefixRoot(v, 3); r != "" {
				return r
			}
		}
	}
	base := particle
	if owner == "nya" {
		base = possessive
	}
	if len(base) > 4 {
		return base
	}
	return w
}

// suffixVariants returns base and base without each derivational suffix
// (Indonesian -kan/-an/-i, chat -in, Javanese -e/-ne/-ake/-na).
func suffixVariants(base string) []string {
	out := []string{base}
	for _, suf := range []string{"kan", "an", "i", "in", "ake", "ne", "na", "e", "ken"} {
		if t, ok := strings.CutSuffix(base, suf); ok && len(t) >= minRoot {
			out = append(out, t)
		}
	}
	return out
}

// prefixRoot strips up to depth prefixes from w and returns the first root
// reached, or "".
func (s *stemmer) prefixRoot(w string, depth int) string {
	if depth == 0 {
		return ""
	}
	for _, c := range prefixCuts(w) {
		if len(c) < minRoot || particles[c] {
			continue
		}
		if s.roots[c] {
			return c
		}
		for _, v := range suffixVariants(c)[1:] {
			if s.roots[v] && !particles[v] {
				return v
			}
		}
	}
	for _, c := range prefixCuts(w) {
		if len(c) < minRoot {
			continue
		}
		if r := s.prefixRoot(c, depth-1); r != "" {
			return r
		}
	}
	return ""
}

// prefixCuts returns the words w may be with one prefix removed, most
// likely first, undoing the nasal assimilation of me-/pe-/ng-.
func prefixCuts(w string) []string {
	var out []string
	add := func(s ...string) { out = append(out, s...) }
	for _, p := range []string{"di", "ke", "se", "ku"} {
		if t, ok := strings.CutPrefix(w, p); ok {
			add(t)
		}
	}
	for _, p := range []string{"ber", "ter", "per", "bel", "pel"} {
		if t, ok := strings.CutPrefix(w, p); ok {
			add(t)
		}
	}
	for _, p := range []string{"be", "te", "pe", "me"} {
		if t, ok := strings.CutPrefix(w, p); ok && len(t) > 0 && !isVowel(t[0]) {
			add(t)
		}
	}
	for _, p := range []string{"meng", "peng", "ng", "nge"} {
		if t, ok := strings.CutPrefix(w, p); ok && len(t) > 0 {
			add(t)
			if isVowel(t[0]) {
				add("k" + t)
			}
		}
	}
	for _, p := range []string{"meny", "peny", "ny"} {
		if t, ok := strings.CutPrefix(w, p); ok && len(t) > 0 && isVowel(t[0]) {
			add("s"+t, "c"+t)
		}
	}
	for _, p := range []string{"mem", "pem"} {
		if t, ok := strings.CutPrefix(w, p); ok && len(t) > 0 {
			if isVowel(t[0]) {
				add("p"+t, "m"+t)
			} else {
				add(t)
			}
		}
	}
	for _, p := range []string{"men", "pen"} {
		if t, ok := strings.CutPrefix(w, p); ok && len(t) > 0 {
			if isVowel(t[0]) {
				add("t"+t, "n"+t)
			} else {
				add(t)
			}
		}
	}
	// Javanese nasal prefixes: "mbayar", "ndandani".
	for _, p := range []string{"m", "n"} {
		if t, ok := strings.CutPrefix(w, p); ok && len(t) > 0 && (t[0] == 'b' || t[0] == 'd' || t[0] == 'j') {
			add(t)
		}
	}
	return out
}
