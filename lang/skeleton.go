package lang

// Chat writers drop vowels ("syrt", "byr", "prtm"). A word the dictionaries
// do not know is read as the known word it becomes by deleting only vowels,
// when its consonants spell exactly one likely word. An index by consonant
// skeleton keeps this one map probe per word.
type skeletonIndex struct {
	words map[string][]string // consonant skeleton → known words with it
	freq  map[string]int
}

// minSkeleton is the fewest consonants a shortened word must keep: two
// ("kl") fit too many words to guess from.
const minSkeleton = 3

func newSkeletonIndex(freq map[string]int) *skeletonIndex {
	ix := &skeletonIndex{words: map[string][]string{}, freq: freq}
	for w := range freq {
		if len(w) < 4 {
			continue
		}
		if k := skeleton(w); len(k) >= minSkeleton && k != w {
			ix.words[k] = append(ix.words[k], w)
		}
	}
	return ix
}

// skeleton returns w without its vowels.
func skeleton(w string) string {
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if !isVowel(w[i]) {
			b = append(b, w[i])
		}
	}
	return string(b)
}

// expand returns the most frequent known word of the indexes that w
// shortens by dropping vowels only, or "" when there is none or two tie.
func expand(w string, ixs ...*skeletonIndex) string {
	k := skeleton(w)
	if len(k) < minSkeleton || isNumber(w) {
		return ""
	}
	candidates := map[string]int{}
	for _, ix := range ixs {
		for _, c := range ix.words[k] {
			candidates[c] = max(candidates[c], ix.freq[c])
		}
	}
	best, bestF, tie := "", 0, false
	for c, f := range candidates {
		if len(c) <= len(w) || !dropsVowels(w, c) {
			continue
		}
		switch {
		case f > bestF:
			best, bestF, tie = c, f, false
		case f == bestF:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// dropsVowels reports whether short is long with some vowels deleted.
func dropsVowels(short, long string) bool {
	i := 0
	for j := 0; j < len(long); j++ {
		switch {
		case i < len(short) && short[i] == long[j]:
			i++
		case !isVowel(long[j]):
			return false
		}
	}
	return i == len(short)
}
