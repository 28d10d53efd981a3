package routing

import (
	"fmt"
	"os"
	"testing"

	"github.com/pemkab-kebumen/sigap/kb"
)

func TestDbgClassify(t *testing.T) {
	k, err := kb.Load(os.Getenv("KB"))
	if err != nil {
		t.Skip()
	}
	r, _ := New(k, nil)
	text := os.Getenv("TEXT")
	a := r.norm.Analyze(text)
	words := r.topicWords(a)
	rows, _ := r.model.lookup(words, nil, nil, nil)
	names := map[int32]string{}
	for f, i := range r.model.ids {
		names[i] = f
	}
	for _, id := range rows {
		fmt.Printf("%-22s w=%.2f ", names[id], r.model.weight[id])
		for _, c := range r.model.rows[id] {
			fmt.Printf(" %s:%.1f/%.2f", r.model.opds[c.class], c.count, c.gain)
		}
		fmt.Println()
	}
	scores := make([]float64, r.model.width())
	r.model.logScores(rows, nil, scores)
	for i, o := range r.model.opds {
		fmt.Printf("%s=%.2f ", o, scores[i])
	}
	fmt.Println("bg", scores[len(scores)-1], "temp", r.model.temperature)
}
