package clocktest

import (
	"context"
	"testing"
	"time"
)

func TestClockMovesOnlyWhenMoved(t *testing.T) {
	t0 := time.Date(2024, 4, 3, 9, 0, 0, 0, time.UTC)
	c := New(t0)
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("new clock reads %v, want %v", got, t0)
	}
	c.Add(time.Minute)
	if err := c.Sleep(context.Background(), time.Hour); err != nil {
		t.Fatal(err)
	}
	c.Sleep(context.Background(), -time.Hour) // a negative sleep does not go back
	if got, want := c.Now(), t0.Add(time.Hour+time.Minute); !got.Equal(want) {
		t.Errorf("after Add(1m) and Sleep(1h) the clock reads %v, want %v", got, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Second); err == nil {
		t.Error("Sleep on an ended context returned nil")
	}
}
