package faq

import (
	"slices"
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/lang"
)

func testIndex() *Index {
	faqs := []sigap.FAQ{
		{ID: "ktp-baru", OPD: "CAPIL", Questions: []string{
			"Apa syarat membuat KTP elektronik pertama kali?", "Cara bikin KTP untuk anak umur 17 tahun"},
			Answer: "Bawa fotokopi kartu keluarga ke kantor Dukcapil untuk perekaman. Gratis."},
		{ID: "ktp-hilang", OPD: "CAPIL", Questions: []string{
			"KTP saya hilang, bagaimana mengurus gantinya?", "Syarat cetak ulang KTP yang hilang atau rusak"},
			Answer: "Bawa surat kehilangan dari polisi dan fotokopi kartu keluarga."},
		{ID: "pbb-bayar", OPD: "PAJAK", Questions: []string{
			"Bagaimana cara membayar PBB?", "Bayar pajak bumi dan bangunan bisa di mana?"},
			Answer: "PBB dibayar di bank, kantor pos atau minimarket dengan nomor objek pajak."},
	}
	contrast := []string{
		"Nama di KTP saya salah ketik, bagaimana membetulkannya?",
		"Tagihan PBB saya dobel padahal sudah lunas",
	}
	var vocab []string
	for _, f := range faqs {
		vocab = append(vocab, f.Questions...)
		vocab = append(vocab, f.Answer)
	}
	vocab = append(vocab, contrast...)
	return NewIndex(faqs, lang.New(nil, vocab...), Options{Contrast: contrast})
}

func TestMatch(t *testing.T) {
	ix := testIndex()
	tests := []struct {
		text       string
		best       string
		answerable bool
	}{
		{"syarat bikin ktp buat anak sy yg baru 17 th gmn min?", "ktp-baru", true},
		{"ktp ku ilang kemarin, ngurus gantinya gimana?", "ktp-hilang", true},
		{"bayar pbb bisa lewat mana aja ya", "pbb-bayar", true},
		// Near misses: the keywords of an FAQ, but a case already under way,
		// a problem the FAQ never speaks of, or no question at all.
		{"KTP saya sudah direkam 3 bulan lalu tapi belum jadi, kapan?", "", false},
		{"sudah urus ktp baru 2 minggu lalu, kapan jadinya?", "", false},
		{"nama di ktp saya salah tulis, gimana caranya?", "", false},
		{"ktp anak saya", "", false},
	}
	for _, tt := range tests {
		cs := ix.Match(tt.text)
		if len(cs) == 0 {
			t.Errorf("Match(%q): no candidate", tt.text)
			continue
		}
		if tt.best != "" && cs[0].FAQ != tt.best {
			t.Errorf("Match(%q): best %s, want %s", tt.text, cs[0].FAQ, tt.best)
		}
		if cs[0].Answerable != tt.answerable {
			t.Errorf("Match(%q): answerable %v, want %v (%+v)", tt.text, cs[0].Answerable, tt.answerable, cs[0])
		}
		for i, c := range cs {
			if c.Confidence < 0 || c.Confidence > 1 {
				t.Errorf("Match(%q): confidence %v outside 0..1", tt.text, c.Confidence)
			}
			if i > 0 && c.Answerable {
				t.Errorf("Match(%q): candidate %d answerable; only the best may be", tt.text, i)
			}
			if len(c.Reasons) == 0 {
				t.Errorf("Match(%q): candidate %s without reasons", tt.text, c.FAQ)
			}
		}
	}
}

func TestMatchNothingShared(t *testing.T) {
	if cs := testIndex().Match("halo selamat pagi"); len(cs) != 0 {
		t.Errorf("greeting matched %+v", cs)
	}
}

// Case status against how-to, from aspect, time, negation, contrast and
// condition rather than from phrases.
func TestReadIntent(t *testing.T) {
	n := lang.New(nil)
	tests := []struct {
		text string
		want intent
	}{
		{"gimana cara daftar?", intent{asks: true}},
		// A question tag asks without a question mark.
		{"hari sabtu kantor kecamatan masih buka ga ya min", intent{asks: true}},
		{"ini pungutan resmi bukan", intent{asks: true}},
		{"airnya tidak mengalir", intent{}},
		// The citizen started a service and waits on its result.
		{"sudah daftar 2 bulan lalu tapi belum ada kabar", intent{pending: true}},
		{"wis ngajokake seminggu kepungkur, durung cair", intent{pending: true}},
		{"berkas sudah saya serahkan, sampai sekarang belum diproses, kenapa ya?", intent{asks: true, pending: true}},
		{"KTP saya sudah jadi belum?", intent{asks: true, pending: true}},
		{"kok masih belum keluar juga ya", intent{pending: true}},
		{"kartunya nonaktif, padahal dulu aktif terus. bagaimana cara mengaktifkan?", intent{asks: true}},
		{"sudah 4 tahun diusulkan tapi tidak pernah dibangun", intent{pending: true}},
		{"air mati sudah 3 hari", intent{pending: true}},
		{"jalan di desa kami bertahun-tahun tidak diperbaiki", intent{pending: true}},
		// Said done, or not yet, but asking how or whether one may.
		{"anak saya sudah 17 tahun, bikin ktp gimana", intent{asks: true}},
		{"anak saya belum pernah imunisasi, masih bisa dikejar?", intent{asks: true}},
		{"umur 6 tahun sudah boleh masuk SD belum?", intent{asks: true}},
		{"sertifikat sudah balik nama tapi SPPT masih nama penjual, caranya gimana?", intent{asks: true}},
		{"sudah 2 bulan tidak hujan, bagaimana cara minta kiriman air?", intent{asks: true}},
		{"rumah sudah mau roboh, masih gedek, gimana dapat bantuan", intent{asks: true}},
		// Meant to, or went on to, and waiting for nothing.
		{"minggu lalu saya mau daftar bpjs tapi belum punya kk, syaratnya apa?", intent{asks: true}},
		{"sudah lapor ke polsek, terus saya harus urus ke mana?", intent{asks: true}},
		// An officer asked to act.
		{"jalan rusak, mohon segera diperbaiki", intent{followUp: true}},
		{"jalan rusak parah, kapan diperbaiki?", intent{asks: true, followUp: true}},
		{"sampahnya kapan diangkut", intent{asks: true, followUp: true}},
		{"kapan jadwal imunisasi?", intent{asks: true}},
		// Judging what one met.
		{"di loket ditarik lagi 5 ribu. Itu resmi?", intent{asks: true, complains: true}},
		{"apa memang begitu aturannya?", intent{asks: true, complains: true}},
		{"pendaftaran resminya lewat mana?", intent{asks: true}},
	}
	for _, tt := range tests {
		if got := readIntent(n.Analyze(tt.text)); got != tt.want {
			t.Errorf("readIntent(%q) = %+v, want %+v (tokens %v)", tt.text, got, tt.want, n.Tokens(tt.text))
		}
	}
}

// A problem said after a condition is hypothetical: the message asks about
// a rule, it reports nothing.
func TestReportedProblems(t *testing.T) {
	n := lang.New(nil)
	tests := []struct {
		text         string
		asked, story []string
	}{
		{"nama di akta salah tulis, gimana?", []string{"salah"}, nil},
		{"kalau telat bayar, dendanya berapa?", nil, nil},
		{"kalo ktp hilang ngurusnya gimana", nil, nil},
		{"ktp saya hilang. kalau mau bikin lagi gimana", []string{"hilang"}, nil},
		// The story says why the citizen asks; the question says what.
		{"kartu kis ibu saya mati, ditolak di puskesmas. cara mengaktifkan lagi gimana?", nil, []string{"mati", "tolak"}},
		{"cara mengaktifkan kartu kis yang mati gimana?", []string{"mati"}, nil},
	}
	for _, tt := range tests {
		if asked, story := reportedProblems(n.Analyze(tt.text)); !slices.Equal(asked, tt.asked) || !slices.Equal(story, tt.story) {
			t.Errorf("reportedProblems(%q) = %v, %v; want %v, %v", tt.text, asked, story, tt.asked, tt.story)
		}
	}
}

// A problem of the story rules an FAQ out only when it befalls what the
// FAQ is about: a broken KTP is no question on a new KTP's requirements,
// a KIS refused at the health centre is the reason to reactivate it.
func TestStoryProblems(t *testing.T) {
	faqs := []sigap.FAQ{
		{ID: "ktp-syarat", OPD: "CAPIL", Questions: []string{"Apa syarat membuat KTP?", "Syarat bikin KTP baru"}, Answer: "Bawa KK ke kecamatan."},
		{ID: "kis-aktif", OPD: "SOS", Questions: []string{"Bagaimana cara mengaktifkan kembali KIS?", "KIS nonaktif, cara aktifkan?"}, Answer: "Lapor ke dinas sosial dengan KTP dan KK."},
	}
	var vocab []string
	for _, f := range faqs {
		vocab = append(vocab, f.Questions...)
		vocab = append(vocab, f.Answer)
	}
	ix := NewIndex(faqs, lang.New(nil, vocab...), Options{})
	for _, tt := range []struct {
		text, faq string
		ruled     bool
	}{
		{"ktp anak saya rusak. syarat bikin ktp apa?", "ktp-syarat", true},
		{"kis ibu saya nonaktif, ditolak di puskesmas. cara mengaktifkan kembali gimana?", "kis-aktif", false},
	} {
		m := ix.prepareText(tt.text)
		f := ix.faqAt[tt.faq]
		ruled := false
		for _, p := range m.storyProblems {
			ruled = ruled || ix.saidOf(m, p, f) && !ix.speaksOfProblem(m, f, p)
		}
		if ruled != tt.ruled {
			t.Errorf("%q against %s: ruled out by its story = %v, want %v (story problems %v)", tt.text, tt.faq, ruled, tt.ruled, m.storyProblems)
		}
	}
}

func TestCalibrationFallbackOnTinyKB(t *testing.T) {
	faqs := []sigap.FAQ{{ID: "a", OPD: "X", Questions: []string{"jam buka kantor"}, Answer: "Buka pukul 8."}}
	ix := NewIndex(faqs, lang.New(nil, "jam buka kantor"), Options{})
	if ix.model != fallback {
		t.Errorf("one-question KB: model %+v, want the fallback", ix.model)
	}
}

// An FAQ answers only messages that name its subject: the words of its
// questions that its OPD lists among its topics.
func TestMatchNeedsTheFAQsSubject(t *testing.T) {
	faqs := []sigap.FAQ{
		{ID: "perpus-jam", OPD: "PERPUS", Questions: []string{
			"Jam buka perpustakaan daerah", "Perpustakaan buka hari Sabtu tidak?"},
			Answer: "Perpustakaan buka Senin sampai Sabtu pukul 08.00-15.00."},
		{ID: "ktp-hilang", OPD: "CAPIL", Questions: []string{
			"KTP saya hilang, bagaimana mengurus gantinya?", "Syarat cetak ulang KTP yang hilang"},
			Answer: "Bawa surat kehilangan dari polisi dan fotokopi kartu keluarga."},
		{ID: "kis-aktif", OPD: "SOSIAL", Questions: []string{
			"Kartu KIS saya tidak aktif, bagaimana mengaktifkan?"},
			Answer: "Ajukan ke Dinas Sosial dengan KTP dan KK."},
	}
	subjects := map[string][]string{
		"PERPUS": {"Dinas Perpustakaan", "perpustakaan", "buku"},
		"CAPIL":  {"Dinas Kependudukan", "ktp", "kartu keluarga"},
		"SOSIAL": {"Dinas Sosial", "kis", "bansos"},
	}
	var vocab []string
	for _, f := range faqs {
		vocab = append(vocab, f.Questions...)
		vocab = append(vocab, f.Answer)
	}
	ix := NewIndex(faqs, lang.New(nil, vocab...), Options{Subjects: subjects})
	tests := []struct {
		text       string
		answerable bool
	}{
		{"perpustakaan hari sabtu buka ga?", true},
		{"kantor pos hari sabtu buka jam berapa?", false},
		{"ktp sy hilang, cetak ulang gimana?", true},
		{"kartu kis sy hilang, bisa cetak ulang?", false},
	}
	for _, tt := range tests {
		cs := ix.Match(tt.text)
		got := len(cs) > 0 && cs[0].Answerable
		if got != tt.answerable {
			t.Errorf("Match(%q): answerable %v, want %v (%+v)", tt.text, got, tt.answerable, cs)
		}
	}
}

// A question buried in a paragraph is matched, its story weighing less.
func TestMatchQuestionInParagraph(t *testing.T) {
	ix := testIndex()
	text := "Selamat pagi. Saya baru pulang merantau dari luar pulau, dulu kerja di pabrik sepatu, " +
		"sekarang buka warung kelontong kecil di rumah mertua dekat balai desa. " +
		"Minggu lalu bapak ke kantor pos dan bank untuk urusan pajak bumi. " +
		"Anak saya sekarang umur 17. Syarat bikin KTP untuk anak apa saja ya? Terima kasih."
	cs := ix.Match(text)
	if len(cs) == 0 || cs[0].FAQ != "ktp-baru" || !cs[0].Answerable {
		t.Fatalf("Match(paragraph) = %+v, want ktp-baru answerable", cs)
	}
	// The story around the question weighs less than the question: the
	// same words said as one run-on sentence, with no question to tell
	// apart, are less relevant to the FAQ.
	flat := ix.Match(strings.NewReplacer(".", "", "?", "").Replace(text))
	if len(flat) == 0 || flat[0].Relevance >= cs[0].Relevance {
		t.Errorf("Match(paragraph): relevance %.2f, want more than the flattened text's (%+v)", cs[0].Relevance, flat)
	}
}
