package faq

// An FAQ answers a general question: how, what, when, how much. A citizen
// who reports a problem or asks after their own case ("I applied two months
// ago but…") needs an officer, even when every keyword matches an FAQ. The
// cue words below are in the normaliser's output form.

// askingWords ask for general information; requestWords are the other words
// of a request ("mau urus KK saja", "minta", "dapat"), which ask nothing by
// themselves. Neither are topic words: an FAQ is not expected to contain
// them.
var (
	askingWords = setOf(
		"bagaimana", "cara", "syarat", "apa", "apakah", "berapa", "kapan", "dimana",
		"kemana", "mana", "siapa", "kenapa", "biaya", "jadwal", "prosedur", "bawa",
		"siap", "perlu", "harus", "bisa", "boleh", "tanya", "info", "lama", "tarif",
		"ingin", "langkah", "mekanisme",
	)
	requestWords = setOf("saja", "mau", "minta", "urus", "buat", "dapat")
)

// doneWords, pendingWords and butWords mark a case already under way:
// "sudah" with "belum/masih" or a following "tapi" says the citizen is
// waiting on something.
var (
	doneWords    = setOf("sudah", "telah")
	pendingWords = setOf("belum", "masih")
	butWords     = setOf("tapi", "tetapi", "namun", "padahal")
)

// problemWords report something wrong or a change to one's own record. An
// FAQ that never speaks of that problem does not answer the message, however
// many other words it shares ("akta … salah tulis" is not "syarat akta").
var problemWords = setOf(
	"salah", "keliru", "hilang", "rusak", "mati", "bocor", "kosong", "langka",
	"potong", "denda", "telat", "lambat", "tolak", "blokir", "nonaktif", "error",
	"gagal", "ubah", "alih", "batal", "tunggak", "hapus", "coret",
	"henti", "macet", "mampet", "jebol", "ambles", "tipu", "pungut", "mahal",
	// Complaints, and asking whether what one met is fair or allowed:
	// "ngadu ke mana", "harganya segitu wajar?".
	"adu", "keluh", "komplain", "protes", "curang", "pungli", "wajar", "pantas",
)

// Years are left out: "sudah 17 tahun" is more often an age than a wait.
var durationWords = setOf("hari", "minggu", "bulan")

func isNumber(w string) bool {
	for _, c := range w {
		if c < '0' || c > '9' {
			return false
		}
	}
	return w != ""
}

// followUpWords after "mohon/tolong" ask an officer to act on a case; after
// "kapan" they ask when the officer will ("kapan diperbaiki?"), which is a
// report of a problem, not a general question.
var followUpWords = setOf(
	"tindaklanjut", "perhati", "tertib", "koreksi", "evaluasi", "cek", "tangan",
	"usut", "survei", "proses", "baik", "segera", "tindak", "kepastian",
	"angkut", "atas", "bersih",
)

var politeWords = setOf("mohon", "tolong")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// intent is what a message (or an FAQ question) does, beyond its topic.
type intent struct {
	asks     bool // asks something: a question word or a question mark
	pending  bool // follows up a case under way ("sudah … belum")
	followUp bool // asks an officer to act ("mohon ditindaklanjuti")
}

func readIntent(raw string, tokens []string) intent {
	var in intent
	for _, c := range raw {
		if c == '?' {
			in.asks = true
			break
		}
	}
	// "sudah mau roboh" is about to happen, not done.
	done := false
	for i, t := range tokens {
		if doneWords[t] && (i+1 == len(tokens) || tokens[i+1] != "mau") {
			done = true
		}
	}
	doneSoFar := false
	for i, t := range tokens {
		// "kapan" both asks and, before a remedy, asks when an officer acts.
		if t == "kapan" {
			for _, next := range tokens[i+1 : min(i+4, len(tokens))] {
				if followUpWords[next] {
					in.followUp = true
				}
			}
		}
		switch {
		case askingWords[t]:
			in.asks = true
		case doneWords[t] && (i+1 == len(tokens) || tokens[i+1] != "mau"):
			doneSoFar = true
			// "sudah 3 hari", "sudah seminggu": how long a problem has lasted.
			if i+2 < len(tokens) && isNumber(tokens[i+1]) && durationWords[tokens[i+2]] {
				in.pending = true
			}
		case pendingWords[t] && done:
			in.pending = true
		case butWords[t] && doneSoFar:
			in.pending = true
		case t == "sekarang" && i > 0 && tokens[i-1] == "sampai",
			t == "kabar" && i > 1 && (tokens[i-2] == "belum" || tokens[i-2] == "tidak"):
			in.pending = true
		case politeWords[t]:
			for _, next := range tokens[i+1 : min(i+4, len(tokens))] {
				if followUpWords[next] {
					in.followUp = true
				}
			}
		}
	}
	return in
}
