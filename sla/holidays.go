package sla

import "slices"

// The national holidays (libur nasional) and collective leave days (cuti
// bersama) on which the regency's offices are closed, as set each year by a
// joint decree (SKB) of the Minister of Religious Affairs, the Minister of
// Manpower and the Minister for Administrative and Bureaucratic Reform.
var (
	// SKB Nomor 1017 Tahun 2024, Nomor 2 Tahun 2024, Nomor 2 Tahun 2024
	// (signed 14 October 2024), as amended by SKB Nomor 933 Tahun 2025,
	// Nomor 1 Tahun 2025, Nomor 3 Tahun 2025 (signed 7 August 2025), which
	// added the cuti bersama of 18 August 2025.
	holidays2025 = []string{
		"2025-01-01", // Tahun Baru 2025 Masehi
		"2025-01-27", // Isra Mikraj
		"2025-01-28", // cuti bersama Imlek
		"2025-01-29", // Tahun Baru Imlek 2576
		"2025-03-28", // cuti bersama Nyepi
		"2025-03-29", // Nyepi, Tahun Baru Saka 1947
		"2025-03-31", // Idulfitri 1446 H
		"2025-04-01", // Idulfitri 1446 H
		"2025-04-02", // cuti bersama Idulfitri
		"2025-04-03", // cuti bersama Idulfitri
		"2025-04-04", // cuti bersama Idulfitri
		"2025-04-07", // cuti bersama Idulfitri
		"2025-04-18", // Wafat Yesus Kristus
		"2025-04-20", // Paskah
		"2025-05-01", // Hari Buruh
		"2025-05-12", // Waisak 2569 BE
		"2025-05-13", // cuti bersama Waisak
		"2025-05-29", // Kenaikan Yesus Kristus
		"2025-05-30", // cuti bersama Kenaikan Yesus Kristus
		"2025-06-01", // Hari Lahir Pancasila
		"2025-06-06", // Iduladha 1446 H
		"2025-06-09", // cuti bersama Iduladha
		"2025-06-27", // Tahun Baru Islam 1447 H
		"2025-08-17", // Proklamasi Kemerdekaan
		"2025-08-18", // cuti bersama HUT ke-80 RI (SKB 933/2025)
		"2025-09-05", // Maulid Nabi Muhammad
		"2025-12-25", // Kelahiran Yesus Kristus
		"2025-12-26", // cuti bersama Natal
	}

	// SKB Nomor 1497 Tahun 2025, Nomor 2 Tahun 2025, Nomor 5 Tahun 2025
	// (signed 19 September 2025).
	holidays2026 = []string{
		"2026-01-01", // Tahun Baru 2026 Masehi
		"2026-01-16", // Isra Mikraj
		"2026-02-16", // cuti bersama Imlek
		"2026-02-17", // Tahun Baru Imlek 2577
		"2026-03-18", // cuti bersama Nyepi
		"2026-03-19", // Nyepi, Tahun Baru Saka 1948
		"2026-03-20", // cuti bersama Idulfitri
		"2026-03-21", // Idulfitri 1447 H
		"2026-03-22", // Idulfitri 1447 H
		"2026-03-23", // cuti bersama Idulfitri
		"2026-03-24", // cuti bersama Idulfitri
		"2026-04-03", // Wafat Yesus Kristus
		"2026-04-05", // Paskah
		"2026-05-01", // Hari Buruh
		"2026-05-14", // Kenaikan Yesus Kristus
		"2026-05-15", // cuti bersama Kenaikan Yesus Kristus
		"2026-05-27", // Iduladha 1447 H
		"2026-05-28", // cuti bersama Iduladha
		"2026-05-31", // Waisak 2570 BE
		"2026-06-01", // Hari Lahir Pancasila
		"2026-06-16", // Tahun Baru Islam 1448 H
		"2026-08-17", // Proklamasi Kemerdekaan
		"2026-08-25", // Maulid Nabi Muhammad
		"2026-12-24", // cuti bersama Natal
		"2026-12-25", // Kelahiran Yesus Kristus
	}

	// PROVISIONAL: no SKB for 2027 had been published when this list was
	// written. Fixed-date holidays are certain, Imlek and the Christian
	// holidays follow from their calendars, and the Islamic, Hindu and
	// Buddhist dates are estimates from the astronomical calendar (they may
	// move by a day). No cuti bersama is included. Replace this list with
	// the SKB's once it is signed.
	holidays2027 = []string{
		"2027-01-01", // Tahun Baru 2027 Masehi
		"2027-01-05", // Isra Mikraj (estimate)
		"2027-02-06", // Tahun Baru Imlek 2578
		"2027-03-09", // Nyepi, Tahun Baru Saka 1949 (estimate)
		"2027-03-10", // Idulfitri 1448 H (estimate)
		"2027-03-11", // Idulfitri 1448 H (estimate)
		"2027-03-26", // Wafat Yesus Kristus
		"2027-03-28", // Paskah
		"2027-05-01", // Hari Buruh
		"2027-05-06", // Kenaikan Yesus Kristus
		"2027-05-17", // Iduladha 1448 H (estimate)
		"2027-05-20", // Waisak 2571 BE (estimate)
		"2027-06-01", // Hari Lahir Pancasila
		"2027-06-06", // Tahun Baru Islam 1449 H (estimate)
		"2027-08-16", // Maulid Nabi Muhammad (estimate)
		"2027-08-17", // Proklamasi Kemerdekaan
		"2027-12-25", // Kelahiran Yesus Kristus
	}
)

// KebumenHolidays returns the dates ("2006-01-02") of 2025 to 2027 on which
// the regency's offices are closed, in date order. The 2027 dates are
// provisional until the SKB for 2027 is published.
func KebumenHolidays() []string {
	return slices.Concat(holidays2025, holidays2026, holidays2027)
}
