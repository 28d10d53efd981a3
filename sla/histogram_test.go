package sla

import (
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	tests := []struct {
		minutes     []int
		median, p90 float64
	}{
		{[]int{7}, 7, 7},
		{[]int{3, 1}, 2, 3}, // even: mean of the middle two; p90 rank ceil(1.8) = 2
		{[]int{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 5.5, 9},    // p90 rank ceil(9) = 9
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 6, 10}, // p90 rank ceil(9.9) = 10
		{[]int{5, 5, 5, 1}, 5, 5},
	}
	for _, tt := range tests {
		var h histogram
		for _, m := range tt.minutes {
			h.add(time.Duration(m) * time.Minute)
		}
		median, p90, ok := h.quantiles()
		if !ok || median != tt.median || p90 != tt.p90 {
			t.Errorf("%v: median, p90 = %v, %v; want %v, %v", tt.minutes, median, p90, tt.median, tt.p90)
		}
	}
	var empty histogram
	if _, _, ok := empty.quantiles(); ok {
		t.Error("an empty histogram has quantiles")
	}
}
