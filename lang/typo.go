package lang

// typoIndex finds the known word a misspelt word most likely meant, by
// symmetric deletion: every known word is stored under the strings it
// becomes with one or two letters deleted, so a lookup costs a few map
// probes instead of a scan of the vocabulary.
type typoIndex struct {
	deletes map[string][]int32
	words   []string
	freq    []int
}

func newTypoIndex(freq map[string]int) *typoIndex {
	ix := &typoIndex{deletes: map[string][]int32{}}
	for w, f := range freq {
		if len(w) < 4 {
			continue
		}
		id := int32(len(ix.words))
		ix.words = append(ix.words, w)
		ix.freq = append(ix.freq, f)
		for _, d := range deletions(w, maxEdits(len(w)+1)) {
			ix.deletes[d] = append(ix.deletes[d], id)
		}
	}
	return ix
}

// maxEdits is the distance tolerated for a word of n letters.
func maxEdits(n int) int {
	switch {
	case n >= 9:
		return 2
	case n >= 6:
		return 1
	}
	return 0
}

// correct returns the known word closest to w within its tolerance,
// preferring the smaller distance and then the more frequent word; "" when
// none is close or two candidates tie.
func (ix *typoIndex) correct(w string) string {
	k := maxEdits(len(w))
	if k == 0 {
		return ""
	}
	best, bestD, bestF, tie := "", k+1, 0, false
	seen := map[int32]bool{}
	for _, d := range deletions(w, k) {
		for _, id := range ix.deletes[d] {
			if seen[id] {
				continue
			}
			seen[id] = true
			c := ix.words[id]
			dist := osaDistance(w, c)
			if dist > k || dist > maxEdits(len(c)+1) {
				continue
			}
			f := ix.freq[id]
			switch {
			case dist < bestD || dist == bestD && f > bestF:
				best, bestD, bestF, tie = c, dist, f, false
			case dist == bestD && f == bestF:
				tie = true
			}
		}
	}
	if tie {
		return ""
	}
	return best
}

// deletions returns w and every string made from it by deleting up to k
// bytes (words are folded to ASCII before they get here).
func deletions(w string, k int) []string {
	out := []string{w}
	level := []string{w}
	seen := map[string]bool{w: true}
	for ; k > 0; k-- {
		var next []string
		for _, s := range level {
			for i := 0; i < len(s); i++ {
				d := s[:i] + s[i+1:]
				if !seen[d] {
					seen[d] = true
					next = append(next, d)
				}
			}
		}
		out = append(out, next...)
		level = next
	}
	return out
}

// osaDistance is the optimal-string-alignment Damerau–Levenshtein distance:
// insertions, deletions, substitutions and adjacent transpositions.
func osaDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
