package lang

import (
	"bufio"
	"embed"
	"strings"
)

// The word lists are plain text so that linguists, not programmers, can
// review and extend them.
//
//go:embed *.txt
var lists embed.FS

// readList returns the non-comment lines of an embedded list.
func readList(name string) []string {
	data, err := lists.ReadFile(name)
	if err != nil {
		panic("lang: embedded list " + name + " missing: " + err.Error())
	}
	var out []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// readMap reads "written = standard" lines.
func readMap(name string) map[string]string {
	m := map[string]string{}
	for _, line := range readList(name) {
		from, to, _ := strings.Cut(line, "=")
		m[strings.TrimSpace(from)] = strings.TrimSpace(to)
	}
	return m
}

// commonWords returns the common Indonesian words of words.txt, which typo
// repair never rewrites.
func commonWords() []string {
	var out []string
	for _, line := range readList("words.txt") {
		out = append(out, splitWords(Fold(line))...)
	}
	return out
}
