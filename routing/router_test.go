package routing

import (
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

// testKB is a small KB written for these tests.
func testKB() *sigap.KB {
	return &sigap.KB{
		TriageOPD: "KOMINFO",
		OPDs: []sigap.OPD{
			{Code: "CAPIL", Name: "Dinas Kependudukan dan Pencatatan Sipil",
				Description: "KTP elektronik, kartu keluarga, akta kelahiran, pindah penduduk",
				Keywords:    []string{"ktp", "kk", "akta kelahiran", "dukcapil"},
				Examples:    []string{"KTP saya sudah direkam tiga bulan tapi belum jadi", "Nama di akta kelahiran anak saya salah ketik"}},
			{Code: "PU", Name: "Dinas Pekerjaan Umum",
				Description: "jalan dan jembatan kabupaten, jalan rusak dan berlubang, saluran irigasi",
				Keywords:    []string{"jalan rusak", "jalan berlubang", "jembatan", "irigasi", "aspal"},
				Examples:    []string{"Jalan di desa kami rusak parah, kapan diperbaiki?", "Jembatan dusun retak dan miring"}},
			{Code: "KES", Name: "Dinas Kesehatan",
				Description: "puskesmas, imunisasi, posyandu, demam berdarah",
				Keywords:    []string{"puskesmas", "imunisasi", "posyandu", "demam berdarah", "bidan"},
				Examples:    []string{"Puskesmas di kecamatan kami tutup siang hari", "Ada tetangga kena demam berdarah"}},
			{Code: "KOMINFO", Name: "Dinas Komunikasi dan Informatika",
				Description: "website pemerintah, informasi publik, hoaks",
				Keywords:    []string{"website", "ppid", "hoaks", "internet"},
				Examples:    []string{"Website pemkab tidak bisa dibuka"}},
		},
		FAQs: []sigap.FAQ{
			{ID: "ktp-baru", OPD: "CAPIL", Questions: []string{
				"Apa syarat membuat KTP elektronik pertama kali?", "Cara bikin KTP untuk anak umur 17 tahun"},
				Answer: "Bawa fotokopi kartu keluarga ke kantor Dukcapil untuk perekaman. Gratis."},
			{ID: "akta-lahir", OPD: "CAPIL", Questions: []string{
				"Apa syarat membuat akta kelahiran?", "Cara mengurus akta lahir bayi"},
				Answer: "Bawa surat keterangan lahir dari bidan, kartu keluarga dan buku nikah orang tua."},
			{ID: "imunisasi", OPD: "KES", Questions: []string{
				"Kapan jadwal imunisasi bayi di puskesmas?", "Imunisasi dasar untuk bayi apa saja?"},
				Answer: "Imunisasi dasar gratis di puskesmas dan posyandu sesuai umur bayi."},
			{ID: "jalan-lapor", OPD: "PU", Questions: []string{
				"Bagaimana cara melaporkan jalan rusak?", "Mau lapor jalan berlubang"},
				Answer: "Kirim lokasi dan foto jalan yang rusak melalui layanan ini."},
		},
	}
}

func TestDecide(t *testing.T) {
	r, err := New(testKB(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text   string
		action sigap.Action
		faq    string
		opd    string
	}{
		{"min syarat bikin ktp gmn? anak sy udah 17 th", sigap.ActionFAQ, "ktp-baru", "CAPIL"},
		{"nyong arep ngurus akte lahir bayi, syarate apa bae?", sigap.ActionFAQ, "akta-lahir", "CAPIL"},
		{"jadwal imunisasi bayi di puskesmas kapan ya", sigap.ActionFAQ, "imunisasi", "KES"},
		// Every keyword of an FAQ, but the citizen follows up their own case.
		{"ktp sy sudah rekam 2 bulan lalu tapi sampai sekarang belum jadi", sigap.ActionRoute, "", "CAPIL"},
		{"Aspal jalan di depan balai desa Sruweng ambles dan berlubang besar, mohon segera diperbaiki", sigap.ActionRoute, "", "PU"},
		{"halo min, selamat pagi 🙏", sigap.ActionClarify, "", ""},
		{"makasih infonya kak 👍👍", sigap.ActionClarify, "", ""},
		{"p", sigap.ActionClarify, "", ""},
		{"🙏🙏", sigap.ActionClarify, "", ""},
		{"perpanjang paspor di kantor imigrasi mana", sigap.ActionTriage, "", "KOMINFO"},
		// The police's service, though its words lean to CAPIL's topics.
		{"syarat bikin skck di polsek buat daftar kerja apa aja", sigap.ActionTriage, "", "KOMINFO"},
	}
	for _, tt := range tests {
		got := r.Decide(tt.text)
		if got.Action != tt.action || got.FAQ != tt.faq || got.OPD != tt.opd {
			t.Errorf("Decide(%q) = %+v, want %s faq=%q opd=%q\n%+v", tt.text, got, tt.action, tt.faq, tt.opd, r.Explain(tt.text))
		}
		if got.Score < 0 || got.Score > 1 {
			t.Errorf("Decide(%q): score %v outside 0..1", tt.text, got.Score)
		}
	}
}

func TestLearnChangesLaterDecisions(t *testing.T) {
	r, err := New(testKB(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// The KB knows nothing of street vendors' permits; staff keep moving
	// such tickets to PU.
	text := "izin lapak pedagang kaki lima di trotoar"
	if d := r.Decide(text); d.OPD == "PU" {
		t.Fatalf("before learning the message already routes to PU: %+v", d)
	}
	for _, e := range []string{
		"lapak pedagang kaki lima menutup trotoar",
		"pedagang kaki lima di trotoar alun-alun",
		"trotoar penuh lapak pedagang",
	} {
		r.Learn(sigap.Example{Text: e, OPD: "PU"})
	}
	if d := r.Decide(text); d.Action != sigap.ActionRoute || d.OPD != "PU" {
		t.Errorf("after learning: %+v, want route to PU\n%+v", d, r.Explain(text))
	}
	r.Learn(sigap.Example{Text: "anything", OPD: "NOPE"}) // unknown OPD: ignored, no panic
}

func TestNewLearnsGivenExamples(t *testing.T) {
	text := "izin lapak pedagang kaki lima di trotoar"
	learned := []sigap.Example{
		{Text: "lapak pedagang kaki lima menutup trotoar", OPD: "PU"},
		{Text: "pedagang kaki lima di trotoar alun-alun", OPD: "PU"},
		{Text: "trotoar penuh lapak pedagang", OPD: "PU"},
	}
	r, err := New(testKB(), learned)
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Decide(text); d.OPD != "PU" {
		t.Errorf("Decide = %+v, want PU", d)
	}
	if _, err := New(testKB(), []sigap.Example{{Text: "x", OPD: "NOPE"}}); sigap.ErrorCode(err) != sigap.EINVALID {
		t.Errorf("example for an unknown OPD: err = %v, want EINVALID", err)
	}
}

func TestNewRejectsInconsistentKB(t *testing.T) {
	k := testKB()
	k.TriageOPD = "NOPE"
	if _, err := New(k, nil); sigap.ErrorCode(err) != sigap.EINVALID {
		t.Errorf("unknown triage OPD: err = %v, want EINVALID", err)
	}
	k = testKB()
	k.FAQs[0].OPD = "NOPE"
	if _, err := New(k, nil); sigap.ErrorCode(err) != sigap.EINVALID {
		t.Errorf("FAQ of unknown OPD: err = %v, want EINVALID", err)
	}
}

func TestExplain(t *testing.T) {
	r, err := New(testKB(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ex := r.Explain("KTP sy udah direkam 3 bulan tp blm jadi")
	if ex.Normalized == "" || len(ex.OPDs) == 0 || len(ex.Reasons) == 0 {
		t.Fatalf("explanation incomplete: %+v", ex)
	}
	if len(ex.FAQs) == 0 || ex.FAQs[0].Answerable {
		t.Errorf("near miss: want an unanswerable KTP candidate, got %+v", ex.FAQs)
	}
	if ex.OPDs[0].OPD != "CAPIL" {
		t.Errorf("best OPD = %s, want CAPIL", ex.OPDs[0].OPD)
	}
}

// A word of a body outside the regency that an OPD's name has (Satpol PP
// is "Satuan Polisi Pamong Praja") makes no matter the police's: the
// message's other words decide.
func TestOutsideWordClaimedByOneOPD(t *testing.T) {
	k := testKB()
	k.OPDs = append(k.OPDs, sigap.OPD{Code: "SATPOL", Name: "Satuan Polisi Pamong Praja",
		Description: "ketertiban umum, pedagang kaki lima, minuman keras",
		Keywords:    []string{"pkl", "miras", "ketertiban"},
		Examples:    []string{"Warung menjual miras dekat sekolah", "PKL berjualan di trotoar"}})
	r, err := New(k, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text   string
		action sigap.Action
		opd    string
	}{
		// A bridge report that says it told the police is the bridge's.
		{"jembatan dusun retak, ada motor jatuh, sudah lapor polisi", sigap.ActionRoute, "PU"},
		{"warung jual miras bebas, polisi pamong praja tolong tertibkan", sigap.ActionRoute, "SATPOL"},
	}
	for _, tt := range tests {
		if d := r.Decide(tt.text); d.Action != tt.action || d.OPD != tt.opd {
			t.Errorf("Decide(%q) = %+v, want %s %s\n%v", tt.text, d, tt.action, tt.opd, r.Explain(tt.text).Reasons)
		}
	}
}

// The question of a paragraph decides where it goes, over circumstances
// that name another OPD's topics.
func TestQuestionInParagraphDrivesRouting(t *testing.T) {
	r, err := New(testKB(), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := "Saya kader posyandu, tiap bulan imunisasi bayi di balai desa. Jembatan ke balai desa retak, kapan diperbaiki?"
	if d := r.Decide(text); d.OPD != "PU" {
		t.Errorf("Decide = %+v, want PU\n%v", d, r.Explain(text).Reasons)
	}
}

// Decide and Explain read only the first MaxText bytes, so the explanation
// is of the decision taken, however long the message.
func TestLongMessageIsClipped(t *testing.T) {
	r, err := New(testKB(), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("halo min ", MaxText/len("halo min ")+1) + "jembatan dusun retak"
	if d := r.Decide(text); d.Action != sigap.ActionClarify {
		t.Errorf("Decide = %+v, want clarify: the words past MaxText are not read", d)
	}
	if ex := r.Explain(text); ex.Decision.Action != sigap.ActionClarify || len(ex.Topic) > 0 {
		t.Errorf("Explain: decision %+v, topic %v; want clarify from the clipped text", ex.Decision, ex.Topic)
	}
}
