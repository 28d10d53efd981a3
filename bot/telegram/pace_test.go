package telegram

import (
	"testing"
	"time"
)

func TestPacer(t *testing.T) {
	const (
		global  = 100 * time.Millisecond
		perChat = time.Second
	)
	type send struct {
		chat    int64
		advance time.Duration // clock moves this much before the send books
		want    time.Duration // wait the pacer asks for
	}
	tests := []struct {
		name  string
		sends []send
	}{
		{"first send goes at once", []send{{1, 0, 0}}},
		{"same chat waits a second", []send{{1, 0, 0}, {1, 0, time.Second}, {1, 0, 2 * time.Second}}},
		{"other chats only keep the global gap", []send{{1, 0, 0}, {2, 0, global}, {3, 0, 2 * global}}},
		{
			// Chat 1's second send is booked a second ahead; chat 2 must
			// not queue behind it.
			"a chat held back does not hold back others",
			[]send{{1, 0, 0}, {1, 0, time.Second}, {2, 0, global}},
		},
		{
			"a send between two booked slots fits the gap",
			[]send{{1, 0, 0}, {1, 0, time.Second}, {2, 0, global}, {3, 0, 2 * global}},
		},
		{"time passing frees the slots", []send{{1, 0, 0}, {1, 2 * time.Second, 0}, {2, global, 0}}},
		{"a slot too close to a booked one moves after it", []send{{1, 0, 0}, {1, 0, time.Second}, {2, 950 * time.Millisecond, 150 * time.Millisecond}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := newFakeTime()
			p := newPacer(ft.Now, global, perChat)
			for i, s := range tt.sends {
				ft.now = ft.now.Add(s.advance)
				if got := p.reserve(s.chat); got != s.want {
					t.Errorf("send %d to chat %d: wait %s, want %s", i, s.chat, got, s.want)
				}
			}
		})
	}
}

func TestPacerHoldChat(t *testing.T) {
	ft := newFakeTime()
	p := newPacer(ft.Now, rateInterval(30), rateInterval(1))
	p.holdChat(7, 5*time.Second)
	if got := p.reserve(7); got != 5*time.Second {
		t.Errorf("held chat: wait %s, want 5s", got)
	}
	if got := p.reserve(8); got != 0 {
		t.Errorf("other chat: wait %s, want 0", got)
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute}
	for i, w := range want {
		if got := backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
}
