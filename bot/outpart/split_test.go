package outpart

import (
	"strings"
	"testing"
)

func runes(rune) int { return 1 }

func TestCut(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		max   int
		width func(rune) int // nil: one unit a rune
		want  string         // the first part
	}{
		{"empty", "", 5, nil, ""},
		{"fits", "halo Bapak", 10, nil, "halo Bapak"},
		{"after a paragraph", "satu dua\n\ntiga empat", 15, nil, "satu dua\n\n"},
		{"after a line", "satu dua\ntiga empat", 15, nil, "satu dua\n"},
		{"after a sentence", "Jalan rusak. Mohon dicek", 15, nil, "Jalan rusak. "},
		{"after a word", "satu dua tiga empat", 10, nil, "satu dua "},
		{"paragraph before a later word", "satu dua\n\ntiga empat", 16, nil, "satu dua\n\n"},
		{"boundary in the first half passed over", "a bcdefghij", 6, nil, "a bcde"},
		{"between runes, not inside one", "ééééé ééééé", 5, nil, "ééééé"},
		{"first rune over max", "😀😀", 1, func(rune) int { return 2 }, "😀"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			width := tt.width
			if width == nil {
				width = runes
			}
			if got := tt.text[:Cut(tt.text, tt.max, width)]; got != tt.want {
				t.Errorf("Cut(%q, %d) gives %q, want %q", tt.text, tt.max, got, tt.want)
			}
		})
	}
}

func TestCutCountsWidth(t *testing.T) {
	// Counted in UTF-16 units an emoji is two, so four fit in eight units.
	utf16 := func(r rune) int {
		if r >= 0x10000 {
			return 2
		}
		return 1
	}
	text := strings.Repeat("😀", 6)
	if got := Cut(text, 8, utf16); got != len(strings.Repeat("😀", 4)) {
		t.Errorf("Cut = %d bytes, want four emoji (%d bytes)", got, len(strings.Repeat("😀", 4)))
	}
}
