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
	}
	for _, tt := range tests {
		d := r.Decide(tt.text)
		if d.Action != tt.action || d.OPD != tt.opd {
			t.Errorf("Decide(%q) = %+v, want %s %s\n%+v", tt.text, d, tt.action, tt.opd, r.Explain(tt.text).Reasons)
		}
	}
}
