package kb

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pemkab-kebumen/sigap"
)

// Changes describes, for the audit log, every OPD and FAQ that differs
// between two KBs: each entry before and after, as JSON in the KB file's
// field names ("sebelum: –" for an added one, "sesudah: –" for a removed
// one). Equal KBs give "".
func Changes(old, edited *sigap.KB) string {
	var lines []string
	lines = append(lines, entryChanges("opd", old.OPDs, edited.OPDs, func(o sigap.OPD) string { return o.Code }, opdEntry)...)
	lines = append(lines, entryChanges("faq", old.FAQs, edited.FAQs, func(q sigap.FAQ) string { return q.ID }, faqEntry)...)
	return strings.Join(lines, "\n")
}

// entryChanges lists the entries of one kind that were added, removed or
// changed, in the order of the edited list, then the removed ones.
func entryChanges[T, F any](kind string, old, edited []T, key func(T) string, entry func(T) F) []string {
	before := map[string]string{}
	for _, v := range old {
		before[key(v)] = entryJSON(entry(v))
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range edited {
		k, after := key(v), entryJSON(entry(v))
		seen[k] = true
		if b, ok := before[k]; !ok {
			out = append(out, fmt.Sprintf("%s %s: sebelum: – sesudah: %s", kind, k, after))
		} else if b != after {
			out = append(out, fmt.Sprintf("%s %s: sebelum: %s sesudah: %s", kind, k, b, after))
		}
	}
	var removed []string
	for k := range before {
		if !seen[k] {
			removed = append(removed, k)
		}
	}
	slices.Sort(removed)
	for _, k := range removed {
		out = append(out, fmt.Sprintf("%s %s: sebelum: %s sesudah: –", kind, k, before[k]))
	}
	return out
}

func entryJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v", v) // plain structs of strings: cannot fail
	}
	return string(data)
}
