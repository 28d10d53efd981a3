package desk

import (
	"slices"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// A message goes out by one way: a read of the database that returned it
// takes it from the handoff whether it was handed over before the read or
// after (on PostgreSQL a message may commit after one with a higher id,
// so no id tells what a read saw).
func TestHandoffGivesAMessageReadFromTheDatabaseToNoOneElse(t *testing.T) {
	now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	msg := func(id int64) sigap.Outbound {
		return sigap.Outbound{ID: id, To: sigap.Address{Channel: sigap.Telegram, ID: "1"}, Text: "balasan"}
	}
	ids := func(msgs []sigap.Outbound) []int64 {
		var out []int64
		for _, m := range msgs {
			out = append(out, m.ID)
		}
		return out
	}
	tests := []struct {
		name string
		run  func(h *handoff)
		want []int64 // what the worker takes at the end
	}{
		{"handed over, then read", func(h *handoff) {
			h.put(msg(1))
			h.claim([]sigap.Outbound{msg(1)}, now)
		}, nil},
		{"read, then handed over", func(h *handoff) {
			h.claim([]sigap.Outbound{msg(1)}, now)
			h.put(msg(1))
		}, nil},
		{"committed after the read with a lower id", func(h *handoff) {
			h.claim([]sigap.Outbound{msg(2)}, now)
			h.put(msg(1))
			h.put(msg(2))
		}, []int64{1}},
		{"a claim is used once", func(h *handoff) {
			h.claim([]sigap.Outbound{msg(1)}, now)
			h.put(msg(1))
			h.put(msg(1)) // put back by a retry: a new hand-over
		}, []int64{1}},
		{"a claim no hand-over came for is forgotten", func(h *handoff) {
			h.claim([]sigap.Outbound{msg(1)}, now)
			h.claim(nil, now.Add(claimKept+time.Second))
			h.put(msg(1))
		}, []int64{1}},
		{"no claim while no worker takes", func(h *handoff) {
			h.stop()
			h.claim([]sigap.Outbound{msg(1)}, now)
			h.start()
			h.put(msg(1))
		}, []int64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHandoff()
			h.start()
			tt.run(h)
			got, _ := h.take()
			if !slices.Equal(ids(got), tt.want) {
				t.Errorf("taken %v, want %v", ids(got), tt.want)
			}
		})
	}
}
