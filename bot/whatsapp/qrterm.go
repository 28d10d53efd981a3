package whatsapp

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// TerminalQR renders a QR code for a terminal with half-block characters,
// two rows of modules per line, so it fits a normal terminal and scans from
// a phone. Light modules (including the quiet zone) are drawn, dark ones
// left blank: that reads correctly on the dark background of most
// terminals, and WhatsApp also scans the inverted code on a light one.
func TerminalQR(content string) (string, error) {
	q, err := qrcode.New(content, qrcode.Low)
	if err != nil {
		return "", fmt.Errorf("whatsapp: QR code: %w", err)
	}
	bits := q.Bitmap() // true is dark
	var b strings.Builder
	for y := 0; y < len(bits); y += 2 {
		for x := range bits[y] {
			top := !bits[y][x]
			bottom := y+1 < len(bits) && !bits[y+1][x]
			switch {
			case top && bottom:
				b.WriteRune('█')
			case top:
				b.WriteRune('▀')
			case bottom:
				b.WriteRune('▄')
			default:
				b.WriteRune(' ')
			}
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}
