package lang

import (
	"strings"
	"sync"
)

// thanksLists are the phrases of thanks.txt and the words a thank-you
// may come with: courtesy.txt, the greetings and the function words.
var thanksLists = sync.OnceValues(func() (thanks, with map[string]bool) {
	thanks, with = map[string]bool{}, map[string]bool{}
	for _, p := range readList("thanks.txt") {
		thanks[strings.Join(strings.Fields(p), " ")] = true
	}
	for _, name := range []string{"courtesy.txt", "greetings.txt", "stopwords.txt"} {
		for _, w := range readList(name) {
			for _, f := range strings.Fields(w) {
				with[f] = true
			}
		}
	}
	return thanks, with
})

// IsThanks reports whether text only thanks: it holds a thank-you, in one
// or two words, and nothing but greetings, courtesies and function words
// besides. "Terima kasih banyak, Pak 🙏" does; "terima kasih, tapi jalannya
// masih rusak" does not.
func IsThanks(text string) bool {
	thanks, with := thanksLists()
	words := splitWords(Fold(text))
	found := false
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) && thanks[words[i]+" "+words[i+1]] {
			found = true
			i++
			continue
		}
		switch {
		case thanks[words[i]]:
			found = true
		case !with[words[i]]:
			return false
		}
	}
	return found
}
