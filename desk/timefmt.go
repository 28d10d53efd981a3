package desk

import (
	"fmt"
	"time"
)

var (
	hari  = [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	bulan = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
		"Agustus", "September", "Oktober", "November", "Desember"}
)

// FormatTime writes t in Indonesian words in the calendar's zone, e.g.
// "Kamis, 4 April 2024 pukul 10.00 WIB".
func FormatTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%s, %d %s %d pukul %02d.%02d %s",
		hari[t.Weekday()], t.Day(), bulan[t.Month()-1], t.Year(), t.Hour(), t.Minute(), t.Format("MST"))
}
