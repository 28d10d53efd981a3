// Package kb loads the knowledge base — OPDs, FAQs, working calendar and SLA
// targets — from YAML, and reports every mistake in it by file, line and
// field. It embeds the default knowledge base of Pemkab Kebumen, so Sigap
// runs without any configuration.
package kb

import (
	_ "embed"
	"fmt"
	"os"
	"slices"

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
	d := &decoder{file: name}
	kb := d.document(data)
	if len(d.problems) > 0 {
		slices.SortStableFunc(d.problems, func(a, b *Problem) int { return a.Line - b.Line })
		return nil, d.problems
	}
	return kb, nil
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
