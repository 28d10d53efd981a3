package routing

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// syntheticKB returns a word-rich KB of nOPD OPDs and nFAQ FAQs, built from
// generated words with a Zipf-like frequency, so that common words have
// long posting lists as in real text.
func syntheticKB(rng *rand.Rand, nOPD, nFAQ int) (*sigap.KB, []string) {
	syllables := strings.Fields("ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu ja ji ga gi da di")
	vocab := make([]string, 6000)
	for i := range vocab {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		vocab[i] = b.String()
	}
	zipf := rand.NewZipf(rng, 1.1, 4, uint64(len(vocab)-1))
	sentence := func(n int) string {
		words := make([]string, n)
		for i := range words {
			words[i] = vocab[zipf.Uint64()]
		}
		return strings.Join(words, " ")
	}
	kb := &sigap.KB{TriageOPD: "OPD0"}
	for i := range nOPD {
		kb.OPDs = append(kb.OPDs, sigap.OPD{
			Code: fmt.Sprintf("OPD%d", i), Name: sentence(4), Description: sentence(20),
			Keywords: strings.Fields(sentence(8)), Examples: []string{sentence(10), sentence(12), sentence(8)},
		})
	}
	var queries []string
	for i := range nFAQ {
		f := sigap.FAQ{ID: fmt.Sprintf("faq%d", i), OPD: kb.OPDs[i%nOPD].Code, Answer: sentence(30)}
		for range 3 {
			q := sentence(6 + rng.IntN(5))
			f.Questions = append(f.Questions, "bagaimana cara "+q)
		}
		kb.FAQs = append(kb.FAQs, f)
		// A citizen's version: one paraphrase with two words of context.
		queries = append(queries, "min mau tanya "+f.Questions[0]+" "+sentence(2)+" ya?")
	}
	return kb, queries
}

func BenchmarkDecide5000FAQs(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	kb, queries := syntheticKB(rng, 40, 5000)
	r, err := New(kb, nil)
	if err != nil {
		b.Fatal(err)
	}
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		r.Decide(queries[i%len(queries)])
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	p99 := durations[len(durations)*99/100]
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}

func BenchmarkNew5000FAQs(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	kb, _ := syntheticKB(rng, 40, 5000)
	for b.Loop() {
		if _, err := New(kb, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// On a KB large enough that common words' postings exceed the FAQs one
// message is scored against, candidates gathered from rare words still
// hold the FAQ a message paraphrases; and Decide, which scores only the
// two best FAQs, decides as Explain does.
func TestLargeKBFindsTheParaphrasedFAQ(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 3,000-FAQ KB")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	kb, queries := syntheticKB(rng, 30, 3000)
	r, err := New(kb, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for i, q := range queries {
		ex := r.Explain(q)
		if c := ex.FAQs; len(c) > 0 && c[0].FAQ == kb.FAQs[i].ID {
			found++
		}
		// Decide scores fewer FAQs than Explain, but must decide alike.
		if d := r.Decide(q); d != ex.Decision {
			t.Errorf("Decide(%q) = %+v, Explain decided %+v", q, d, ex.Decision)
		}
	}
	share := float64(found) / float64(len(queries))
	t.Logf("best candidate is the paraphrased FAQ for %d of %d messages", found, len(queries))
	if share < 0.99 {
		t.Errorf("best candidate is the paraphrased FAQ for %.3f of messages, want ≥ 0.99", share)
	}
}

// BenchmarkUpdateFAQ5000 edits one FAQ of a 5,000-FAQ KB, as an admin does
// in the dashboard; BenchmarkNew5000FAQs, the full rebuild, is its floor.
func BenchmarkUpdateFAQ5000(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	kb, _ := syntheticKB(rng, 40, 5000)
	r, err := New(kb, nil)
	if err != nil {
		b.Fatal(err)
	}
	edited := *kb
	edited.FAQs = slices.Clone(kb.FAQs)
	for i := 0; b.Loop(); i++ {
		f := &edited.FAQs[i%len(edited.FAQs)]
		f.Questions = append(slices.Clone(f.Questions[:len(f.Questions)-1]), fmt.Sprintf("bagaimana cara baru nomor %d", i))
		if !r.Update(&edited) {
			b.Fatal("Update refused an FAQ edit")
		}
	}
}
