package lang

import (
	"slices"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	n := New(map[string]string{"sertipikat": "sertifikat"},
		"Syarat membuat KTP elektronik", "Cara mengurus akta kelahiran anak",
		"Pendaftaran sekolah dasar", "Lapor ambulans puskesmas", "Sertifikat tanah")
	tests := []struct {
		in, want string
	}{
		{"min akte lahir anak sy gmn syarate", "min akta lahir anak saya bagaimana syarat"},
		{"inyong arep ngurus KK pimen carane", "saya mau urus kk bagaimana cara"},
		{"tolonggg ambulans puskesmsa ga diangkat2", "tolong ambulans puskesmas tidak angkat"},
		{"𝐇𝐚𝐥𝐨 ｍｉｎ, terima kasih 👍", "halo min terimakasih"},
		{"E-KTP ku ilang, ktp-el adikku?", "ktp ku hilang ktp adik"},
		{"pendaftarannya dibuka kapan", "daftar buka kapan"},
		{"bayar 500rb anak-anak", "bayar 500 ribu anak"},
		{"sertipikat tanah", "sertifikat tanah"},
		{"café naïve", "cafe naive"},
		{"bad \xff utf8", "bad utf8"},
	}
	for _, tt := range tests {
		if got := strings.Join(n.Tokens(tt.in), " "); got != tt.want {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStem(t *testing.T) {
	n := New(nil, "daftar pasang angkut terang baik")
	tests := map[string]string{
		"pendaftaran": "daftar", "pemasangan": "pasang", "pengangkutan": "angkut",
		"penerangan": "terang", "diperbaiki": "perbaik", "perbaikan": "perbaik",
		"menyediakan": "sedia", "kependudukan": "penduduk", "bantuannya": "bantu",
		"sekolah": "sekolah", "pantai": "pantai", "syarate": "syarat",
	}
	for in, want := range tests {
		if got := n.root(in); got != want {
			t.Errorf("stem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTypoCorrectionLeavesNamesAndShortWords(t *testing.T) {
	n := New(nil, "banding pengadilan", "parah sekali", "puskesmas")
	a := n.Analyze("Saya pindah ke Bandini, puskesmsa tutup, kaki patah")
	tokens, names := a.Tokens, a.Names
	if !slices.Contains(tokens, "puskesmas") {
		t.Errorf("typo not corrected: %v", tokens)
	}
	if slices.Contains(tokens, "banding") || !names["bandini"] {
		t.Errorf("a capitalised place was corrected to a vocabulary word: %v, names %v", tokens, names)
	}
	if slices.Contains(tokens, "parah") {
		t.Errorf("a known short word was corrected: %v", tokens)
	}
}

func TestContentWords(t *testing.T) {
	n := New(nil, "jalan rusak")
	tests := []struct {
		in      string
		content bool
	}{
		{"halo min, selamat pagi 🙏", false},
		{"P P P", false},
		{"oke siap kak, terima kasih banyak", false},
		{"Assalamualaikum wr wb", false},
		{"min mau tanya", false},
		{"jalan rusak di Sruweng", true},
	}
	for _, tt := range tests {
		got := slices.ContainsFunc(n.Tokens(tt.in), n.IsContent)
		if got != tt.content {
			t.Errorf("%q has content words = %v, want %v (tokens %v)", tt.in, got, tt.content, n.Tokens(tt.in))
		}
	}
}

func TestOSADistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"puskesmas", "puskesmsa", 1}, {"negeri", "negri", 1}, {"abc", "abc", 0}, {"kartu", "pintu", 3},
	}
	for _, tt := range tests {
		if got := osaDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("osaDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSpellingOfShortenedAndInflectedWords(t *testing.T) {
	n := New(nil, "syarat bayar pertama kali", "tarif berlaku seumur hidup")
	tests := []struct {
		in, want string
	}{
		{"syrt byr", "syarat bayar"},         // vowels dropped
		{"berlaku", "laku"},                  // ber-laku, not a possessive -ku
		{"kepriwe carane", "bagaimana cara"}, // a Javanese phrase
		{"kmps", "kmps"},                     // no known word has these consonants
	}
	for _, tt := range tests {
		if got := strings.Join(n.Tokens(tt.in), " "); got != tt.want {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Words of the dictionary (general knowledge, such as the government
// affairs' phrases) are known: they are not "corrected" into a vocabulary
// word one letter away, though the knowledge base never uses them.
func TestDictionaryWordsAreNotTypos(t *testing.T) {
	n := NewWithDictionary(nil, []string{"copet, jambret"}, "nama di akta dicoret")
	tokens := n.Tokens("hp saya dicopet di pasar")
	if !slices.Contains(tokens, "copet") || n.InVocabulary("copet") {
		t.Errorf("Tokens = %v, want copet, a dictionary word outside the vocabulary", tokens)
	}
	if tokens := New(nil, "nama di akta dicoret").Tokens("hp saya dicopet"); !slices.Contains(tokens, "coret") {
		t.Errorf("without the dictionary, Tokens = %v; the test no longer shows what the dictionary changes", tokens)
	}
}

// Kecamatan names are kept whole, so they are recognised as places and
// carry no topic: Petanahan is not pe-tanah-an.
func TestPlaceNamesAreNotStemmed(t *testing.T) {
	n := New(nil, "sertifikat tanah")
	tokens := n.Tokens("toilet pantai di petanahan kotor")
	if !slices.Contains(tokens, "petanahan") || slices.Contains(tokens, "tanah") || n.IsContent("petanahan") {
		t.Errorf("Tokens = %v, want petanahan kept whole and not a content word", tokens)
	}
}

func TestWordsKeptApart(t *testing.T) {
	n := New(nil, "kartu hilang", "tempat tinggal", "kekerasan dalam rumah tangga")
	tests := []struct {
		in, want string
	}{
		{"ibu sudah meninggal", "ibu sudah meninggal"},     // died, not tinggal (to stay)
		{"petugas bilang begitu", "petugas bilang begitu"}, // to say, not a typo of hilang
		{"ibu rumah tangga", "ibu rumah tangga"},           // household, not Javanese tangga (neighbour)
		{"tanggane nyong seda", "tetangga saya meninggal"}, // Javanese
	}
	for _, tt := range tests {
		if got := strings.Join(n.Tokens(tt.in), " "); got != tt.want {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
