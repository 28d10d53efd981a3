package faq

import (
	"testing"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/lang"
)

// changeIndex has a short question that a message about changing a
// family card's data covers whole ("membuat KK"), and the FAQ that speaks
// of what the message is about.
func changeIndex() *Index {
	faqs := []sigap.FAQ{
		{ID: "kk-baru", OPD: "CAPIL", Questions: []string{"Cara membuat KK", "Syarat kartu keluarga baru setelah menikah"},
			Answer: "Bawa buku nikah dan KK lama ke Dukcapil."},
		{ID: "kk-ubah", OPD: "CAPIL", Questions: []string{"Bagaimana mengubah status perkawinan, pekerjaan atau pendidikan di kartu keluarga?", "Data di KK salah, cara membetulkan?"},
			Answer: "Bawa dokumen pendukung (buku nikah, ijazah) dan KK asli untuk perubahan data."},
		{ID: "pbb-bayar", OPD: "PAJAK", Questions: []string{"Bagaimana cara membayar PBB?", "Bayar pajak bumi dan bangunan bisa di mana?"},
			Answer: "PBB dibayar di bank, kantor pos atau minimarket."},
		{ID: "ktp-hilang", OPD: "CAPIL", Questions: []string{"KTP hilang, bagaimana mengurus gantinya?", "Syarat cetak ulang KTP yang rusak"},
			Answer: "Bawa surat kehilangan dan KK."},
	}
	var vocab []string
	for _, f := range faqs {
		vocab = append(vocab, f.Questions...)
		vocab = append(vocab, f.Answer)
	}
	return NewIndex(faqs, lang.New(nil, vocab...), Options{})
}

// Of the two best fits, the FAQ calibration holds likelier comes first:
// full coverage of a short question loses to the FAQ the message is about.
func TestMatchPrefersTheLikelierOfTwoFits(t *testing.T) {
	ix := changeIndex()
	for _, text := range []string{
		"status di kk masih lajang padahal sudah menikah, cara ubah gimana",
		"status perkawinan di kk saya masih belum kawin, cara membuat kk yang benar gimana",
	} {
		ss := ix.score(ix.prepareText(text), -1, 2)
		if len(ss) < 2 || ix.faqs[ss[0].faq].ID != "kk-baru" {
			t.Fatalf("%q: the best fit should be kk-baru, the case this test is about; got %+v", text, ss)
		}
		cs := ix.Match(text)
		if len(cs) < 2 || cs[0].FAQ != "kk-ubah" || cs[0].Confidence < cs[1].Confidence {
			t.Errorf("Match(%q) = %+v, want kk-ubah first, the likelier", text, cs)
		}
	}
}

// The OPD's agreement corroborates an FAQ only when no other FAQ of that
// OPD among the best fits it reads is nearly as likely.
func TestCloseSibling(t *testing.T) {
	ix := changeIndex()
	at := map[string]int{}
	for i, f := range ix.faqs {
		at[f.ID] = i
	}
	tests := []struct {
		others []string
		ps     []float64
		want   bool
	}{
		{[]string{"kk-ubah"}, []float64{0.45, 0.40}, true},    // same OPD, close
		{[]string{"kk-ubah"}, []float64{0.45, 0.20}, false},   // same OPD, far behind
		{[]string{"pbb-bayar"}, []float64{0.45, 0.44}, false}, // another OPD
		// A sibling third, behind an FAQ of another OPD.
		{[]string{"pbb-bayar", "ktp-hilang"}, []float64{0.45, 0.40, 0.36}, true},
		{[]string{"pbb-bayar", "ktp-hilang"}, []float64{0.45, 0.40, 0.20}, false},
	}
	for _, tt := range tests {
		ss := []scored{{faq: at["kk-baru"]}}
		for _, o := range tt.others {
			ss = append(ss, scored{faq: at[o]})
		}
		if got := ix.closeSibling(ss, tt.ps, 0); got != tt.want {
			t.Errorf("closeSibling(kk-baru, %v, %v) = %v, want %v", tt.others, tt.ps, got, tt.want)
		}
	}
}

// Two common words side by side may name a service that neither names
// alone: "pajak tanah" names the land tax, the subject of the PBB FAQ.
func TestPairNamesTheSubject(t *testing.T) {
	faqs := []sigap.FAQ{
		{ID: "pbb-bayar", OPD: "PAJAK", Questions: []string{"Bagaimana cara membayar PBB?", "Bayar PBB bisa di mana?"},
			Answer: "PBB dibayar di bank, kantor pos atau minimarket."},
		{ID: "ktp-hilang", OPD: "CAPIL", Questions: []string{"KTP hilang, bagaimana mengurus gantinya?"},
			Answer: "Bawa surat kehilangan dan KK."},
	}
	var vocab []string
	for _, f := range faqs {
		vocab = append(vocab, f.Questions...)
		vocab = append(vocab, f.Answer)
	}
	subjects := map[string][]string{"PAJAK": {"pbb"}, "CAPIL": {"ktp"}}
	text := "pajak tanah tahun ini bayarnya di mana?"
	for _, tt := range []struct {
		pairs map[string][]int32
		want  bool
	}{
		{map[string][]int32{"pajak tanah": {7}}, true},
		{nil, false},
	} {
		ix := NewIndex(faqs, lang.New(nil, vocab...), Options{Subjects: subjects, Concepts: map[string][]int32{"pbb": {7}}, Pairs: tt.pairs})
		m := ix.prepareText(text)
		if got := ix.namesSubject(m, ix.subject[ix.faqAt["pbb-bayar"]]); got != tt.want {
			t.Errorf("pairs %v: namesSubject(%q, pbb) = %v, want %v", tt.pairs, text, got, tt.want)
		}
	}
}

// A problem the message reports is the FAQ's own when the problem and the
// word beside it, none of the FAQ's, name a service the FAQ names: a
// leaking roof is a house unfit to live in, a leaking pipe is not, and a
// lost KTP is no question on the KTP's requirements.
func TestProblemPairedWithTheFAQsService(t *testing.T) {
	faqs := []sigap.FAQ{
		{ID: "rtlh", OPD: "PERKIM", Questions: []string{"Bagaimana cara mendapatkan bantuan rumah tidak layak huni?"},
			Answer: "Usulan bantuan diajukan lewat pemerintah desa."},
		{ID: "pasang-baru", OPD: "PDAM", Questions: []string{"Bagaimana cara pasang sambungan air baru?"},
			Answer: "Daftar di kantor PDAM dengan KTP."},
		{ID: "ktp-syarat", OPD: "CAPIL", Questions: []string{"Apa syarat membuat KTP?"},
			Answer: "Bawa KK ke kecamatan."},
	}
	var vocab []string
	for _, f := range faqs {
		vocab = append(vocab, f.Questions...)
		vocab = append(vocab, f.Answer)
	}
	concepts := map[string][]int32{"layak": {3}, "huni": {3}, "sambungan": {5}, "ktp": {7}}
	pairs := map[string][]int32{"genteng bocor": {3}, "atap bocor": {3}, "pipa bocor": {5}, "ktp hilang": {7}}
	ix := NewIndex(faqs, lang.New(nil, vocab...), Options{Concepts: concepts, Pairs: pairs})
	for _, tt := range []struct {
		text, faq string
		want      bool
	}{
		{"genteng bocor semua, cara dapat bantuan rumah tidak layak huni gimana?", "rtlh", true},
		{"atap bocor kalau hujan, bisa dapat bantuan rumah tidak layak huni?", "rtlh", true},
		{"pipa bocor di depan rumah, bisa dapat bantuan rumah tidak layak huni?", "rtlh", false},
		{"genteng bocor, cara pasang sambungan air baru gimana?", "pasang-baru", false},
		// What befalls the FAQ's own subject is a case of its own.
		{"ktp saya hilang, syaratnya apa?", "ktp-syarat", false},
	} {
		m := ix.prepareText(tt.text)
		if len(m.problems) != 1 {
			t.Fatalf("%q: want one reported problem, got %v", tt.text, m.problems)
		}
		if got := ix.speaksOfProblem(m, ix.faqAt[tt.faq], m.problems[0]); got != tt.want {
			t.Errorf("speaksOfProblem(%q, %s, %s) = %v, want %v", tt.text, tt.faq, m.problems[0], got, tt.want)
		}
	}
}
