package web

import (
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/sla"
)

func TestAxisStepsAreRound(t *testing.T) {
	tests := []struct {
		v, minStep, top, step float64
	}{
		{37, 1, 40, 10},   // not 50 in quarters of 12.5
		{7, 1, 8, 2},      //
		{3, 1, 3, 1},      // small counts step by whole tickets
		{0, 1, 1, 1},      // nothing yet: one step
		{4.6, 0.25, 6, 2}, // hours
		{1.2, 0.25, 1.5, 0.5},
		{0.1, 0.25, 0.25, 0.25},
	}
	for _, tt := range tests {
		top, step := axis(tt.v, tt.minStep)
		if top != tt.top || step != tt.step {
			t.Errorf("axis(%g, %g) = %g, %g; want %g, %g", tt.v, tt.minStep, top, step, tt.top, tt.step)
		}
		if top < tt.v {
			t.Errorf("axis(%g) top %g below the largest value", tt.v, top)
		}
	}
	got := ticks(40, 10, 100, "")
	if len(got) != 5 || got[1].Label != "10" || got[4].Label != "40" {
		t.Errorf("ticks(40, 10) = %+v", got)
	}
}

func TestSLABadge(t *testing.T) {
	k, err := kb.Parse("test.yaml", []byte(testKB))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: Config{KB: sigap.NewLiveKB(k), Calendar: cal}}
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	h := time.Hour
	tests := []struct {
		name   string
		ticket sigap.Ticket
		want   string
	}{
		{"unanswered, plenty of time", sigap.Ticket{OPD: "DINKES", Status: sigap.StatusOpen, FirstResponseDue: now.Add(3 * h)}, "ok"},
		{"unanswered, under a quarter left", sigap.Ticket{OPD: "DINKES", Status: sigap.StatusOpen, FirstResponseDue: now.Add(30 * time.Minute)}, "soon"},
		{"unanswered, due passed", sigap.Ticket{OPD: "DINKES", Status: sigap.StatusOpen, FirstResponseDue: now.Add(-h)}, "late"},
		{"answered in time", sigap.Ticket{OPD: "DINKES", Status: sigap.StatusOpen, FirstResponseDue: now.Add(-h), FirstResponseAt: now.Add(-2 * h), ResolutionDue: now.Add(h)}, "done"},
		{"answered late", sigap.Ticket{OPD: "DINKES", Status: sigap.StatusOpen, FirstResponseDue: now.Add(-2 * h), FirstResponseAt: now.Add(-h), ResolutionDue: now.Add(h)}, "late"},
		{"answered, resolution overdue", sigap.Ticket{OPD: "DINKES", Status: sigap.StatusOpen, FirstResponseDue: now.Add(-9 * h), FirstResponseAt: now.Add(-10 * h), ResolutionDue: now.Add(-h)}, "late"},
		{"waiting for the citizen: resolution clock stands still", sigap.Ticket{OPD: "DINKES", Status: sigap.StatusPending, FirstResponseDue: now.Add(-9 * h), FirstResponseAt: now.Add(-10 * h), ResolutionDue: now.Add(-h)}, "done"},
	}
	for _, tt := range tests {
		if got := s.slaBadge(tt.ticket, now); got.Class != tt.want {
			t.Errorf("%s: badge %+v, want class %s", tt.name, got, tt.want)
		}
	}
}
