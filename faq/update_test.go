package faq

import (
	"sync"
	"testing"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/lang"
)

func answered(ix *Index, text string) string {
	if cs := ix.Match(text); len(cs) > 0 && cs[0].Answerable {
		return cs[0].FAQ
	}
	return ""
}

// An admin's edit changes one FAQ in place: its new question is answered,
// its old one no longer, and the other FAQs as before.
func TestUpdateOneFAQ(t *testing.T) {
	ix := testIndex()
	if got := answered(ix, "bayar pbb bisa lewat mana aja ya"); got != "pbb-bayar" {
		t.Fatalf("before the edit: %q answers, want pbb-bayar", got)
	}
	ix.Update(sigap.FAQ{ID: "pbb-bayar", OPD: "PAJAK", Questions: []string{
		"Bagaimana cara membayar retribusi pasar?", "Bayar retribusi kios pasar di mana?"},
		Answer: "Retribusi pasar dibayar harian kepada petugas UPTD pasar."})
	if got := answered(ix, "bayar retribusi kios pasar di mana ya?"); got != "pbb-bayar" {
		t.Errorf("the edited FAQ's new question: %q answers, want pbb-bayar", got)
	}
	if got := answered(ix, "bayar pajak bumi dan bangunan di mana?"); got == "pbb-bayar" {
		t.Errorf("the edited FAQ still answers its old question")
	}
	if got := answered(ix, "syarat bikin ktp buat anak sy yg baru 17 th gmn min?"); got != "ktp-baru" {
		t.Errorf("an FAQ the edit did not touch: %q answers, want ktp-baru", got)
	}
}

func TestUpdateAddsAndRemoveDrops(t *testing.T) {
	ix := testIndex()
	ix.Update(sigap.FAQ{ID: "pasar-kios", OPD: "PASAR", Questions: []string{
		"Bagaimana cara menyewa kios di pasar daerah?", "Syarat sewa los pasar"},
		Answer: "Ajukan permohonan sewa kios ke UPTD pasar dengan KTP."})
	if got := answered(ix, "cara sewa kios di pasar gimana?"); got != "pasar-kios" {
		t.Errorf("an added FAQ: %q answers, want pasar-kios", got)
	}
	if !ix.Remove("ktp-hilang") || ix.Remove("ktp-hilang") {
		t.Fatalf("Remove of an FAQ, then of it again: want true, then false")
	}
	for _, c := range ix.Match("ktp ku ilang kemarin, ngurus gantinya gimana?") {
		if c.FAQ == "ktp-hilang" {
			t.Errorf("a removed FAQ is still a candidate: %+v", c)
		}
	}
}

// A negative example (a citizen said the FAQ did not help) keeps the FAQ
// from answering messages like it, and no others.
func TestAddNegative(t *testing.T) {
	ix := testIndex()
	text := "syarat bikin KTP untuk anak 17 tahun yang tinggal di luar negeri apa?"
	if got := answered(ix, text); got != "ktp-baru" {
		t.Fatalf("before: %q answers, want ktp-baru", got)
	}
	if err := ix.AddNegative("ktp-baru", "syarat KTP untuk anak yang tinggal di luar negeri"); err != nil {
		t.Fatal(err)
	}
	if got := answered(ix, text); got == "ktp-baru" {
		t.Errorf("after the negative example the FAQ still answers %q", text)
	}
	if got := answered(ix, "syarat bikin ktp buat anak sy yg baru 17 th gmn min?"); got != "ktp-baru" {
		t.Errorf("the negative example stopped an unrelated message: %q", got)
	}
	if err := ix.AddNegative("no-such-faq", "x"); sigap.ErrorCode(err) != sigap.ENOTFOUND {
		t.Errorf("negative for an unknown FAQ: err %v, want ENOTFOUND", err)
	}
}

// Matching goes on while FAQs are edited (run with -race).
func TestUpdateWhileMatching(t *testing.T) {
	ix := testIndex()
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 200 {
			ix.Update(sigap.FAQ{ID: "kios", OPD: "PASAR", Questions: []string{"sewa kios pasar", "syarat sewa los"}, Answer: "Ke UPTD pasar."})
			if i%2 == 1 {
				ix.Remove("kios")
			}
		}
	})
	for range 200 {
		ix.Match("sewa kios pasar syaratnya apa?")
		ix.Match("bayar pbb bisa lewat mana aja ya")
	}
	wg.Wait()
}

// Words of one government service are kin: a message that says "karcis"
// covers, at half weight, the FAQ question that says "tiket", and names
// its subject.
func TestKinWords(t *testing.T) {
	faqs := []sigap.FAQ{
		{ID: "wisata-tiket", OPD: "WISATA", Questions: []string{"Berapa harga tiket masuk objek wisata pantai?", "Tiket pantai hari libur berapa?"},
			Answer: "Tiket masuk pantai Rp10.000, hari libur Rp15.000."},
		{ID: "parkir-tarif", OPD: "HUB", Questions: []string{"Berapa tarif parkir motor di tepi jalan?", "Tarif parkir mobil"},
			Answer: "Tarif parkir motor Rp2.000 dan mobil Rp5.000."},
	}
	subjects := map[string][]string{"WISATA": {"Dinas Pariwisata", "wisata", "tiket"}, "HUB": {"Dinas Perhubungan", "parkir"}}
	var vocab []string
	for _, f := range faqs {
		vocab = append(vocab, f.Questions...)
		vocab = append(vocab, f.Answer)
	}
	n := lang.NewWithDictionary(nil, []string{"karcis masuk", "tiket masuk"}, vocab...)
	without := NewIndex(faqs, n, Options{Subjects: subjects})
	with := NewIndex(faqs, n, Options{Subjects: subjects, Concepts: map[string][]int32{"karcis": {7}, "tiket": {7}}})
	text := "karcis masuk pantai pas libur brp?"
	a, b := without.Match(text), with.Match(text)
	if len(a) == 0 || len(b) == 0 || b[0].FAQ != "wisata-tiket" {
		t.Fatalf("Match(%q): without kin %+v, with kin %+v", text, a, b)
	}
	if b[0].Coverage <= a[0].Coverage {
		t.Errorf("kin words: coverage %.2f, want more than %.2f without", b[0].Coverage, a[0].Coverage)
	}
	if a[0].Answerable && a[0].FAQ == "wisata-tiket" || !b[0].Answerable {
		t.Errorf("without kin the message does not name the subject (tiket), with kin it does: %+v / %+v", a[0], b[0])
	}
}

// An FAQ's core terms are what its texts repeat; a question held out does
// not count in finding them.
func TestCoreTerms(t *testing.T) {
	ix := testIndex()
	fi := ix.faqAt["ktp-hilang"]
	names := func(ids []int32) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			m[ix.terms[id]] = true
		}
		return m
	}
	core := names(ix.core[fi])
	if !core["ktp"] || !core["hilang"] || core["cetak"] {
		t.Errorf("core of ktp-hilang = %v, want ktp and hilang (in both questions), not cetak (in one)", core)
	}
	// Without the second question, only the answer repeats a word of the
	// first: "kehilangan".
	held := names(ix.coreTerms(fi, int(ix.faqQ[fi][1])))
	if len(held) != 1 || !held["hilang"] {
		t.Errorf("core without the second question = %v, want hilang alone", held)
	}
}
