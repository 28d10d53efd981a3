package lang

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTokens feeds the normaliser what citizens might send: any bytes. It
// must never panic, and every token it returns is valid, non-empty,
// lower-case text without spaces.
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
		for _, tok := range n.Tokens(text) {
			if tok == "" || !utf8.ValidString(tok) || strings.ContainsAny(tok, " \t\n") || strings.ToLower(tok) != tok {
				t.Fatalf("Tokens(%q) gave token %q", text, tok)
			}
		}
	})
}
