package lang

import (
	"strings"
	"testing"
)

// TestSenses checks that a word of two readings takes the one its context
// gives: Javanese only in a message with a word only Javanese has, a unit
// or a count right after a number; and that the lexicons' forms of a word
// and their reduplications read as the entries they list.
func TestSenses(t *testing.T) {
	n := New(nil, "sungai banjir jalan kantor")
	tests := []struct{ in, want string }{
		// Javanese message: "kali" is a river, "lagi" in the middle of.
		{"banyu kali mlebu umah inyong", "air sungai masuk rumah saya"},
		{"aku lagi nang omah", "saya sedang di rumah"},
		{"bocah-bocah pada wedi", "anak semua takut"},
		// Indonesian message: the words keep their Indonesian meaning.
		{"lagi antri di kantor", "lagi antri di kantor"},
		{"sudah dilarang masih saja", "sudah dilarang masih saja"},
		// After a number: a unit, a count.
		{"jaraknya 2 km dari jalan", "jarak 2 km dari jalan"},
		{"sudah 3 kali datang", "sudah 3 kali datang"},
		// A reduplication that is a phrase of its own: many, not how many.
		{"pirang-pirang taun", "banyak tahun"},
		{"pirang taun", "berapa tahun"},
		// An affixed form of a one-word entry (n-jukut).
		{"sapa sing njukut", "siapa yang ambil"},
		{"tiba-tiba jalan banjir", "mendadak jalan banjir"},
		// An Indonesian word is no affixed form of an entry (k-uning, rama-i).
		{"pasar ramai", "pasar ramai"},
		{"tembok kuning", "tembok kuning"},
	}
	for _, tt := range tests {
		if got := strings.Join(n.Tokens(tt.in), " "); got != tt.want {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSensesKBSynonym checks that a KB synonym for a word of two readings
// wins over senses.txt.
func TestSensesKBSynonym(t *testing.T) {
	n := New(map[string]string{"kali": "sungai"}, "sungai")
	if got := strings.Join(n.Tokens("air kali naik"), " "); got != "air sungai naik" {
		t.Errorf("Tokens = %q, want the KB's reading sungai", got)
	}
}

// TestReferQuestions checks that a question with no topic word of its own
// asks about the sentence before it.
func TestReferQuestions(t *testing.T) {
	n := New(nil, "sertifikat tanah warisan")
	tests := []struct {
		in   string
		asks []bool // per clause
	}{
		{"Sertifikat tanah masih atas nama kakek. Caranya gimana?", []bool{true, true}},
		{"Sertifikat tanah masih atas nama kakek. Ganti nama warisan gimana?", []bool{false, true}},
	}
	for _, tt := range tests {
		a := n.Analyze(tt.in)
		var got []bool
		for _, c := range a.Clauses {
			got = append(got, c.Asks)
		}
		if len(got) != len(tt.asks) {
			t.Errorf("Analyze(%q): %d clauses, want %d", tt.in, len(got), len(tt.asks))
			continue
		}
		for i := range got {
			if got[i] != tt.asks[i] {
				t.Errorf("Analyze(%q): clause %d Asks = %v, want %v", tt.in, i, got[i], tt.asks[i])
			}
		}
	}
}
