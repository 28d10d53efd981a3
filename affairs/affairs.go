// Package affairs is what Sigap knows of Indonesian government before it
// reads any knowledge base: the affairs (urusan pemerintahan) a regency
// holds under UU 23/2014, the bodies outside the regency whose services
// citizens ask a regency about, and the everyday words of each service.
// Map places a knowledge base's OPDs on the regency's affairs, so that
// routing can send a message to the OPD that holds its affair even when
// the knowledge base never uses the message's words.
package affairs

import (
	"bufio"
	"embed"
	"fmt"
	"strings"
)

// The data is plain text so that people who know the government, not
// programmers, can review and extend it.
//
//go:embed regency.txt outside.txt
var data embed.FS

// Group is an affair of the regency, or a body outside it, with its
// services.
type Group struct {
	Code     string
	Name     string
	Services []Service
}

// Service is one sub-affair or service and the phrases citizens use for
// it. Group is the code of the affair or body it belongs to.
type Service struct {
	Group   string
	Name    string
	Phrases []string
}

var (
	regency = mustParse("regency.txt")
	outside = mustParse("outside.txt")
)

// Regency returns the affairs a regency holds. The slice is shared: callers
// must not modify it.
func Regency() []Group { return regency }

// Outside returns the bodies outside the regency government. The slice is
// shared: callers must not modify it.
func Outside() []Group { return outside }

func mustParse(name string) []Group {
	b, err := data.ReadFile(name)
	if err != nil {
		panic("affairs: embedded " + name + " missing: " + err.Error())
	}
	groups, err := parse(name, string(b))
	if err != nil {
		panic(err.Error())
	}
	return groups
}

// parse reads "[CODE] Name" group lines, each followed by
// "name: phrase, phrase, ..." service lines; '#' starts a comment line.
func parse(name, text string) ([]Group, error) {
	var groups []Group
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "["):
			code, title, ok := strings.Cut(l[1:], "]")
			if !ok || strings.TrimSpace(code) == "" || strings.TrimSpace(title) == "" {
				return nil, fmt.Errorf("affairs: %s:%d: want \"[code] Name\", got %q", name, line, l)
			}
			groups = append(groups, Group{Code: strings.TrimSpace(code), Name: strings.TrimSpace(title)})
		default:
			service, phrases, ok := strings.Cut(l, ":")
			if !ok || len(groups) == 0 {
				return nil, fmt.Errorf("affairs: %s:%d: want \"service: phrase, phrase\" after a \"[code] Name\" line, got %q", name, line, l)
			}
			g := &groups[len(groups)-1]
			s := Service{Group: g.Code, Name: strings.TrimSpace(service)}
			for p := range strings.SplitSeq(phrases, ",") {
				if p = strings.TrimSpace(p); p != "" {
					s.Phrases = append(s.Phrases, p)
				}
			}
			if s.Name == "" || len(s.Phrases) == 0 {
				return nil, fmt.Errorf("affairs: %s:%d: a service needs a name and phrases, got %q", name, line, l)
			}
			g.Services = append(g.Services, s)
		}
	}
	return groups, sc.Err()
}
