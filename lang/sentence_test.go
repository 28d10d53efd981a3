package lang

import "testing"

func TestSentenceEnd(t *testing.T) {
	tests := []struct {
		text string
		i    int
		want bool
	}{
		{"jam 07.30 ya", 6, false}, // inside a time
		{"Rp2.000!", 3, false},     // inside an amount
		{"buka. tutup", 4, true},
		{"buka?\r\n", 4, true},
		{"buka!", 4, true}, // at the end of text
		{"baris\nbaru", 5, true},
		{"a,b", 1, false},
	}
	for _, tt := range tests {
		if got := SentenceEnd(tt.text, tt.i); got != tt.want {
			t.Errorf("SentenceEnd(%q, %d) = %v, want %v", tt.text, tt.i, got, tt.want)
		}
	}
}
