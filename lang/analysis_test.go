package lang

import (
	"slices"
	"strings"
	"testing"
)

// What a message that asks nothing does, and that politeness around a
// question is not its topic.
func TestGestures(t *testing.T) {
	n := New(nil, "izin usaha toko", "bantuan sosial lansia", "jalan rusak")
	tests := []struct {
		text    string
		want    []Gesture
		content string // the content words left, in order
	}{
		{"halo min, selamat pagi", []Gesture{GestureGreeting}, ""},
		{"Assalamualaikum warahmatullahi wabarakatuh", []Gesture{GestureGreeting}, ""},
		{"makasih banyak min atas informasinya, sangat membantu 🙏", []Gesture{GestureThanks}, ""},
		{"matur nuwun sanget", []Gesture{GestureThanks}, ""},
		{"maaf salah kirim", []Gesture{GestureApology}, ""},
		{"sepurane salah grup", []Gesture{GestureApology}, ""},
		{"matur nuwun pak, mugi-mugi lancar", []Gesture{GestureThanks, GesturePraise}, ""},
		// "tak" before a Javanese verb is I, and "apa-apa" asks nothing.
		{"wis ya, suwun. ngko tak kabari maning nek ana apa-apa", []Gesture{GestureThanks, GestureAck}, "kabari"},
		{"oke siap, nggih", []Gesture{GestureAck}, ""},
		{"baik pak", []Gesture{GestureAck}, ""},
		// Saying the answer came, or that one will try it.
		{"oke, sudah diterima", []Gesture{GestureAck}, ""},
		{"siap kak, nanti saya coba dulu", []Gesture{GestureAck}, ""},
		{"baik pak sudah saya terima", []Gesture{GestureAck}, ""},
		{"benar pak ktp saya belum jadi", nil, "ktp"},
		{"surat pindah sudah diterima desa tapi belum diproses", nil, "surat pindah terima desa proses"},
		{"👍👍", []Gesture{GestureAck}, ""},
		{"wassalam, pamit dulu", []Gesture{GestureFarewell}, ""},
		{"<Media omitted>", []Gesture{GestureMedia}, ""},
		{"[Stiker]", []Gesture{GestureMedia}, ""},
		{"Pesan ini telah dihapus", []Gesture{GestureMedia}, ""},
		// Asking whether the desk is a machine or official: the welcome
		// answers it; a question after it keeps its topic.
		{"ini bot min?", []Gesture{GestureGreeting}, ""},
		{"niki bot?", []Gesture{GestureGreeting}, ""},
		{"akun resmi instagram dinas pariwisata apa?", nil, "akun resmi instagram dinas pariwisata"},
		{"ini beneran dibalas manusia?", []Gesture{GestureGreeting}, ""},
		{"ini bot? jalan rusak parah", []Gesture{GestureGreeting}, "jalan rusak parah"},
		// Waiting for an answer, and the krama of asking.
		{"min kok belum dibales?", []Gesture{GestureAck}, ""},
		{"kok lama banget balesnya", []Gesture{GestureAck}, ""},
		{"lagi sibuk ya? jalan rusak parah", []Gesture{GestureAck}, "jalan rusak parah"},
		{"nyuwun sewu, badhe nyuwun pirsa", nil, ""},
		{"maaf baru bales min", []Gesture{GestureApology}, ""},
		{"pengaduan saya belum dibalas", nil, "adu balas"}, // a case, not a nudge
		{"tetangga karaoke keras mengganggu malam hari", []Gesture{GestureGreeting}, "tetangga karaoke keras ganggu"},
		{"untuk urus akta saya harus ketemu dengan siapa?", nil, "urus akta temu"},
		// Asking whether one's own card is active, or a levy official, is no
		// question about the desk.
		{"kartu kis saya masih aktif?", nil, "kartu kis aktif"},
		{"pungutan di desa ini resmi?", nil, "pungutan desa resmi"},
		// Politeness around a question, in its Indonesian, Javanese and
		// chat spellings: not a licence, not a request for aid.
		{"izin bertanya min", nil, ""},
		{"ijin nanya kak", nil, ""},
		{"nuwun sewu, mohon bantuannya", nil, ""},
		{"mohon maaf mengganggu, jalan rusak parah", nil, "jalan rusak parah"},
		// The same words asking for something keep their topic.
		{"mohon bantuan sosial untuk lansia", nil, "bantu sosial lansia"},
		{"izin usaha toko gimana", nil, "izin usaha toko"},
		// Asking leave to speak, and nothing more yet: an opener.
		{"izin min", []Gesture{GestureGreeting}, ""},
		{"ijin pak", []Gesture{GestureGreeting}, ""},
		{"izin min, usaha toko gimana?", []Gesture{GestureGreeting}, "usaha toko"},
		// "baik" answers only as a whole clause.
		{"jalan rusak, mohon segera diperbaiki pak", nil, "jalan rusak segera perbaik"},
	}
	for _, tt := range tests {
		a := n.Analyze(tt.text)
		var got []Gesture
		for g := GestureGreeting; g <= GesturePraise; g++ {
			if a.Gestures.Has(g) {
				got = append(got, g)
			}
		}
		var content []string
		for _, w := range a.Tokens {
			if n.IsContent(w) {
				content = append(content, w)
			}
		}
		if !slices.Equal(got, tt.want) || strings.Join(content, " ") != tt.content {
			t.Errorf("Analyze(%q): gestures %v, content %q; want %v, %q (tokens %v)", tt.text, got, content, tt.want, tt.content, a.Tokens)
		}
	}
}

func TestClauses(t *testing.T) {
	n := New(nil, "puskesmas buka", "bantuan pkh")
	tests := []struct {
		text string
		want string // each clause's tokens, "|" between clauses, "?" after one that asks
	}{
		{"Anak saya sakit. Puskesmas buka jam 07.30?", "anak saya sakit|puskesmas buka jam 07 30?"},
		// A connective opens a clause: the question comes before the story.
		{"mau tanya daftar pkh caranya gimana soalnya suami meninggal", "tanya daftar pkh cara bagaimana?|karena suami meninggal"},
		// Commas cut clauses, but not a decimal comma.
		{"harganya 2,5 juta, mahal", "harga 2 5 juta|mahal"},
	}
	for _, tt := range tests {
		a := n.Analyze(tt.text)
		var parts []string
		for _, c := range a.Clauses {
			p := strings.Join(a.Tokens[c.Start:c.End], " ")
			if c.Asks {
				p += "?"
			}
			parts = append(parts, p)
		}
		if got := strings.Join(parts, "|"); got != tt.want {
			t.Errorf("Analyze(%q) clauses %q, want %q", tt.text, got, tt.want)
		}
	}
}

// Places say where, not what: the kecamatan of the region, and an unknown
// word after a place word in any regency, are neither topic words nor
// "corrected" into a vocabulary word.
func TestPlaces(t *testing.T) {
	n := New(nil, "jalan rusak", "sidoarjo kabupaten", "pasar")
	tests := []struct {
		text string
		want string // content words
	}{
		{"jalan rusak di bukateja", "jalan rusak"},
		{"jalan rusak di desa sidamulya", "jalan rusak desa"},
		{"jalan rusak dsn krajan kec. karangsari", "jalan rusak dusun kecamatan"},
		{"pasar karanganyar sepi", "pasar sepi"},
		// A known word written with a capital after a place word is a name:
		// "belik" is a spring, Belik a sub-district.
		{"kantor kecamatan Belik tutup", "kecamatan tutup"},
		{"air dari belik di desa kami keruh", "air sumber air desa keruh"},
		// Units measure what a message speaks of; they are not its topic.
		{"harga cabai di pasar 90rb/kg", "harga cabai pasar"},
		{"beras 2 juta per kwintal, sawah 1 hektar", "beras sawah"},
	}
	for _, tt := range tests {
		a := n.Analyze(tt.text)
		var content []string
		for _, w := range a.Tokens {
			if n.IsContent(w) && !a.Names[w] {
				content = append(content, w)
			}
		}
		if got := strings.Join(content, " "); got != tt.want {
			t.Errorf("Analyze(%q) content %q, want %q (tokens %v, names %v)", tt.text, got, tt.want, a.Tokens, a.Names)
		}
	}
}

// Fixed expressions are read whole, also when the lexicons first map one
// of their words ("taun").
func TestIdioms(t *testing.T) {
	n := New(nil, "ktp pertama", "tanda tangan")
	tests := []struct{ in, want string }{
		{"bikin ktp pertama kali", "buat ktp pertama"},
		{"anak saya ulang taun ke 17", "anak saya umur ke 17"},
		{"minta tanda tangan dulu", "minta tandatangan dulu"},
	}
	for _, tt := range tests {
		if got := strings.Join(n.Tokens(tt.in), " "); got != tt.want {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCues(t *testing.T) {
	n := New(nil)
	tests := []struct {
		word string
		want Cue
	}{
		{"sudah", CuePerfective}, {"belum", CueNegation}, {"masih", CueContinuing},
		{"padahal", CueContrast | CueComplaint | CueClause}, {"kok", CueComplaint | CueReproach}, {"kalau", CueConditional},
		{"daftar", CueProcess}, {"cair", CueOutcome}, {"rusak", CueProblem},
		{"untuk", CuePurpose}, {"dekat", CueSetting},
	}
	for _, tt := range tests {
		if got := n.Cue(tt.word); got&tt.want != tt.want {
			t.Errorf("Cue(%q) = %b, want at least %b", tt.word, got, tt.want)
		}
	}
	if n.Cue("jalan") != 0 {
		t.Errorf("a topic word has cues: %b", n.Cue("jalan"))
	}
}

// "terus" opening a clause, or before a clause's subject or verb, is "and
// then"; after what it qualifies it says a state goes on.
func TestSequenceIsNoContinuation(t *testing.T) {
	n := New(nil)
	tests := []struct {
		text       string
		continuing bool
	}{
		{"surat pengantar sudah dapat. terus bikin yang baru gimana?", false},
		{"saya sudah ke kantor desa terus saya harus ke mana lagi", false},
		{"lampu jalan di gang kami mati terus tiap malam", true},
		{"pengajuan saya ditolak terus", true},
	}
	for _, tt := range tests {
		a := n.Analyze(tt.text)
		i := slices.Index(a.Tokens, "terus")
		if i < 0 {
			t.Fatalf("%q: no terus among %v", tt.text, a.Tokens)
		}
		if got := a.Cues[i]&CueContinuing != 0; got != tt.continuing {
			t.Errorf("%q: terus continuing = %v, want %v (tokens %v)", tt.text, got, tt.continuing, a.Tokens)
		}
	}
}

// Typo repair never rewrites a common word into a word of the knowledge
// base, and of two words one edit away prefers the one a phone keyboard
// slips to.
func TestTypoRepair(t *testing.T) {
	n := New(nil, "peternakan ternak sapi", "langka pupuk", "kantor kanton")
	tests := []struct{ in, want string }{
		{"tetangga teriak tiap malam", "tetangga teriak tiap malam"}, // not "ternak"
		{"langkah pertama", "langkah pertama"},                       // not "langka"
		{"ternsk sapi", "ternak sapi"},                               // a typo still is one
	}
	for _, tt := range tests {
		if got := strings.Join(n.Tokens(tt.in), " "); got != tt.want {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	ix := newTypoIndex(map[string]int{"kantor": 1, "kanton": 1})
	if got := correct("kantoe", ix); got != "kantor" {
		t.Errorf("correct(kantoe) = %q, want kantor: e is next to r on the keyboard, not to n", got)
	}
	if slipDistance("sekolsh", "sekolah") >= slipDistance("sekolxh", "sekolah") {
		t.Errorf("a neighbouring key costs no less than a far one")
	}
}

func TestRewrites(t *testing.T) {
	n := New(nil, "puskesmas buka")
	got := n.Rewrites("puskesmsa gmn bukanya")
	want := []Rewrite{
		{From: "puskesmsa", To: "puskesmas", By: "spelling"},
		{From: "gmn", To: "bagaimana", By: "lexicon"},
		{From: "bukanya", To: "buka", By: "stem"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Rewrites = %+v, want %+v", got, want)
	}
}

// How the lexicons read words in context. A word written in capitals that
// the chat lexicon reads as a function word is an acronym, kept as
// written; in lower case, or in a text written all in capitals, it is chat
// spelling. A phrase is not read across the reading of another phrase:
// "apa saja" and "nggih", read as "apa" and "iya", are no "apa iya" (is it
// true); a phrase written as such is still read.
func TestLexiconReadings(t *testing.T) {
	n := New(nil)
	tests := []struct{ in, want string }{
		{"mau lapor SPT tahunan", "mau lapor spt tahun"},
		{"rumahnya spt istana", "rumah seperti istana"},
		{"MAU LAPOR SPT TAHUNAN", "mau lapor seperti tahun"},
		{"KTP sy hilang", "ktp saya hilang"},
		{"syaratnya apa saja nggih", "syarat apa iya"},
		{"apa iya harus bayar", "apakah benar harus bayar"},
		// "besuk" is tomorrow in chat, but "jam besuk" is visiting hours.
		{"besuk ke kantor", "besok ke kantor"},
		{"jam besuk sampai kapan", "jam besuk sampai kapan"},
		// Javanese names of the crops farmers grow.
		{"mbakone wis garing", "tembakau sudah kering"},
		{"nandur kobis karo kenthang", "tanam kubis dengan kentang"},
	}
	for _, tt := range tests {
		if got := strings.Join(n.Analyze(tt.in).Tokens, " "); got != tt.want {
			t.Errorf("Analyze(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
