// Package kb loads the knowledge base — OPDs, FAQs, working calendar and SLA
// targets — from YAML, and reports every mistake in it by file, line and
// field; the rules themselves are sigap.KB.Validate's, the same for a file
// and for an admin's edit in the dashboard. It says which KB is in force
// for a database (InForce) and saves an admin's edit (Edit). It embeds the
// default knowledge base of Pemkab Kebumen, so Sigap runs without any
// configuration.
package kb

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

//go:embed kebumen.yaml
var kebumenYAML []byte

// Load reads and validates the knowledge base in the file at path. A file
// with mistakes gives an Errors listing all of them.
func Load(path string) (*sigap.KB, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("kb: %w", err)
	}
	return Parse(path, data)
}

// Parse validates a knowledge base held in data; name is the file name the
// problems are reported against. A KB with mistakes gives an Errors listing
// all of them, in line order.
func Parse(name string, data []byte) (*sigap.KB, error) {
	d := &decoder{file: name, lines: map[string]int{}}
	kb := d.document(data)
	if kb != nil {
		d.validate(kb)
	}
	if len(d.problems) > 0 {
		slices.SortStableFunc(d.problems, func(a, b *Problem) int { return a.Line - b.Line })
		return nil, d.problems
	}
	return kb, nil
}

// validate adds the problems KB.Validate finds, at the line of their
// field, except those about a field whose form was already wrong: a
// missing name is not also an empty one.
func (d *decoder) validate(kb *sigap.KB) {
	var found sigap.Problems
	if !errors.As(kb.Validate(), &found) {
		return
	}
	formed := len(d.problems)
	for _, p := range found {
		if slices.ContainsFunc(d.problems[:formed], func(q *Problem) bool { return related(p.Field, q.Field) }) {
			continue
		}
		msg := p.Msg
		if p.First != "" {
			msg += fmt.Sprintf(" (first at line %d)", d.line(p.First))
		}
		d.problems = append(d.problems, &Problem{File: d.file, Line: d.line(p.Field), Field: p.Field, Msg: msg})
	}
}

// line is where the field's value is, or else its nearest enclosing one.
func (d *decoder) line(field string) int {
	for field != "" {
		if n := d.lines[field]; n > 0 {
			return n
		}
		field = field[:max(strings.LastIndexAny(field, ".["), 0)]
	}
	return 0
}

// related reports whether one field path is the other or lies within it.
func related(a, b string) bool {
	within := func(inner, outer string) bool {
		return outer == "" || inner == outer || strings.HasPrefix(inner, outer+".") || strings.HasPrefix(inner, outer+"[")
	}
	return within(a, b) || within(b, a)
}

// Default returns the embedded knowledge base of Pemkab Kebumen. Each call
// returns a fresh copy, so a caller may change it freely.
func Default() *sigap.KB {
	kb, err := Parse("kebumen.yaml", kebumenYAML)
	if err != nil {
		panic("kb: the embedded default knowledge base is invalid:\n" + err.Error())
	}
	return kb
}

// DefaultYAML returns the embedded knowledge base as written, for an admin
// to start editing from.
func DefaultYAML() []byte { return slices.Clone(kebumenYAML) }
