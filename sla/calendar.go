// Package sla is Sigap's working-time clock: the regency's working calendar
// (time zone, opening hours, holidays), the due times of a ticket's
// response targets, and the report of how each OPD meets them.
package sla

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
	_ "time/tzdata" // the calendar's zone must load on hosts without zoneinfo

	"github.com/pemkab-kebumen/sigap"
)

// Calendar counts working time. Working time is measured on the wall
// clock of the calendar's zone: a span "07:30-16:00" is 8h30m of work even
// on a day a daylight-saving change would make longer or shorter.
//
// Every method is O(log h) for h holidays: the working minutes before a
// day follow from the weekly pattern minus the holidays before it, so
// reports can call Between millions of times at any date.
type Calendar struct {
	loc   *time.Location
	spans [7][]sigap.Span // by time.Weekday, sorted, minutes from midnight
	// dayMinutes[wd] is the working minutes of a normal weekday wd.
	dayMinutes  [7]int64
	weekMinutes int64
	// weekPrefix[r] is the working minutes of the r days that start on
	// 1970-01-01 (day 0, a Thursday); it extends the weekly pattern to any day.
	weekPrefix [8]int64
	// holidays are the day numbers of holidays on days that would be
	// working days, sorted; holidayPrefix[i] is the working minutes the
	// first i of them take away.
	holidays      []int64
	holidayPrefix []int64
}

// NewCalendar checks spec and builds its calendar.
func NewCalendar(spec sigap.CalendarSpec) (*Calendar, error) {
	if spec.Timezone == "" || spec.Timezone == "Local" {
		return nil, sigap.Errorf(sigap.EINVALID, "sla: calendar needs a time zone such as Asia/Jakarta")
	}
	loc, err := time.LoadLocation(spec.Timezone)
	if err != nil {
		return nil, sigap.Errorf(sigap.EINVALID, "sla: unknown time zone %q", spec.Timezone)
	}
	c := &Calendar{loc: loc}
	for wd, spans := range spec.Hours {
		if wd < time.Sunday || wd > time.Saturday {
			return nil, sigap.Errorf(sigap.EINVALID, "sla: weekday %d out of range", wd)
		}
		spans = slices.Clone(spans)
		slices.SortFunc(spans, func(a, b sigap.Span) int { return a.Start - b.Start })
		for i, s := range spans {
			if s.Start < 0 || s.End > 24*60 || s.End <= s.Start {
				return nil, sigap.Errorf(sigap.EINVALID, "sla: %s: bad span %d-%d minutes", wd, s.Start, s.End)
			}
			if i > 0 && s.Start < spans[i-1].End {
				return nil, sigap.Errorf(sigap.EINVALID, "sla: %s: overlapping spans", wd)
			}
			c.dayMinutes[wd] += int64(s.End - s.Start)
		}
		c.spans[wd] = spans
	}
	for r := range 7 {
		c.weekPrefix[r+1] = c.weekPrefix[r] + c.dayMinutes[weekday(int64(r))]
	}
	c.weekMinutes = c.weekPrefix[7]
	if c.weekMinutes == 0 {
		return nil, sigap.Errorf(sigap.EINVALID, "sla: calendar has no working hours")
	}
	for _, h := range spec.Holidays {
		d, err := time.Parse(time.DateOnly, h)
		if err != nil {
			return nil, sigap.Errorf(sigap.EINVALID, "sla: bad holiday %q: want YYYY-MM-DD", h)
		}
		n := dayNumber(d.Date())
		if c.dayMinutes[weekday(n)] > 0 && !slices.Contains(c.holidays, n) {
			c.holidays = append(c.holidays, n)
		}
	}
	slices.Sort(c.holidays)
	c.holidayPrefix = make([]int64, len(c.holidays)+1)
	for i, n := range c.holidays {
		c.holidayPrefix[i+1] = c.holidayPrefix[i] + c.dayMinutes[weekday(n)]
	}
	return c, nil
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsOpen reports whether t is working time.
func (c *Calendar) IsOpen(t time.Time) bool {
	n, off := c.split(t)
	if c.isHoliday(n) {
		return false
	}
	for _, s := range c.spans[weekday(n)] {
		if off >= minutes(s.Start) && off < minutes(s.End) {
			return true
		}
	}
	return false
}

// NextOpen returns the first working moment at or after t.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	n, off := c.split(t)
	for {
		if !c.isHoliday(n) {
			for _, s := range c.spans[weekday(n)] {
				if off < minutes(s.End) {
					if off >= minutes(s.Start) {
						return t
					}
					return c.at(n, minutes(s.Start))
				}
			}
		}
		// The week has working time and holidays are finite, so this ends.
		n, off = n+1, 0
	}
}

// Between returns the working time in [a, b), or 0 when b is not after a.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	na, offA := c.split(a)
	nb, offB := c.split(b)
	dayMinutes := c.before(nb) - c.before(na)
	if dayMinutes > math.MaxInt64/int64(time.Minute)-2*24*60 {
		return math.MaxInt64 // centuries of work: beyond what a Duration holds
	}
	return time.Duration(dayMinutes)*time.Minute + c.within(nb, offB) - c.within(na, offA)
}

// Add returns the moment at which d of working time has elapsed after
// start: the due time of a target d. With d <= 0 it is NextOpen(start).
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return c.NextOpen(start)
	}
	n, off := c.split(start)
	// Work needed, counted from the start of day n.
	need := c.within(n, off) + d
	base := c.before(n)
	done := func(m int64) bool { return time.Duration(c.before(m+1)-base)*time.Minute >= need }
	// The due day is the first day m >= n with done(m): gallop, then bisect.
	lo, hi := n-1, n
	for step := int64(1); !done(hi); step *= 2 {
		lo, hi = hi, n+step
	}
	m := lo + 1 + int64(sort.Search(int(hi-lo-1), func(i int) bool { return done(lo + 1 + int64(i)) }))
	left := need - time.Duration(c.before(m)-base)*time.Minute
	for _, s := range c.spans[weekday(m)] {
		span := minutes(s.End) - minutes(s.Start)
		if left <= span {
			return c.at(m, minutes(s.Start)+left)
		}
		left -= span
	}
	panic("sla: Add overran its day") // done(m) guarantees the day holds left
}

// split returns t's day number (days since 1970-01-01 in the calendar's
// zone) and its wall-clock offset from that day's midnight.
func (c *Calendar) split(t time.Time) (int64, time.Duration) {
	t = t.In(c.loc)
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	off := time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
	return dayNumber(y, m, d), off
}

// at returns the moment off after midnight of day n, on the wall clock.
func (c *Calendar) at(n int64, off time.Duration) time.Time {
	y, m, d := time.Unix(n*86400, 0).UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, int(off), c.loc)
}

// before returns the working minutes from day 0 to the start of day n
// (negative before day 0).
func (c *Calendar) before(n int64) int64 {
	weeks, r := n/7, n%7
	if r < 0 {
		weeks, r = weeks-1, r+7
	}
	i := sort.Search(len(c.holidays), func(i int) bool { return c.holidays[i] >= n })
	return weeks*c.weekMinutes + c.weekPrefix[r] - c.holidayPrefix[i]
}

// within returns the working time of day n before the wall-clock offset off.
func (c *Calendar) within(n int64, off time.Duration) time.Duration {
	if c.isHoliday(n) {
		return 0
	}
	var w time.Duration
	for _, s := range c.spans[weekday(n)] {
		if start := minutes(s.Start); off > start {
			w += min(off, minutes(s.End)) - start
		}
	}
	return w
}

func (c *Calendar) isHoliday(n int64) bool {
	_, found := slices.BinarySearch(c.holidays, n)
	return found
}

func dayNumber(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// weekday returns the weekday of day n; day 0, 1970-01-01, is a Thursday.
func weekday(n int64) time.Weekday {
	return time.Weekday(((n % 7) + 7 + int64(time.Thursday)) % 7)
}

func minutes(m int) time.Duration { return time.Duration(m) * time.Minute }

// String describes the calendar for logs.
func (c *Calendar) String() string {
	return fmt.Sprintf("%s, %d working minutes a week, %d holidays", c.loc, c.weekMinutes, len(c.holidays))
}
