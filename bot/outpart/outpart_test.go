package outpart

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
}

func TestDeliverStartsAfterThePartsSentAndRecordsAllButTheLast(t *testing.T) {
	var sent, recorded []int
	msg := sigap.Outbound{ID: 7, PartsSent: 1, PartSent: func(_ context.Context, n int) error {
		recorded = append(recorded, n)
		return nil
	}}
	err := Deliver(context.Background(), msg, 4, func(i int) error { sent = append(sent, i); return nil })
	if err != nil || !slices.Equal(sent, []int{1, 2, 3}) || !slices.Equal(recorded, []int{2, 3}) {
		t.Errorf("Deliver = %v, sent parts %v, recorded %v; want parts 1-3 sent, 2 and 3 recorded", err, sent, recorded)
	}
	msg.PartsSent = 9 // more than there are: nothing left to send
	sent = nil
	if err := Deliver(context.Background(), msg, 4, func(i int) error { sent = append(sent, i); return nil }); err != nil || sent != nil {
		t.Errorf("Deliver with every part sent = %v, sent %v", err, sent)
	}
	failed := errors.New("refused")
	msg.PartsSent, recorded = 0, nil
	if err := Deliver(context.Background(), msg, 3, func(i int) error { return failed }); err != failed || recorded != nil {
		t.Errorf("Deliver when the first part fails = %v, recorded %v; want the send's error as it is, nothing recorded", err, recorded)
	}
}
