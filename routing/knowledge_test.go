package routing

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/affairs"
	"github.com/pemkab-kebumen/sigap/kb"
)

// regencyKB is a regency cut otherwise than testKB: livestock with
// agriculture, street lights with housing, a fire service with public
// order. Its texts never say "pmk", "solar" or "kobra".
func regencyKB() *sigap.KB {
	return &sigap.KB{
		TriageOPD: "SETDA",
		OPDs: []sigap.OPD{
			{Code: "SETDA", Name: "Sekretariat Daerah", Description: "pertanyaan umum yang belum jelas tujuannya", Keywords: []string{"bupati", "humas"}},
			{Code: "DISTAN", Name: "Dinas Pertanian dan Peternakan", Description: "pupuk bersubsidi, penyuluh pertanian, peternakan",
				Keywords: []string{"pupuk", "petani", "ternak"}, Examples: []string{"Pupuk subsidi di kios kosong"}},
			{Code: "DKP", Name: "Dinas Kelautan dan Perikanan", Description: "nelayan dan budidaya ikan", Keywords: []string{"nelayan", "ikan", "tambak"},
				Examples: []string{"Benih lele bantuan belum datang"}},
			{Code: "PERKIM", Name: "Dinas Perumahan dan Permukiman", Description: "rumah tidak layak huni, penerangan jalan umum",
				Keywords: []string{"rtlh", "lampu jalan"}, Examples: []string{"Lampu jalan di gang kami mati"}},
			{Code: "PU", Name: "Dinas Pekerjaan Umum", Description: "jalan dan jembatan kabupaten, drainase", Keywords: []string{"jalan rusak", "jembatan", "selokan"},
				Examples: []string{"Jalan berlubang di depan pasar"}},
			{Code: "SATPOL", Name: "Satuan Polisi Pamong Praja dan Pemadam Kebakaran", Description: "ketertiban umum, pemadaman kebakaran, penyelamatan",
				Keywords: []string{"satpol pp", "damkar", "kebakaran"}, Examples: []string{"Ada rumah terbakar di RT 2"}},
			{Code: "CAPIL", Name: "Dinas Kependudukan dan Pencatatan Sipil", Description: "KTP elektronik, kartu keluarga, akta kelahiran",
				Keywords: []string{"ktp", "kk", "akta"}, Examples: []string{"KTP saya sudah direkam sebulan belum jadi"}},
			{Code: "BPBD", Name: "Badan Penanggulangan Bencana Daerah", Description: "banjir, tanah longsor, pohon tumbang", Keywords: []string{"banjir", "longsor"},
				Examples: []string{"Banjir masuk rumah warga"}},
			{Code: "DISDIK", Name: "Dinas Pendidikan", Description: "SD dan SMP negeri (SMA dan SMK adalah kewenangan Pemerintah Provinsi), penerimaan murid baru, beasiswa",
				Keywords: []string{"sd", "smp", "murid baru"}, Examples: []string{"Gedung SD kami bocor"}},
		},
		FAQs: []sigap.FAQ{
			{ID: "ktp-hilang", OPD: "CAPIL", Questions: []string{"KTP hilang, bagaimana mengurus gantinya?", "Syarat cetak ulang KTP yang hilang"},
				Answer: "Bawa surat kehilangan dari kepolisian dan fotokopi KK ke kantor Dukcapil."},
			{ID: "pupuk", OPD: "DISTAN", Questions: []string{"Syarat membeli pupuk bersubsidi", "Bagaimana cara menebus pupuk subsidi?"},
				Answer: "Petani yang terdaftar dalam RDKK menebus pupuk di kios resmi dengan KTP."},
			{ID: "murid-baru", OPD: "DISDIK", Questions: []string{"Kapan pendaftaran murid baru SD dan SMP negeri dibuka?", "Jadwal penerimaan murid baru"},
				Answer: "Pendaftaran murid baru SD dan SMP negeri dibuka bulan Juni secara daring."},
		},
	}
}

func regencyRouter(t *testing.T) *Router {
	t.Helper()
	r, err := New(regencyKB(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// General knowledge of the regency's affairs takes a message the KB's
// texts never speak of to the OPD that holds its affair.
func TestAffairsReachTheOPD(t *testing.T) {
	r := regencyRouter(t)
	tests := []struct{ text, opd string }{
		{"sapi saya kena pmk, mulutnya luka dan tidak mau makan", "DISTAN"},
		{"kambing tetangga mati mendadak, takut antraks", "DISTAN"},
		{"solar buat perahu susah didapat, mohon rekomendasinya", "DKP"},
		{"ada ular kobra masuk dapur, tolong dievakuasi", "SATPOL"},
		{"tiang pju depan masjid miring mau roboh", "PERKIM"},
		{"gorong-gorong mampet, air meluap ke jalan", "PU"},
		{"tebing di belakang rumah retak-retak, takut ambrol", "BPBD"},
	}
	wantRoutes(t, r, tests)
}

// wantRoutes checks that r routes each text to its OPD.
func wantRoutes(t *testing.T, r *Router, tests []struct{ text, opd string }) {
	t.Helper()
	for _, tt := range tests {
		if d := r.Decide(tt.text); d.Action != sigap.ActionRoute || d.OPD != tt.opd {
			t.Errorf("Decide(%q) = %+v, want route %s\n%v", tt.text, d, tt.opd, r.Explain(tt.text).Reasons)
		}
	}
}

// A body outside the regency is a class of its own: a message about its
// service goes to the triage desk, which tells the citizen where to go; a
// message that only mentions it is decided on what it is about.
func TestOutsideBodies(t *testing.T) {
	r := regencyRouter(t)
	tests := []struct {
		text   string
		action sigap.Action
		opd    string
	}{
		{"perpanjang SIM C di mana ya? sudah mati 2 bulan", sigap.ActionTriage, "SETDA"},
		{"bikin SKCK buat ngelamar kerja syaratnya apa", sigap.ActionTriage, "SETDA"},
		{"cara lapor SPT tahunan lewat coretax gimana", sigap.ActionTriage, "SETDA"},
		{"iuran BPJS mandiri saya nunggak 6 bulan, dendanya berapa", sigap.ActionTriage, "SETDA"},
		{"token listrik PLN tidak bisa masuk", sigap.ActionTriage, "SETDA"},
		{"mau ajukan KUR ke bank syaratnya apa", sigap.ActionTriage, "SETDA"},
		{"sertifikat tanah warisan mau balik nama di BPN", sigap.ActionTriage, "SETDA"},
		// The KB itself says upper secondary schools are the province's.
		{"pendaftaran SMA negeri tahun ini kapan dibuka?", sigap.ActionTriage, "SETDA"},
		// Mentions, not about.
		{"banjir setinggi lutut di jalan depan polsek, warga butuh evakuasi", sigap.ActionRoute, "BPBD"},
		{"jembatan dusun retak, ada motor jatuh, sudah lapor polisi", sigap.ActionRoute, "PU"},
		{"rumah terbakar dekat kantor PLN, butuh damkar segera", sigap.ActionRoute, "SATPOL"},
	}
	for _, tt := range tests {
		if d := r.Decide(tt.text); d.Action != tt.action || d.OPD != tt.opd {
			t.Errorf("Decide(%q) = %+v, want %s %s\n%v", tt.text, d, tt.action, tt.opd, r.Explain(tt.text).Reasons)
		}
	}
	// An FAQ that speaks of the body still answers: the KTP FAQ tells the
	// citizen to bring a police letter.
	if d := r.Decide("ktp saya hilang, perlu surat kehilangan dari kepolisian? gimana ngurusnya"); d.Action != sigap.ActionFAQ || d.FAQ != "ktp-hilang" {
		t.Errorf("an FAQ naming the body: %+v, want faq ktp-hilang", d)
	}
}

// What a message that asks nothing does reaches the bot, to answer in
// kind.
func TestGestureDecisions(t *testing.T) {
	r := regencyRouter(t)
	tests := []struct {
		text    string
		action  sigap.Action
		gesture sigap.Gesture
	}{
		{"Assalamualaikum wr wb", sigap.ActionClarify, sigap.GestureGreeting},
		{"P", sigap.ActionClarify, sigap.GestureGreeting},
		{"terima kasih banyak min, sangat membantu 🙏 semoga sehat selalu", sigap.ActionClarify, sigap.GestureThanks},
		{"matur nuwun sanget nggih", sigap.ActionClarify, sigap.GestureThanks},
		{"makasih, ktp saya sudah jadi", sigap.ActionClarify, sigap.GestureThanks},
		{"Terima kasih banyak, Pak 🙏", sigap.ActionClarify, sigap.GestureThanks},
		{"TERIMAKASIH!!!", sigap.ActionClarify, sigap.GestureThanks},
		{"thank you", sigap.ActionClarify, sigap.GestureThanks},
		{"ok makasih infonya sangat membantu", sigap.ActionClarify, sigap.GestureThanks},
		{"maaf salah kirim", sigap.ActionClarify, sigap.GestureApology},
		{"oke siap min", sigap.ActionClarify, sigap.GestureAck},
		{"Baik pak", sigap.ActionClarify, sigap.GestureAck},
		{"min ada orang?", sigap.ActionClarify, sigap.GestureGreeting},
		{"👍", sigap.ActionClarify, sigap.GestureAck},
		{"<Media omitted>", sigap.ActionClarify, sigap.GestureMedia},
		{"izin bertanya min", sigap.ActionClarify, sigap.GestureNone},
		{"mohon bantuannya", sigap.ActionClarify, sigap.GestureNone},
		{"🤔", sigap.ActionClarify, sigap.GestureNone},
		// A thanks that goes on to ask or report is a question.
		{"makasih min, tapi ktp saya belum jadi juga", sigap.ActionRoute, sigap.GestureNone},
	}
	for _, tt := range tests {
		if d := r.Decide(tt.text); d.Action != tt.action || d.Gesture != tt.gesture {
			t.Errorf("Decide(%q) = %+v, want %s gesture %q", tt.text, d, tt.action, tt.gesture)
		}
	}
}

// A long message is decided on its question, the story around it counting
// less; what-for words count less than what.
func TestLongMessages(t *testing.T) {
	r := regencyRouter(t)
	tests := []struct {
		text   string
		action sigap.Action
		faq    string
		opd    string
	}{
		{"Selamat pagi. Saya petani di desa, sawah saya dekat sungai dan kemarin sempat banjir kecil, " +
			"tapi sekarang sudah surut. Musim tanam sebentar lagi. Syarat beli pupuk subsidi apa saja ya? Terima kasih.",
			sigap.ActionFAQ, "pupuk", "DISTAN"},
		{"Kemarin saya ke pasar beli bibit lele buat tambak, pulangnya lewat jalan desa. " +
			"Jalannya berlubang besar dan sudah ada yang jatuh. Kapan diperbaiki?",
			sigap.ActionRoute, "", "PU"},
	}
	for _, tt := range tests {
		if d := r.Decide(tt.text); d.Action != tt.action || d.FAQ != tt.faq || d.OPD != tt.opd {
			t.Errorf("Decide(%q) = %+v, want %s %s %s\n%v", tt.text, d, tt.action, tt.faq, tt.opd, r.Explain(tt.text).Reasons)
		}
	}
}

// An admin's edit of the FAQs reaches the router without a rebuild.
func TestRouterUpdate(t *testing.T) {
	k := regencyKB()
	r, err := New(k, nil)
	if err != nil {
		t.Fatal(err)
	}
	edited := *k
	edited.FAQs = append(slices.Clone(k.FAQs), sigap.FAQ{ID: "longsor-lapor", OPD: "BPBD",
		Questions: []string{"Bagaimana cara melaporkan tanah longsor?", "Nomor darurat bencana longsor"},
		Answer:    "Laporkan lokasi longsor ke pusat pengendalian operasi BPBD lewat layanan ini atau telepon 112."})
	edited.FAQs = slices.DeleteFunc(edited.FAQs, func(f sigap.FAQ) bool { return f.ID == "pupuk" })
	if !r.Update(&edited) {
		t.Fatal("Update refused an edit of FAQs only")
	}
	if d := r.Decide("cara melaporkan tanah longsor gimana?"); d.FAQ != "longsor-lapor" {
		t.Errorf("an added FAQ: %+v, want longsor-lapor", d)
	}
	if d := r.Decide("syarat beli pupuk subsidi apa saja?"); d.Action == sigap.ActionFAQ {
		t.Errorf("a removed FAQ still answers: %+v", d)
	}
	opds := edited
	opds.OPDs = slices.Clone(k.OPDs)
	opds.OPDs[1].Keywords = append(slices.Clone(opds.OPDs[1].Keywords), "traktor")
	if r.Update(&opds) {
		t.Errorf("Update accepted a change of an OPD, which needs a rebuild")
	}
	if err := r.AddNegative("longsor-lapor", "longsor di jalan tol"); err != nil {
		t.Errorf("AddNegative: %v", err)
	}
	// Decisions go on during edits (run with -race).
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 50 {
			r.Update(k)
			r.Update(&edited)
		}
	})
	for range 200 {
		r.Decide("cara melaporkan tanah longsor gimana?")
	}
	wg.Wait()
}

// --explain says which knowledge decided: the lexicons' rewrites, the
// question of a long message, the affair or outside body.
func TestExplainKnowledge(t *testing.T) {
	r := regencyRouter(t)
	tests := []struct{ text, want string }{
		{"sapine inyong kena pmk", "affairs: "},
		{"sapine inyong kena pmk", "lexicon: "},
		{"perpanjang SIM di mana?", "outside body: "},
		{"bikin SKCK buat daftar jadi petani penyuluh, caranya?", "outside body: skck"},
		{"Sawah saya kebanjiran kemarin. Pupuk subsidi bisa ditebus di mana?", "question: "},
		{"ternsk saya sakit", "spelling: ternsk → ternak"},
	}
	for _, tt := range tests {
		ex := r.Explain(tt.text)
		if !slices.ContainsFunc(ex.Knowledge, func(k string) bool { return strings.HasPrefix(k, tt.want) }) {
			t.Errorf("Explain(%q).Knowledge = %q, want a line %q…", tt.text, ex.Knowledge, tt.want)
		}
	}
}

// A KB sentence about whose authority something is teaches the OPD it
// describes nothing of it.
func TestAuthorityClauses(t *testing.T) {
	r := regencyRouter(t)
	province := len(r.kb.OPDs) + slices.IndexFunc(r.bodies, func(b affairs.Group) bool { return b.Code == "PROVINSI" })
	for _, f := range []string{"sma", "smk"} {
		if c := r.model.onlyClass([]byte(f)); c != province {
			t.Errorf("%q: only class %d, want the province's (%d): the education office's description says it is not theirs", f, c, province)
		}
	}
	if c := r.model.onlyClass([]byte("smp")); c == province {
		t.Errorf("smp is the province's; the clause cut took the education office's own schools")
	}
}

// The everyday words of the regency's affairs, in Indonesian and in
// Banyumasan, take messages the embedded KB never words so to the OPD that
// holds the affair: traditional arts, crop diseases, fishing with current,
// antiquities found in the ground, a KTP chip, an old woman living alone, a
// python in the house, a blocked ditch, ground cracking behind the house.
func TestEverydayWordsOnTheEmbeddedKB(t *testing.T) {
	r, err := New(kb.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, opd string }{
		{"ada pentas sintren dan kuda kepang, sanggar kami boleh ikut?", "DISDIKBUD"},
		{"warga nemu arca dan batu kuno waktu nggali sumur", "DISDIKBUD"},
		{"padi kami kena hawar daun dan tungro, daunnya menguning", "DISTAPANG"},
		{"ada orang nyetrum ikan di sungai pakai aki, ikannya habis", "DKP"},
		{"chip ktp saya tidak terbaca waktu mau daftar", "DISDUKCAPIL"},
		{"nenek sebatang kara di dusun kami tidak ada yang merawat", "DINSOS"},
		{"ada ular sanca masuk kamar anak, tolong dievakuasi", "SATPOLPP"},
		{"got buntu penuh sampah, air got meluap ke jalan kalau hujan", "DPUPR"},
		{"tebing belakang omah jugrug, lemahe merekah", "BPBD"},
		{"sumure asat kabeh, warga kesulitan air bersih, njaluk kiriman banyu", "BPBD"},
		{"kompor mbledhos, pawon kobong, tulung damkar", "SATPOLPP"},
		{"timbangan pedagang beras di pasar kurang takaran", "DISPERINDAG"},
	}
	wantRoutes(t, r, tests)
}

// An FAQ match short of answering on its own answers when the OPD scores
// agree that its OPD holds the message, the message asks for information
// and names no body outside the regency.
func TestAgreementCorroboratesAnFAQ(t *testing.T) {
	r := regencyRouter(t)
	tests := []struct {
		text   string
		action sigap.Action
		faq    string
	}{
		{"anak mau sekolah smp, jadwal daftar kapan", sigap.ActionFAQ, "murid-baru"},
		{"anak saya mau masuk smp tahun ini, daftarnya kapan ya", sigap.ActionFAQ, "murid-baru"},
		// No word asks for information: routed, not answered.
		{"anak mau sekolah smp, daftar online?", sigap.ActionRoute, ""},
		// The police named: the triage desk.
		{"anak mau sekolah smp, jadwal daftar kapan, polsek juga buka?", sigap.ActionTriage, ""},
	}
	for _, tt := range tests {
		ex := r.Explain(tt.text)
		if len(ex.FAQs) == 0 || ex.FAQs[0].FAQ != "murid-baru" {
			t.Fatalf("Explain(%q): best FAQ %+v, want murid-baru", tt.text, ex.FAQs)
		}
		if c := ex.FAQs[0].Confidence; c >= 0.5 {
			t.Fatalf("Explain(%q): confidence %.2f answers on its own; the case needs a weaker match", tt.text, c)
		}
		if d := ex.Decision; d.Action != tt.action || d.FAQ != tt.faq {
			t.Errorf("Decide(%q) = %+v, want %s %s\n%v", tt.text, d, tt.action, tt.faq, ex.Reasons)
		}
	}
}

// A thanks that praises or wishes well, and neither asks nor says that
// anything is wrong, is a thanks however long its story; one that asks or
// reports trouble is decided as a message.
func TestFriendlyThanks(t *testing.T) {
	r := regencyRouter(t)
	thanks := []string{
		"makasih banyak min, kemarin lapor jalan di dusun kami, hari ini sudah ditambal. cepat sekali, sukses selalu buat petugasnya 👍",
		"terima kasih pak, pupuknya sudah sampai di kios kami. semoga lancar terus ya",
	}
	for _, text := range thanks {
		if d := r.Decide(text); d.Action != sigap.ActionClarify || d.Gesture != sigap.GestureThanks {
			t.Errorf("Decide(%q) = %+v, want clarify with the thanks gesture\n%v", text, d, r.Explain(text).Reasons)
		}
	}
	asks := []string{
		"makasih min, jalan di dusun kami sudah ditambal, tapi jembatan masih rusak. semoga cepat diperbaiki",
		"terima kasih pak, semoga lancar. pupuk subsidi kapan datang ke kios?",
		"makasih min, mantap. tolong ktp saya yang hilang dibantu",
	}
	for _, text := range asks {
		if d := r.Decide(text); d.Action == sigap.ActionClarify {
			t.Errorf("Decide(%q) = %+v, want a decision on what it asks or reports\n%v", text, d, r.Explain(text).Reasons)
		}
	}
}
