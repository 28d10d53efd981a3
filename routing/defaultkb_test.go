package routing_test

import (
	"testing"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/routing"
)

// The method must work on the KB Sigap ships with, on questions written for
// this test.
func TestDefaultKB(t *testing.T) {
	k := kb.Default()
	r, err := routing.New(k, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text   string
		action sigap.Action
		opd    string
	}{
		{"min sy mau bikin ktp pertama kali, syaratnya apa aja ya?", sigap.ActionFAQ, "DISDUKCAPIL"},
		{"inyong arep bayar pbb, lewat ngendi bae?", sigap.ActionFAQ, "BPPKAD"},
		{"jadwal imunisasi bayi di puskesmas kapan ya bu?", sigap.ActionFAQ, "DINKES"},
		{"Sampah di depan pasar sudah seminggu tidak diangkut, baunya menyengat sekali", sigap.ActionRoute, "DISPERKIMLH"},
		{"Jembatan di dusun kami retak dan miring, kalau hujan warga takut lewat", sigap.ActionRoute, "DPUPR"},
		{"ktp sy sudah rekam dari 3 bulan lalu tp sampai sekarang belum jadi", sigap.ActionRoute, "DISDUKCAPIL"},
		{"selamat pagi min 🙏", sigap.ActionClarify, ""},
		{"makasih nggih", sigap.ActionClarify, ""},
		// FAQ questions in chat spelling, Banyumasan and vowel-dropped words.
		{"bapak sy meninggal kemarin, akta kematiannya ngurusnya gimana?", sigap.ActionFAQ, "DISDUKCAPIL"},
		{"syrt bkin akte kelahiran bayi apa aj y", sigap.ActionFAQ, "DISDUKCAPIL"},
		{"bayar pbb bisa lewat minimarket ga?", sigap.ActionFAQ, "BPPKAD"},
		{"mau langganan angkut sampah rumah tangga daftarnya kemana", sigap.ActionFAQ, "DISPERKIMLH"},
		{"petani kaya inyong bisa olih pupuk subsidi ora? pimen carane", sigap.ActionFAQ, "DISTAPANG"},
		{"pasang sambungan PDAM baru biayanya berapa?", sigap.ActionFAQ, "PERUMDAM"},
		{"nelayan mau daftar kartu kusuka caranya gmn", sigap.ActionFAQ, "DKP"},
		// Problems and cases under way go to the OPD that owns them.
		{"dalan nang desa inyong bolong-bolong gede, wis akeh sing tiba", sigap.ActionRoute, "DPUPR"},
		{"jalan di desa kami rusak parah, kapan diperbaiki?", sigap.ActionRoute, "DPUPR"},
		{"sampah di pinggir pasar numpuk, kapan diangkut?", sigap.ActionRoute, "DISPERKIMLH"},
		{"air pdam di rumah keruh kayak teh susu sudah 2 hari", sigap.ActionRoute, "PERUMDAM"},
		{"lampu merah di perempatan kota mati dari pagi, bahaya", sigap.ActionRoute, "DISHUB"},
		{"tikus sawah merajalela, padi kami habis dimakan, minta bantuan penyuluh", sigap.ActionRoute, "DISTAPANG"},
		{"banjir masuk rumah warga setinggi lutut, butuh evakuasi lansia", sigap.ActionRoute, "BPBD"},
		{"ada warung jual miras oplosan dekat sekolah, tolong ditertibkan", sigap.ActionRoute, "SATPOLPP"},
		// Services of bodies outside the regency go to the triage desk.
		{"cara perpanjang SIM di polres gimana?", sigap.ActionTriage, "DISKOMINFO"},
		{"token listrik PLN cepat habis, mau komplain kemana", sigap.ActionTriage, "DISKOMINFO"},
		// The regency's FAQ on junior high enrolment does not answer
		// what may be the province's (upper secondary schools).
		{"daftar sma negeri jalur zonasi kapan", sigap.ActionTriage, "DISKOMINFO"},
		{"daftar smp negeri jalur zonasi kapan", sigap.ActionFAQ, "DISDIKBUD"},
		{"nuwun sewu", sigap.ActionClarify, ""},
		{"tes tes", sigap.ActionClarify, ""},
		// More FAQ questions, in chat spelling and ngapak.
		{"igd rsud buka 24 jam ga ya min?", sigap.ActionFAQ, "RSUD"},
		{"data pekerjaan di kk sy masih pelajar, gantinya gimana", sigap.ActionFAQ, "DISDUKCAPIL"},
		{"cara aktivasi ktp digital di hp gmn min", sigap.ActionFAQ, "DISDUKCAPIL"},
		{"sy di phk sepihak ga dapet pesangon, ngadu kemana", sigap.ActionFAQ, "DISNAKER"},
		{"sppt pbb ku ilang, njaluk salinan nang ngendi?", sigap.ActionFAQ, "BPPKAD"},
		{"tiket masuk goa jatijajar saiki pira?", sigap.ActionFAQ, "DISPORAPAR"},
		{"timbangan di warung harus ditera dimana ya", sigap.ActionFAQ, "DISPERINDAG"},
		{"syarat bikin kartu perpustakaan daerah apa aja", sigap.ActionFAQ, "DISARPUS"},
		{"kapan pendaftaran cpns dibuka tahun ini?", sigap.ActionFAQ, "BKPSDM"},
		{"ada kabar di grup wa soal penculikan, itu hoaks bukan?", sigap.ActionFAQ, "DISKOMINFO"},
		{"kis pbi ibu saya mendadak nonaktif, cara ngaktifin gimana?", sigap.ActionFAQ, "DINSOS"},
		// More problems and cases under way.
		{"kk saya sudah diurus sebulan lalu tapi belum jadi juga", sigap.ActionRoute, "DISDUKCAPIL"},
		{"antrian di poli rsud lama sekali, dari pagi belum dipanggil", sigap.ActionRoute, "RSUD"},
		{"juru parkir di depan bank minta tarif lima ribu, padahal motor", sigap.ActionRoute, "DISHUB"},
		{"pedagang kaki lima menutup trotoar depan sekolah, anak-anak jalan di aspal", sigap.ActionRoute, "SATPOLPP"},
		{"pohon tumbang menimpa rumah warga setelah angin kencang semalam", sigap.ActionRoute, "BPBD"},
		{"lele di kolam kami mati semua setelah hujan, minta penyuluh perikanan", sigap.ActionRoute, "DKP"},
		{"sudah tiga hari air pdam tidak mengalir di perumahan kami", sigap.ActionRoute, "PERUMDAM"},
		{"kepala desa kami tidak transparan soal dana desa", sigap.ActionRoute, "DISPERMADES"},
		// More outside the regency, and no question.
		{"perpanjang paspor buat umroh di imigrasi mana ya", sigap.ActionTriage, "DISKOMINFO"},
		{"hp saya dicopet di terminal, lapor polisi dimana", sigap.ActionTriage, "DISKOMINFO"},
		{"oke min siap, nuwun", sigap.ActionClarify, ""},
		{"🙏🙏🙏", sigap.ActionClarify, ""},
	}
	for _, tt := range tests {
		d := r.Decide(tt.text)
		if d.Action != tt.action || d.OPD != tt.opd {
			t.Errorf("Decide(%q) = %+v, want %s %s\n%+v", tt.text, d, tt.action, tt.opd, r.Explain(tt.text).Reasons)
		}
	}
}
