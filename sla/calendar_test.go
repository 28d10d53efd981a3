package sla_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/sla"
)

var wib = time.FixedZone("WIB", 7*3600)

// at parses a WIB wall-clock time "2006-01-02 15:04".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, wib)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var (
	long   = []sigap.Span{{Start: 7*60 + 30, End: 16 * 60}}
	friday = []sigap.Span{{Start: 7*60 + 30, End: 11 * 60}}
	// lebaran2024 is the Kebumen week with the Lebaran 2024 holidays
	// (national holidays and cuti bersama, 8-15 April 2024).
	lebaran2024 = sigap.CalendarSpec{
		Timezone: "Asia/Jakarta",
		Hours: map[time.Weekday][]sigap.Span{
			time.Monday: long, time.Tuesday: long, time.Wednesday: long, time.Thursday: long,
			time.Friday: friday,
		},
		Holidays: []string{"2024-04-08", "2024-04-09", "2024-04-10", "2024-04-11", "2024-04-12", "2024-04-15"},
	}
	// lunch has a lunch break on Mondays.
	lunch = sigap.CalendarSpec{
		Timezone: "Asia/Jakarta",
		Hours: map[time.Weekday][]sigap.Span{
			time.Monday: {{Start: 13 * 60, End: 16 * 60}, {Start: 7*60 + 30, End: 12 * 60}},
		},
	}
)

func calendar(t *testing.T, spec sigap.CalendarSpec) *sla.Calendar {
	t.Helper()
	c, err := sla.NewCalendar(spec)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBetween(t *testing.T) {
	cal := calendar(t, lebaran2024)
	tests := []struct {
		name string
		a, b string
		want time.Duration
	}{
		// 10:50-11:00 Friday, 07:30-08:00 Monday.
		{"friday to monday", "2024-03-01 10:50", "2024-03-04 08:00", 40 * time.Minute},
		{"created at night", "2024-03-05 20:00", "2024-03-06 09:00", 90 * time.Minute},
		{"created on a sunday", "2024-03-03 10:00", "2024-03-04 07:45", 15 * time.Minute},
		{"created inside lebaran", "2024-04-10 09:00", "2024-04-16 08:30", 60 * time.Minute},
		// 10:00-11:00 Friday, then nothing until Tuesday 16 April.
		{"across lebaran", "2024-04-05 10:00", "2024-04-16 08:00", 90 * time.Minute},
		{"reply after closing", "2024-03-04 15:00", "2024-03-04 19:00", 60 * time.Minute},
		{"both outside hours", "2024-03-04 17:00", "2024-03-05 06:00", 0},
		{"within a span", "2024-03-04 09:00", "2024-03-04 10:15", 75 * time.Minute},
		// Four days of 8h30 and a Friday of 3h30.
		{"a full week", "2024-03-04 07:30", "2024-03-11 07:30", (4*510 + 210) * time.Minute},
		{"same instant", "2024-03-04 09:00", "2024-03-04 09:00", 0},
		{"end before start", "2024-03-04 10:00", "2024-03-04 09:00", 0},
		// 2000 is far from the holidays: the weekly pattern alone.
		{"another century", "2000-01-03 07:30", "2000-01-10 07:30", 2250 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.Between(at(t, tt.a), at(t, tt.b)); got != tt.want {
				t.Errorf("Between(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
	// Seconds count too, and the zone of the arguments does not matter.
	a := time.Date(2024, 3, 4, 0, 30, 0, 0, time.UTC) // 07:30 WIB
	if got := cal.Between(a, a.Add(90*time.Second)); got != 90*time.Second {
		t.Errorf("Between over 90s from 07:30 WIB given in UTC = %v", got)
	}
}

func TestBetweenLunchBreak(t *testing.T) {
	cal := calendar(t, lunch)
	// 11:30-12:00 and 13:00-13:30.
	if got := cal.Between(at(t, "2024-03-04 11:30"), at(t, "2024-03-04 13:30")); got != time.Hour {
		t.Errorf("across lunch = %v, want 1h", got)
	}
}

func TestAdd(t *testing.T) {
	cal := calendar(t, lebaran2024)
	tests := []struct {
		name  string
		start string
		d     time.Duration
		want  string
	}{
		// 10 minutes on Friday, 230 on Monday from 07:30.
		{"over a weekend", "2024-03-01 10:50", 4 * time.Hour, "2024-03-04 11:20"},
		// 60 minutes on Friday 5 April, then 180 on Tuesday 16 April.
		{"over lebaran", "2024-04-05 10:00", 4 * time.Hour, "2024-04-16 10:30"},
		// Thu 60 + Fri 210 + Tue 510 + Wed 510 = 1290, then 150 on Thursday.
		{"24h over lebaran", "2024-04-04 15:00", 24 * time.Hour, "2024-04-18 10:00"},
		{"created at night", "2024-03-05 20:00", 2 * time.Hour, "2024-03-06 09:30"},
		{"created on a holiday", "2024-04-10 09:00", time.Hour, "2024-04-16 08:30"},
		// The due time is the first moment the work is done: closing time,
		// not the next opening.
		{"ends at closing", "2024-03-04 08:00", 8 * time.Hour, "2024-03-04 16:00"},
		{"a full week", "2000-01-03 07:30", 2250 * time.Minute, "2000-01-07 11:00"},
		{"zero on a closed moment", "2024-03-02 10:00", 0, "2024-03-04 07:30"},
		{"zero on an open moment", "2024-03-04 09:00", 0, "2024-03-04 09:00"},
		{"zero after closing", "2024-03-04 16:00", 0, "2024-03-05 07:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.Add(at(t, tt.start), tt.d)
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("Add(%s, %v) = %s, want %s", tt.start, tt.d, got.In(wib).Format("2006-01-02 15:04"), tt.want)
			}
		})
	}
	lc := calendar(t, lunch)
	if got, want := lc.Add(at(t, "2024-03-04 11:30"), time.Hour), at(t, "2024-03-04 13:30"); !got.Equal(want) {
		t.Errorf("Add across lunch = %s, want %s", got, want)
	}
	if got, want := lc.Add(at(t, "2024-03-04 07:30"), 4*time.Hour+30*time.Minute), at(t, "2024-03-04 12:00"); !got.Equal(want) {
		t.Errorf("Add up to lunch = %s, want %s", got, want)
	}
}

// Add and Between must agree everywhere: the work between a start and the
// due time is the target itself, and a moment earlier it is less.
func TestAddInvertsBetween(t *testing.T) {
	cal := kebumenCalendar(t)
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2024, 12, 1, 0, 0, 0, 0, cal.Location())
	for range 5000 {
		start := base.Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
		d := time.Duration(1 + rng.Int64N(int64(200*time.Hour)))
		due := cal.Add(start, d)
		if got := cal.Between(start, due); got != d {
			t.Fatalf("Between(%s, Add(start, %v) = %s) = %v", start, d, due, got)
		}
		if got := cal.Between(start, due.Add(-time.Nanosecond)); got >= d {
			t.Fatalf("Add(%s, %v) = %s is not the earliest due time", start, d, due)
		}
	}
}

func TestIsOpenAndNextOpen(t *testing.T) {
	cal := calendar(t, lebaran2024)
	tests := []struct {
		t    string
		open bool
		next string
	}{
		{"2024-03-04 07:30", true, "2024-03-04 07:30"},
		{"2024-03-04 07:29", false, "2024-03-04 07:30"},
		{"2024-03-04 16:00", false, "2024-03-05 07:30"},
		{"2024-03-01 10:59", true, "2024-03-01 10:59"},
		{"2024-03-01 11:00", false, "2024-03-04 07:30"},
		{"2024-03-02 09:00", false, "2024-03-04 07:30"},
		{"2024-04-05 11:30", false, "2024-04-16 07:30"},
		{"2024-04-10 09:00", false, "2024-04-16 07:30"},
	}
	for _, tt := range tests {
		if got := cal.IsOpen(at(t, tt.t)); got != tt.open {
			t.Errorf("IsOpen(%s) = %v, want %v", tt.t, got, tt.open)
		}
		if got, want := cal.NextOpen(at(t, tt.t)), at(t, tt.next); !got.Equal(want) {
			t.Errorf("NextOpen(%s) = %s, want %s", tt.t, got.In(wib).Format("2006-01-02 15:04"), tt.next)
		}
	}
	lc := calendar(t, lunch)
	if got, want := lc.NextOpen(at(t, "2024-03-04 12:30")), at(t, "2024-03-04 13:00"); !got.Equal(want) {
		t.Errorf("NextOpen in the lunch break = %s, want %s", got, want)
	}
}

func TestDue(t *testing.T) {
	cal := calendar(t, lebaran2024)
	// A BPBD-like 1h/8h policy and the default 4h/24h from Friday 5 April
	// 10:00: 60 minutes that Friday, then Tuesday 16 April onwards.
	tests := []struct {
		p         sigap.SLAPolicy
		first, re string
	}{
		{sigap.SLAPolicy{FirstResponse: time.Hour, Resolution: 8 * time.Hour}, "2024-04-05 11:00", "2024-04-16 14:30"},
		{sigap.SLAPolicy{FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour}, "2024-04-16 10:30", "2024-04-18 13:30"},
	}
	for _, tt := range tests {
		first, re := sla.Due(cal, at(t, "2024-04-05 10:00"), tt.p)
		if !first.Equal(at(t, tt.first)) || !re.Equal(at(t, tt.re)) {
			t.Errorf("Due(%+v) = %s, %s; want %s, %s", tt.p, first.In(wib), re.In(wib), tt.first, tt.re)
		}
	}
}

func TestResolutionTimeLessPause(t *testing.T) {
	cal := calendar(t, lebaran2024)
	// Monday 08:00 to Tuesday 09:00 is 480 + 90 = 570 working minutes; the
	// citizen kept the ticket waiting for 100 of them.
	got := sla.ResolutionTime(cal, at(t, "2024-03-04 08:00"), at(t, "2024-03-05 09:00"), 100*time.Minute)
	if got != 470*time.Minute {
		t.Errorf("ResolutionTime = %v, want 7h50m", got)
	}
}

func TestNewCalendarRejects(t *testing.T) {
	tests := map[string]sigap.CalendarSpec{
		"no zone":        {Hours: lebaran2024.Hours},
		"unknown zone":   {Timezone: "Asia/Kebumen", Hours: lebaran2024.Hours},
		"no hours":       {Timezone: "Asia/Jakarta"},
		"bad holiday":    {Timezone: "Asia/Jakarta", Hours: lebaran2024.Hours, Holidays: []string{"2024-13-01"}},
		"span backwards": {Timezone: "Asia/Jakarta", Hours: map[time.Weekday][]sigap.Span{time.Monday: {{Start: 600, End: 500}}}},
		"spans overlap":  {Timezone: "Asia/Jakarta", Hours: map[time.Weekday][]sigap.Span{time.Monday: {{Start: 450, End: 720}, {Start: 700, End: 960}}}},
		"past midnight":  {Timezone: "Asia/Jakarta", Hours: map[time.Weekday][]sigap.Span{time.Monday: {{Start: 1200, End: 1500}}}},
	}
	for name, spec := range tests {
		if _, err := sla.NewCalendar(spec); sigap.ErrorCode(err) != sigap.EINVALID {
			t.Errorf("%s: error %v, want an EINVALID error", name, err)
		}
	}
}

// kebumenCalendar is the calendar of the embedded default knowledge base.
func kebumenCalendar(t testing.TB) *sla.Calendar {
	t.Helper()
	cal, err := sla.NewCalendar(kb.Default().Calendar)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func TestKebumenCalendar(t *testing.T) {
	cal := kebumenCalendar(t)
	if cal.Location().String() != "Asia/Jakarta" {
		t.Errorf("location = %s", cal.Location())
	}
	// Idulfitri 2025 (31 March) and the cuti bersama of 18 August 2025.
	for _, day := range []string{"2025-03-31 09:00", "2025-08-18 09:00", "2026-03-23 09:00"} {
		if cal.IsOpen(at(t, day)) {
			t.Errorf("open on %s, a holiday", day)
		}
	}
	if !cal.IsOpen(at(t, "2025-08-19 09:00")) {
		t.Error("closed on Tuesday 19 August 2025, a working day")
	}
	// Friday 15 August 2025 10:00 to Tuesday 19 August 08:00: Friday 60
	// minutes, Monday 18 August is cuti bersama, Tuesday 30 minutes.
	if got := cal.Between(at(t, "2025-08-15 10:00"), at(t, "2025-08-19 08:00")); got != 90*time.Minute {
		t.Errorf("Between over the 2025 independence weekend = %v, want 1h30m", got)
	}
}

func TestKebumenHolidays(t *testing.T) {
	days := kb.Default().Calendar.Holidays
	if !slices.IsSorted(days) || len(slices.Compact(slices.Clone(days))) != len(days) {
		t.Error("holidays are not sorted and unique")
	}
	for _, d := range days {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			t.Errorf("bad date %q", d)
		}
	}
	for _, year := range []string{"2025", "2026", "2027"} {
		n := 0
		for _, d := range days {
			if d[:4] == year {
				n++
			}
		}
		if n < 15 {
			t.Errorf("%s has %d holidays, want at least the 15 national ones", year, n)
		}
	}
}
