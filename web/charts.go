package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pemkab-kebumen/sigap/sla"
)

// The overview's charts are SVG drawn by the template from these
// precomputed shapes: no script, no chart library, and they print.

const (
	chartW, chartH = 560, 220
	chartLeft      = 44 // room for the value axis labels
	chartBottom    = 28 // room for the week labels
	chartTop       = 12
)

type barChart struct {
	W, H  int
	Bars  []chartBar
	Ticks []chartTick
	BaseY float64
	Right float64
}

type chartBar struct {
	X, Y, Width, Height float64
	LabelX              float64
	Label, Title        string
}

type chartTick struct {
	Y     float64
	Label string
}

type lineChart struct {
	W, H   int
	Points string
	Dots   []chartDot
	Ticks  []chartTick
	Labels []chartBar // only LabelX and Label are used
	BaseY  float64
	Right  float64
}

type chartDot struct {
	X, Y  float64
	Title string
}

// axis chooses a round step (1, 2 or 5 times a power of ten, at least
// minStep) that splits values up to v into at most four parts, and the
// axis top: a whole number of steps, so that every tick reads round.
func axis(v, minStep float64) (top, step float64) {
	if v <= 0 {
		v = minStep
	}
	raw := v / 4
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * p
	for _, m := range []float64{1, 2, 5} {
		if raw <= m*p {
			step = m * p
			break
		}
	}
	step = math.Max(step, minStep)
	return step * math.Ceil(v/step), step
}

func ticks(top, step, plotH float64, unit string) []chartTick {
	var out []chartTick
	n := int(math.Round(top / step))
	for i := 0; i <= n; i++ {
		v := step * float64(i)
		out = append(out, chartTick{
			Y:     chartTop + plotH - plotH*v/top,
			Label: strings.Replace(strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64), ".", ",", 1) + unit,
		})
	}
	return out
}

// weekLabel names a week under its bar: "Minggu 15", or only "15" when
// many weeks leave no room for the word.
func weekLabel(w string, weeks int) string {
	if weeks > 8 {
		return strings.TrimPrefix(weekText(w), "Minggu ")
	}
	return weekText(w)
}

// weeklyCharts draws weekly volume as bars and the weekly median first
// response (working hours) as a line; nil when there is no week to draw.
func weeklyCharts(weeks []sla.WeekRow) (*barChart, *lineChart) {
	if len(weeks) == 0 {
		return nil, nil
	}
	plotW := float64(chartW - chartLeft - 8)
	plotH := float64(chartH - chartTop - chartBottom)
	slot := plotW / float64(len(weeks))
	base := chartTop + plotH

	maxN, maxH := 0.0, 0.0
	for _, w := range weeks {
		maxN = math.Max(maxN, float64(w.Received))
		if w.FirstResponseMedian != nil {
			maxH = math.Max(maxH, *w.FirstResponseMedian/60)
		}
	}
	// Tickets come whole; response times may step by a quarter hour.
	maxN, stepN := axis(maxN, 1)
	maxH, stepH := axis(maxH, 0.25)

	bars := &barChart{W: chartW, H: chartH, Ticks: ticks(maxN, stepN, plotH, ""), BaseY: base, Right: chartW - 8}
	line := &lineChart{W: chartW, H: chartH, Ticks: ticks(maxH, stepH, plotH, " jam"), BaseY: base, Right: chartW - 8}
	var pts []string
	for i, w := range weeks {
		x := chartLeft + slot*float64(i)
		h := plotH * float64(w.Received) / maxN
		label := weekLabel(w.Week, len(weeks))
		bars.Bars = append(bars.Bars, chartBar{
			X: x + slot*0.15, Width: slot * 0.7, Y: base - h, Height: h,
			LabelX: x + slot/2, Label: label,
			Title: fmt.Sprintf("%s: %d tiket", weekText(w.Week), w.Received),
		})
		line.Labels = append(line.Labels, chartBar{LabelX: x + slot/2, Label: label})
		if w.FirstResponseMedian == nil {
			continue
		}
		cx, cy := x+slot/2, base-plotH*(*w.FirstResponseMedian/60)/maxH
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", cx, cy))
		line.Dots = append(line.Dots, chartDot{X: cx, Y: cy, Title: fmt.Sprintf("%s: median %s", weekText(w.Week), minutesText(w.FirstResponseMedian))})
	}
	line.Points = strings.Join(pts, " ")
	return bars, line
}
