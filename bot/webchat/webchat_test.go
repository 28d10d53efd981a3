package webchat

import (
	"context"
	"errors"
	"testing"

	"github.com/pemkab-kebumen/sigap"
)

func TestSendWakesOnlyThatChat(t *testing.T) {
	a := New(nil)
	mine, stopMine := a.Subscribe("abc")
	defer stopMine()
	other, stopOther := a.Subscribe("xyz")
	defer stopOther()

	if err := a.Send(context.Background(), sigap.Outbound{To: sigap.Address{Channel: sigap.Web, ID: "abc"}, Text: "Halo"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	select {
	case <-mine:
	default:
		t.Fatal("listener of the recipient was not woken")
	}
	select {
	case <-other:
		t.Fatal("listener of another chat was woken")
	default:
	}
}

func TestSendCoalescesWakeUps(t *testing.T) {
	a := New(nil)
	ch, stop := a.Subscribe("abc")
	defer stop()
	to := sigap.Address{Channel: sigap.Web, ID: "abc"}
	for range 3 {
		if err := a.Send(context.Background(), sigap.Outbound{To: to}); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	<-ch
	select {
	case <-ch:
		t.Fatal("got a second wake-up; want them coalesced")
	default:
	}
}

func TestSendRefusesOtherChannels(t *testing.T) {
	a := New(nil)
	err := a.Send(context.Background(), sigap.Outbound{To: sigap.Address{Channel: sigap.Telegram, ID: "1"}})
	var perm *sigap.PermanentError
	if !errors.As(err, &perm) {
		t.Fatalf("Send to tg: got %v, want a PermanentError", err)
	}
}

func TestUnsubscribeStopsWakeUps(t *testing.T) {
	a := New(nil)
	ch, stop := a.Subscribe("abc")
	stop()
	a.Notify("abc")
	select {
	case <-ch:
		t.Fatal("woken after unsubscribing")
	default:
	}
	if len(a.subs) != 0 {
		t.Fatalf("subscriptions left behind: %d", len(a.subs))
	}
}
