package lang

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTokens feeds the normaliser what citizens might send: any bytes. It
// must never panic, every token it returns is valid, non-empty, lower-case
// text without spaces, and its clauses and cues account for every token.
func FuzzTokens(f *testing.F) {
	n := New(map[string]string{"dalan": "jalan"}, "jalan", "rusak", "ktp", "akta")
	for _, s := range []string{
		"min akte lahir anak sy gmn syarate",
		"tolonggg jalan rusakkk 🙏🙏",
		"inyong arep ngurus KK pimen carane",
		"\xff\xfe KTP-el", "ＫＴＰ　ｈｉｌａｎｇ", "alun2 kebumen", "",
		strings.Repeat("a", 5000),
		"𫫫", // a letter whose UTF-8 bytes repeat: folding runs of bytes broke it
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a := n.Analyze(text)
		for _, tok := range a.Tokens {
			if tok == "" || !utf8.ValidString(tok) || strings.ContainsAny(tok, " \t\n") || strings.ToLower(tok) != tok {
				t.Fatalf("Tokens(%q) gave token %q", text, tok)
			}
		}
		// The clauses cut the tokens in order, and every token has its cues.
		end := 0
		for _, c := range a.Clauses {
			if c.Start != end || c.End <= c.Start {
				t.Fatalf("Analyze(%q): clause %+v after token %d", text, c, end)
			}
			end = c.End
		}
		if end != len(a.Tokens) || len(a.Cues) != len(a.Tokens) || len(a.Topic) != len(a.Tokens) {
			t.Fatalf("Analyze(%q): clauses end at %d, %d tokens, %d cues, %d topic flags", text, end, len(a.Tokens), len(a.Cues), len(a.Topic))
		}
	})
}
