package sla

import (
	"slices"
	"time"
)

// histogram counts durations by whole second. Its size is bounded by the
// number of distinct seconds seen, not by the number of tickets, yet it
// gives exact order statistics at one-second resolution.
type histogram struct {
	counts map[int64]int
	n      int
}

func (h *histogram) add(d time.Duration) {
	if h.counts == nil {
		h.counts = make(map[int64]int)
	}
	h.counts[int64(d/time.Second)]++
	h.n++
}

// quantiles returns the median (the mean of the two middle values for an
// even count) and the nearest-rank 90th percentile (the ceil(0.9·n)-th
// smallest), in minutes; ok is false when the histogram is empty.
func (h *histogram) quantiles() (median, p90 float64, ok bool) {
	if h.n == 0 {
		return 0, 0, false
	}
	lowMid, highMid := (h.n+1)/2, h.n/2+1 // 1-based ranks; equal for an odd count
	rank90 := (9*h.n + 9) / 10            // ceil(0.9·n) in integers
	keys := make([]int64, 0, len(h.counts))
	for k := range h.counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var lo, hi, p int64
	seen := 0
	for _, k := range keys {
		prev := seen
		seen += h.counts[k]
		if prev < lowMid && lowMid <= seen {
			lo = k
		}
		if prev < highMid && highMid <= seen {
			hi = k
		}
		if prev < rank90 && rank90 <= seen {
			p = k
		}
	}
	return float64(lo+hi) / 2 / 60, float64(p) / 60, true
}
