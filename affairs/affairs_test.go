package affairs

import (
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/lang"
)

func TestEmbeddedData(t *testing.T) {
	for name, groups := range map[string][]Group{"regency": Regency(), "outside": Outside()} {
		if len(groups) < 10 {
			t.Errorf("%s: %d groups", name, len(groups))
		}
		codes := map[string]bool{}
		for _, g := range groups {
			if codes[g.Code] {
				t.Errorf("%s: code %s twice", name, g.Code)
			}
			codes[g.Code] = true
			for _, s := range g.Services {
				if s.Group != g.Code || len(s.Phrases) == 0 {
					t.Errorf("%s: service %q of %s: group %q, %d phrases", name, s.Name, g.Code, s.Group, len(s.Phrases))
				}
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"orphan: a, b", "x.txt:1: want \"service: phrase, phrase\" after a \"[code] Name\" line"},
		{"# c\n[pupr Pekerjaan Umum", "x.txt:2: want \"[code] Name\""},
		{"[pupr] Pekerjaan Umum\njalan: ", "x.txt:2: a service needs a name and phrases"},
		{"[pupr] Pekerjaan Umum\njembatan rusak", "x.txt:2: want \"service: phrase, phrase\""},
	}
	for _, tt := range tests {
		_, err := parse("x.txt", tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parse(%q) = %v, want an error with %q", tt.text, err, tt.want)
		}
	}
}

// testOPDs are two regencies' agencies, cut differently: street lights at
// the transport agency or at housing, livestock with agriculture or with
// fisheries, a hospital of its own or none.
func testOPDs() (a, b []sigap.OPD) {
	a = []sigap.OPD{
		{Code: "DISHUB", Name: "Dinas Perhubungan", Description: "penerangan jalan umum (PJU), lampu lalu lintas, parkir, terminal", Keywords: []string{"pju", "lampu jalan", "parkir"}},
		{Code: "PERKIM", Name: "Dinas Perumahan dan Permukiman", Description: "rumah tidak layak huni, perumahan", Keywords: []string{"rtlh", "bedah rumah"}},
		{Code: "DINKANNAK", Name: "Dinas Perikanan dan Peternakan", Description: "budidaya ikan, kesehatan hewan, ternak", Keywords: []string{"ikan", "sapi", "kambing"}},
		{Code: "DINTAN", Name: "Dinas Pertanian", Description: "pupuk bersubsidi, penyuluh pertanian", Keywords: []string{"pupuk", "petani"}},
		{Code: "DINKES", Name: "Dinas Kesehatan", Description: "puskesmas, imunisasi, posyandu", Keywords: []string{"puskesmas"}},
		{Code: "PU", Name: "Dinas Pekerjaan Umum", Description: "jalan dan jembatan kabupaten", Keywords: []string{"jalan rusak", "jembatan"}},
	}
	b = []sigap.OPD{
		{Code: "DISHUB", Name: "Dinas Perhubungan", Description: "parkir, terminal, angkutan umum", Keywords: []string{"parkir", "angkot"}},
		{Code: "DPRKP", Name: "Dinas Perumahan, Kawasan Permukiman dan Pertanahan", Description: "penerangan jalan umum, rumah tidak layak huni", Keywords: []string{"lampu jalan", "pju", "rtlh"}},
		{Code: "DISTAN", Name: "Dinas Pertanian dan Peternakan", Description: "pupuk, penyuluh pertanian, peternakan dan kesehatan hewan", Keywords: []string{"pupuk", "ternak"}},
		{Code: "DKP", Name: "Dinas Kelautan dan Perikanan", Description: "nelayan, budidaya ikan", Keywords: []string{"nelayan", "ikan"}},
		{Code: "RSUD", Name: "RSUD Kabupaten", Description: "rumah sakit umum daerah, rawat inap, IGD", Keywords: []string{"rsud", "igd"}},
		{Code: "DINKES", Name: "Dinas Kesehatan", Description: "puskesmas, imunisasi", Keywords: []string{"puskesmas"}},
	}
	return a, b
}

func tokenizer(opds []sigap.OPD) Tokenizer {
	var texts, dict []string
	for _, o := range opds {
		texts = append(texts, o.Name, o.Description, strings.Join(o.Keywords, ", "))
	}
	for _, g := range append(Regency(), Outside()...) {
		for _, s := range g.Services {
			dict = append(dict, s.Phrases...)
		}
	}
	n := lang.NewWithDictionary(nil, dict, texts...)
	return func(text string) []string {
		var out []string
		for _, w := range n.Tokens(text) {
			if n.IsContent(w) {
				out = append(out, w)
			}
		}
		return out
	}
}

func holder(hs []Holding, service string) (string, bool) {
	for _, h := range hs {
		if h.Service.Name == service {
			return h.OPD, h.Direct
		}
	}
	return "?", false
}

func TestMap(t *testing.T) {
	a, b := testOPDs()
	tests := []struct {
		opds    []sigap.OPD
		service string
		opd     string
		direct  bool
	}{
		{a, "penerangan jalan umum", "DISHUB", true},
		{b, "penerangan jalan umum", "DPRKP", true},
		{a, "kesehatan hewan", "DINKANNAK", true},
		{b, "kesehatan hewan", "DISTAN", true},
		{b, "budidaya ikan", "DKP", true},
		// No OPD names it: the OPD holding most of its affair does.
		{a, "rumah sakit daerah", "DINKES", false},
		{b, "rumah sakit daerah", "RSUD", true},
		{a, "perkebunan", "DINTAN", false},
		// "Pekerjaan Umum" is not "Tenaga Kerja"; no OPD holds labour.
		{a, "pencari kerja", "", false},
		{a, "transmigrasi", "", false},
	}
	maps := map[*sigap.OPD][]Holding{}
	for _, tt := range tests {
		hs, ok := maps[&tt.opds[0]]
		if !ok {
			hs = Map(tt.opds, tokenizer(tt.opds))
			maps[&tt.opds[0]] = hs
		}
		if opd, direct := holder(hs, tt.service); opd != tt.opd || direct != tt.direct {
			t.Errorf("%q held by %q (direct %v), want %q (direct %v)", tt.service, opd, direct, tt.opd, tt.direct)
		}
	}
}
