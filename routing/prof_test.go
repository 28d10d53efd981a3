package routing

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"

	"github.com/pemkab-kebumen/sigap/kb"
)

func BenchmarkProfDev(b *testing.B) {
	k, _ := kb.Load("/work/shared/eval/kb.yaml")
	r, _ := New(k, nil)
	f, _ := os.Open("/work/shared/eval/dev.jsonl")
	var texts []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m struct{ Text string }
		json.Unmarshal(sc.Bytes(), &m)
		texts = append(texts, m.Text)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r.Decide(texts[i%len(texts)])
	}
}
