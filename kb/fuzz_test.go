package kb_test

import (
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap/kb"
)

// FuzzParse feeds the loader arbitrary files: it must return a KB or an
// error naming a line, never panic, and a KB it accepts must be one the
// rest of Sigap can rely on.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add(kb.DefaultYAML())
	f.Add([]byte("prefix: [\n"))
	f.Add([]byte("opds:\n  - code: X\n    sla: {first_response: -4h}\n"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := kb.Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			if k != nil {
				t.Fatal("a KB returned with an error")
			}
			return
		}
		if _, ok := k.OPD(k.TriageOPD); !ok {
			t.Fatalf("accepted a KB whose triage OPD %q is not one of its OPDs", k.TriageOPD)
		}
		for _, q := range k.FAQs {
			if _, ok := k.OPD(q.OPD); !ok || strings.TrimSpace(q.Answer) == "" {
				t.Fatalf("accepted FAQ %q with OPD %q and answer %q", q.ID, q.OPD, q.Answer)
			}
		}
		if p := k.Policy(k.TriageOPD); p.FirstResponse <= 0 || p.Resolution <= 0 {
			t.Fatalf("accepted non-positive SLA targets %+v", p)
		}
	})
}
