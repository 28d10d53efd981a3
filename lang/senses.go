package lang

import (
	"fmt"
	"maps"
	"strings"
	"sync"
)

// senses are the readings of words of two readings that their context
// chooses (senses.txt); a word's other reading is its default one.
type senses struct {
	javanese    map[string][]string // read so in a Javanese message
	afterNumber map[string][]string // read so right after a number
	// javaneseOnly holds the written words only Javanese has: a message
	// with one is Javanese.
	javaneseOnly map[string]bool
}

// embeddedSenses are the senses of the embedded lists, read once.
var embeddedSenses = sync.OnceValue(func() senses { return readSenses(setOf(commonWords())) })

// sensesFor returns the embedded senses but for the words the knowledge
// base's synonyms give a reading of their own.
func sensesFor(synonyms map[string]string) senses {
	s := embeddedSenses()
	for from := range synonyms {
		w := strings.Join(splitWords(Fold(from)), " ")
		_, jv := s.javanese[w]
		_, num := s.afterNumber[w]
		if jv || num {
			s.javanese, s.afterNumber = maps.Clone(s.javanese), maps.Clone(s.afterNumber)
			delete(s.javanese, w)
			delete(s.afterNumber, w)
		}
	}
	return s
}

// readSenses reads senses.txt, and takes as Javanese-only the one-word
// entries of the Javanese lexicon that are neither common Indonesian words
// nor chat spellings.
func readSenses(common map[string]bool) senses {
	s := senses{javanese: map[string][]string{}, afterNumber: map[string][]string{}, javaneseOnly: map[string]bool{}}
	var section map[string][]string
	for _, line := range readList("senses.txt") {
		switch line {
		case "[javanese]":
			section = s.javanese
			continue
		case "[after a number]":
			section = s.afterNumber
			continue
		}
		from, to, ok := strings.Cut(line, "=")
		word := strings.TrimSpace(Fold(from))
		if !ok || section == nil || strings.Contains(word, " ") || word == "" {
			panic(fmt.Sprintf("lang: senses.txt: %q is not \"word = standard\" under [javanese] or [after a number]", line))
		}
		section[word] = splitWords(Fold(to))
	}
	slang := readMap("slang.txt")
	for from := range readMap("ngapak.txt") {
		w := Fold(strings.TrimSpace(from))
		if _, chat := slang[from]; !strings.Contains(w, " ") && !common[w] && !chat {
			s.javaneseOnly[w] = true
		}
	}
	return s
}

// isJavanese reports whether any of the written words is a word only
// Javanese has.
func (s *senses) isJavanese(words []string) bool {
	for _, w := range words {
		if s.javaneseOnly[w] {
			return true
		}
	}
	return false
}

// reading returns the reading context gives words[i] in a message that is
// Javanese or not, if it gives one.
func (s *senses) reading(words []string, i int, javanese bool) ([]string, bool) {
	if i > 0 && isNumber(words[i-1]) {
		if std, ok := s.afterNumber[words[i]]; ok {
			return std, true
		}
	}
	if javanese {
		std, ok := s.javanese[words[i]]
		return std, ok
	}
	return nil, false
}
