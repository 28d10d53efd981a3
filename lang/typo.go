package lang

// typoIndex finds the known word a misspelt word most likely meant, by
// symmetric deletion: every known word is stored under the strings it
// becomes with one or two letters deleted, so a lookup costs a few map
// probes instead of a scan of the vocabulary.
type typoIndex struct {
	// deletes is keyed by the hash of a deletion, not the deletion itself:
	// building the strings of tens of thousands of deletions would cost
	// more than the index. A hash collision only adds a candidate, which
	// the distance check then drops.
	deletes map[uint64][]int32
	words   []string
	freq    []int
}

func newTypoIndex(freq map[string]int) *typoIndex {
	ix := &typoIndex{deletes: map[uint64][]int32{}}
	for w, f := range freq {
		if len(w) < 4 {
			continue
		}
		id := int32(len(ix.words))
		ix.words = append(ix.words, w)
		ix.freq = append(ix.freq, f)
		deletions(w, maxEdits(len(w)+1), func(h uint64) {
			if l := ix.deletes[h]; len(l) == 0 || l[len(l)-1] != id {
				ix.deletes[h] = append(l, id)
			}
		})
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

// correct returns the known word of the indexes closest to w within its
// tolerance, preferring the edit a phone keyboard most likely made
// (slipDistance), then the more frequent word (a word in several indexes
// counts with its largest frequency); "" when none is close or two
// candidates tie.
func correct(w string, ixs ...*typoIndex) string {
	k := maxEdits(len(w))
	if k == 0 {
		return ""
	}
	candidates := map[string]int{} // word → frequency
	deletions(w, k, func(h uint64) {
		for _, ix := range ixs {
			for _, id := range ix.deletes[h] {
				c := ix.words[id]
				candidates[c] = max(candidates[c], ix.freq[id])
			}
		}
	})
	best, bestD, bestF, tie := "", float64(k)+1, 0, false
	for c, f := range candidates {
		if edits := osaDistance(w, c); edits > k || edits > maxEdits(len(c)+1) {
			continue
		}
		dist := slipDistance(w, c)
		switch {
		case dist < bestD || dist == bestD && f > bestF:
			best, bestD, bestF, tie = c, dist, f, false
		case dist == bestD && f == bestF:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// deletions calls visit with the FNV-1a hash of w and of every string
// made from it by deleting up to k (at most 2) bytes (words are folded to
// ASCII before they get here); a string made in two ways is visited twice.
func deletions(w string, k int, visit func(uint64)) {
	const offset, prime = 14695981039346656037, 1099511628211
	hash := func(skip1, skip2 int) uint64 {
		h := uint64(offset)
		for i := 0; i < len(w); i++ {
			if i != skip1 && i != skip2 {
				h = (h ^ uint64(w[i])) * prime
			}
		}
		return h
	}
	visit(hash(-1, -1))
	for i := 0; i < len(w) && k >= 1; i++ {
		if i > 0 && w[i] == w[i-1] {
			continue // the same deletion as the letter before
		}
		visit(hash(i, -1))
		for j := i + 1; j < len(w) && k >= 2; j++ {
			if j > i+1 && w[j] == w[j-1] {
				continue
			}
			visit(hash(i, j))
		}
	}
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

// Keys next to each other on a phone's QWERTY keyboard, where a thumb
// slips.
var neighbours = func() map[[2]byte]bool {
	rows := []string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}
	m := map[[2]byte]bool{}
	link := func(a, b byte) { m[[2]byte{a, b}], m[[2]byte{b, a}] = true, true }
	for r, row := range rows {
		for i := 0; i < len(row); i++ {
			if i+1 < len(row) {
				link(row[i], row[i+1])
			}
			if r+1 < len(rows) {
				// The row below is shifted half a key to the right.
				below := rows[r+1]
				for _, j := range []int{i - 1, i} {
					if j >= 0 && j < len(below) {
						link(row[i], below[j])
					}
				}
			}
		}
	}
	return m
}()

// slip is the cost of an edit a phone keyboard makes easily: a neighbouring
// key, two letters swapped, a letter doubled or dropped from a double.
const slip = 0.5

// slipDistance is osaDistance with the slips of a phone keyboard costing
// slip instead of 1, so that "sekolsh" is read as "sekolah" (s is next to
// a) before a word one unrelated letter away.
func slipDistance(a, b string) float64 {
	prev2 := make([]float64, len(b)+1)
	prev := make([]float64, len(b)+1)
	cur := make([]float64, len(b)+1)
	for j := range prev {
		prev[j] = float64(j)
	}
	indel := func(s string, i int) float64 {
		// Dropping or adding a letter next to the same letter.
		if i > 0 && s[i] == s[i-1] || i+1 < len(s) && s[i] == s[i+1] {
			return slip
		}
		return 1
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = prev[0] + indel(a, i-1)
		for j := 1; j <= len(b); j++ {
			sub := 0.0
			if a[i-1] != b[j-1] {
				sub = 1
				if neighbours[[2]byte{a[i-1], b[j-1]}] {
					sub = slip
				}
			}
			cur[j] = min(prev[j]+indel(a, i-1), cur[j-1]+indel(b, j-1), prev[j-1]+sub)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+slip)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
