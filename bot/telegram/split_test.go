package telegram

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestSplitText(t *testing.T) {
	para := strings.Repeat("Mohon maaf Bapak/Ibu, layanan sedang ramai. ", 60) // 2,640 chars
	tests := []struct {
		name      string
		text      string
		wantParts int
		// wantEnds, when set, is what each part but the last must end with.
		wantEnds string
	}{
		{"empty", "", 0, ""},
		{"short", "Terima kasih, Bapak/Ibu.", 1, ""},
		{"exactly the limit", strings.Repeat("a", maxMessageUnits), 1, ""},
		{"one over the limit", strings.Repeat("a", maxMessageUnits+1), 2, ""},
		{"paragraphs", para + "\n\n" + para + "\n\n" + para, 3, "\n\n"},
		{"lines", para + "\n" + para + "\n" + para, 3, "\n"},
		{"sentences", strings.Repeat("Jalan rusak. ", 700), 3, ". "},
		{"words", strings.Repeat("kata ", 1800), 3, " "},
		{"no boundary", strings.Repeat("x", 9000), 3, ""},
		// Each emoji is 4 bytes, 1 rune and 2 UTF-16 units: 3,000 of them
		// are 6,000 units, over the limit though only 3,000 runes.
		{"emoji count twice", strings.Repeat("😀", 3000), 2, ""},
		{"multi-byte runes", strings.Repeat("é", 5000), 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := splitText(tt.text)
			if len(parts) != tt.wantParts {
				t.Fatalf("%d parts, want %d", len(parts), tt.wantParts)
			}
			if joined := strings.Join(parts, ""); joined != tt.text {
				t.Fatalf("joined parts differ from the text: %d bytes, want %d", len(joined), len(tt.text))
			}
			for i, p := range parts {
				if n := len(utf16.Encode([]rune(p))); n > maxMessageUnits {
					t.Errorf("part %d has %d UTF-16 units, over %d", i, n, maxMessageUnits)
				}
				if !utf8.ValidString(p) {
					t.Errorf("part %d is cut inside a rune", i)
				}
				if tt.wantEnds != "" && i < len(parts)-1 && !strings.HasSuffix(p, tt.wantEnds) {
					t.Errorf("part %d ends with %q, want a cut after %q", i, p[len(p)-10:], tt.wantEnds)
				}
			}
		})
	}
}

func TestSendablePartsDropsBlankParts(t *testing.T) {
	text := strings.Repeat("\n", 5000) + "Halo"
	parts := sendableParts(text)
	if len(parts) != 1 || strings.TrimSpace(parts[0]) != "Halo" {
		t.Errorf("parts = %q, want one part holding Halo", parts)
	}
	if got := sendableParts(" \n "); len(got) != 0 {
		t.Errorf("white space only: parts = %q, want none", got)
	}
}

func BenchmarkSplitText(b *testing.B) {
	text := strings.Repeat("Mohon maaf Bapak/Ibu, layanan sedang ramai.\n", 300) // about 13,000 chars
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		splitText(text)
	}
}
