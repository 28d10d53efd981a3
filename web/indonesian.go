package web

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// Staff read every figure the Indonesian way: a decimal comma, dots
// between thousands, durations in words.

// decimal writes v with a decimal comma and the given digits after it:
// 74,6.
func decimal(v float64, digits int) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', digits, 64), ".", ",", 1)
}

// percentText writes a percentage to one decimal: "74,6%"; "—" for none.
func percentText(v *float64) string {
	if v == nil {
		return "—"
	}
	return decimal(*v, 1) + "%"
}

// thousands writes n with dots between thousands: 20.431.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// durationText writes a duration in words, to the minute: "2 jam 30
// menit", "45 menit", "4 jam"; "" for none.
func durationText(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	m := int(math.Round(d.Minutes()))
	switch h, m := m/60, m%60; {
	case h == 0 && m == 0:
		return "kurang dari 1 menit"
	case h == 0:
		return fmt.Sprintf("%d menit", m)
	case m == 0:
		return fmt.Sprintf("%d jam", h)
	default:
		return fmt.Sprintf("%d jam %d menit", h, m)
	}
}

// minutesText writes a report's working minutes in words; "—" for none.
func minutesText(v *float64) string {
	if v == nil {
		return "—"
	}
	if *v < 0.5 {
		return "kurang dari 1 menit"
	}
	return durationText(time.Duration(*v * float64(time.Minute)))
}

// durationWords are the units parseDuration reads, in Indonesian and as
// Go writes them.
var durationWords = regexp.MustCompile(`(?i)(\d+(?:[.,]\d+)?)\s*(hari|jam|j|h|menit|mnt|m)\b`)

// parseDuration reads a duration as staff write it: "2 jam 30 menit",
// "90 menit", "1,5 jam", "2j 30m", or Go's "2h30m". A working day
// ("1 hari") is eight hours.
func parseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(s); err == nil {
		return d, true
	}
	matches := durationWords.FindAllStringSubmatchIndex(s, -1)
	if len(matches) == 0 {
		return 0, false
	}
	var total time.Duration
	rest := s
	for _, m := range matches {
		n, err := strconv.ParseFloat(strings.Replace(s[m[2]:m[3]], ",", ".", 1), 64)
		if err != nil {
			return 0, false
		}
		unit := time.Minute
		switch strings.ToLower(s[m[4]:m[5]]) {
		case "hari":
			unit = 8 * time.Hour
		case "jam", "j", "h":
			unit = time.Hour
		}
		total += time.Duration(n * float64(unit))
		rest = strings.Replace(rest, s[m[0]:m[1]], "", 1)
	}
	if strings.TrimSpace(strings.NewReplacer("dan", "", ",", "").Replace(rest)) != "" {
		return 0, false // words that are no duration
	}
	return total, true
}

// weekText names an ISO week, "2024-W49", as staff read it: "Minggu 49".
func weekText(w string) string {
	if _, n, ok := strings.Cut(w, "-W"); ok {
		return "Minggu " + strings.TrimLeft(n, "0")
	}
	return w
}

// channelStates name the adapters' states for staff.
var channelStates = map[string]string{
	"connected":          "terhubung",
	"connecting":         "menghubungkan",
	"reconnecting":       "menghubungkan ulang",
	"disconnected":       "terputus",
	"error":              "galat, dicoba lagi",
	"unauthorized":       "token ditolak",
	"not_linked":         "belum ditautkan",
	"logged_out":         "keluar, perlu ditautkan ulang",
	"temporarily_banned": "diblokir sementara",
	"replaced":           "diambil alih program lain",
	"client_outdated":    "versi usang",
	"not_started":        "belum berjalan",
	sigap.StateDisabled:  "nonaktif",
	sigap.StateStandby:   "siaga, dijalankan server lain",
}

// channelStateText names a channel state, or keeps a newer one's code.
func channelStateText(state string) string {
	if s, ok := channelStates[state]; ok {
		return s
	}
	return strings.ReplaceAll(state, "_", " ")
}
