package outpart

import (
	"context"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	var p Progress
	if p.Sent(7) != 0 {
		t.Fatal("a new Progress knows message 7")
	}
	p.Record(7, 2)
	p.Record(0, 3) // no outbox id: not recorded
	p.Record(8, 0) // nothing sent: not recorded
	if p.Sent(7) != 2 || p.Sent(0) != 0 || p.Sent(8) != 0 {
		t.Errorf("Sent: 7→%d 0→%d 8→%d; want 2, 0, 0", p.Sent(7), p.Sent(0), p.Sent(8))
	}
	p.Done(7)
	if p.Sent(7) != 0 {
		t.Error("Done did not forget message 7")
	}
}

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
