package kb

import (
	"fmt"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// Problem is one thing wrong in a knowledge-base file, located precisely
// enough for an admin to fix it without guessing.
type Problem struct {
	File  string
	Line  int    // 1-based; 0 when the problem has no line
	Field string // path such as "faqs[3].opd"; empty for file-level problems
	Msg   string
}

func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Field != "" {
		b.WriteString(": ")
		b.WriteString(p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// Errors lists every problem found in a file, so that one round of editing
// can fix them all.
type Errors []*Problem

func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each problem to errors.As.
func (e Errors) Unwrap() []error {
	errs := make([]error, len(e))
	for i, p := range e {
		errs[i] = p
	}
	return errs
}

// As lets sigap.ErrorCode and sigap.ErrorMessage see a bad KB as invalid
// input whose message lists every problem, so the dashboard can show the
// admin the whole list.
func (e Errors) As(target any) bool {
	if t, ok := target.(**sigap.Error); ok {
		*t = &sigap.Error{Code: sigap.EINVALID, Message: e.Error()}
		return true
	}
	return false
}
