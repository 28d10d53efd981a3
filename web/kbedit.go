package web

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
)

// validKB checks an edited KB by the rules of a KB file: it writes it in
// the file format and reads it back. Line numbers of that generated file
// mean nothing to the admin, so problems are reported by field.
func validKB(k *sigap.KB) (*sigap.KB, error) {
	data, err := kb.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("web: write KB: %w", err)
	}
	out, err := kb.Parse("admin", data)
	var problems kb.Errors
	if errors.As(err, &problems) {
		lines := make([]string, 0, len(problems))
		for _, p := range problems {
			lines = append(lines, strings.TrimPrefix(p.Field+": ", ": ")+p.Msg)
		}
		sort.Strings(lines)
		return nil, sigap.Errorf(sigap.EINVALID, "Perubahan tidak disimpan karena data tidak sah: %s", strings.Join(lines, "; "))
	} else if err != nil {
		return nil, fmt.Errorf("web: check KB: %w", err)
	}
	return out, nil
}

// cloneKB copies the lists an admin edits, so the KB in force is never
// changed in place.
func cloneKB(k *sigap.KB) *sigap.KB {
	c := *k
	c.OPDs = append([]sigap.OPD(nil), k.OPDs...)
	c.FAQs = append([]sigap.FAQ(nil), k.FAQs...)
	return &c
}
