package routing

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/pemkab-kebumen/sigap/kb"
)

func TestDumpFeatures(t *testing.T) {
	k, err := kb.Load(os.Getenv("KB"))
	if err != nil {
		t.Skip()
	}
	r, _ := New(k, nil)
	f, _ := os.Open(os.Getenv("DEV"))
	sc := bufio.NewScanner(f)
	out, _ := os.Create(os.Getenv("OUT"))
	for sc.Scan() {
		var m struct {
			ID, Text string
			FAQ      *string
		}
		json.Unmarshal(sc.Bytes(), &m)
		a := r.norm.Analyze(m.Text)
		cs := r.index.MatchAnalysis(a, 2)
		if len(cs) == 0 {
			continue
		}
		want := ""
		if m.FAQ != nil {
			want = *m.FAQ
		}
		c := cs[0]
		v := r.index.Features(a)
		fmt.Fprintf(out, "%s\t%v\t%v\t%.3f\t%.3f\t%.3f\t%v\t%q\t%v\n", m.ID, want == c.FAQ, want != "", c.Confidence, c.Coverage, c.Relevance, c.Answerable, c.Reasons, v)
	}
	out.Close()
}

func TestPrintModel(t *testing.T) {
	k, err := kb.Load(os.Getenv("KB"))
	if err != nil {
		t.Skip()
	}
	r, _ := New(k, nil)
	fmt.Printf("%+v\n", r.index.Model())
}
