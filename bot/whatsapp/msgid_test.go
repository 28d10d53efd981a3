package whatsapp

import (
	"context"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	sigap "github.com/pemkab-kebumen/sigap"
)

// A part sent again after a send timed out (WhatsApp may have got it)
// carries the id it had the first time; every part of every reply has an
// id of its own, of the shape whatsmeow gives WhatsApp Web's ids.
func TestSendGivesEachPartAStableID(t *testing.T) {
	a, wa, _ := newTestAdapter(t, Config{})
	wa.fail = map[int]error{2: errors.New("timed out waiting for message send response")}
	text := strings.Repeat("a", maxPartRunes) + "\n\n" + strings.Repeat("b", maxPartRunes)
	msg := sigap.Outbound{ID: 41, To: to("6281234567890"), Text: text, Created: sentAt}
	msg.PartSent = func(_ context.Context, n int) error { msg.PartsSent = n; return nil }
	if err := a.Send(context.Background(), msg); err == nil {
		t.Fatal("the timed-out part did not fail the send")
	}
	if err := a.Send(context.Background(), msg); err != nil {
		t.Fatalf("retry: %v", err)
	}
	// A crash before the first part was recorded sends all parts again.
	msg.PartsSent = 0
	if err := a.Send(context.Background(), msg); err != nil {
		t.Fatalf("send after a crash: %v", err)
	}
	if err := a.Send(context.Background(), sigap.Outbound{ID: 42, To: msg.To, Text: "c", Created: sentAt}); err != nil {
		t.Fatal(err)
	}
	var ids []types.MessageID
	for _, s := range wa.attempts {
		ids = append(ids, s.ID)
	}
	part0, part1 := partMessageID(msg, 0), partMessageID(msg, 1)
	want := []types.MessageID{part0, part1, part1, part0, part1, partMessageID(sigap.Outbound{ID: 42, Created: sentAt}, 0)}
	if len(ids) != len(want) {
		t.Fatalf("ids %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Errorf("attempt %d has id %q, want %q", i+1, ids[i], want[i])
		}
	}
	shape := regexp.MustCompile(`^3EB0[0-9A-F]{18}$`)
	seen := map[types.MessageID]bool{}
	for _, id := range []types.MessageID{part0, part1, want[5]} {
		if !shape.MatchString(string(id)) || !isSigapMessageID(id) || seen[id] {
			t.Errorf("id %q: want a distinct id of WhatsApp Web's shape that Sigap recognises", id)
		}
		seen[id] = true
	}
}

func TestPartMessageID(t *testing.T) {
	base := sigap.Outbound{ID: 7, Created: sentAt}
	// An outbox emptied and refilled reuses ids; its replies were
	// committed at another time, and get other message ids.
	reused := sigap.Outbound{ID: 7, Created: sentAt.Add(400 * 24 * time.Hour)}
	if partMessageID(base, 0) == partMessageID(reused, 0) {
		t.Error("a reused outbox id gives the same message id")
	}
	if got := partMessageID(sigap.Outbound{Created: sentAt}, 0); got != "" {
		t.Errorf("no outbox id: got %q, want none so whatsmeow picks a random id", got)
	}
	for _, id := range []types.MessageID{"", "3EB0", "3A1F5C0E9B2D4A6C8E01", "BAE5F2D1C3A4B5C6", strings.ToLower(string(partMessageID(base, 0)))} {
		if isSigapMessageID(id) {
			t.Errorf("%q taken for Sigap's", id)
		}
	}
	// Ids of other linked devices are random; about one in 16.7 million
	// would pass the check. A fixed seed keeps the test repeatable.
	rnd := rand.New(rand.NewPCG(11, 2024))
	hits := 0
	for range 20000 {
		var b [9]byte
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		if isSigapMessageID(types.MessageID("3EB0" + strings.ToUpper(hex.EncodeToString(b[:])))) {
			hits++
		}
	}
	if hits > 0 {
		t.Errorf("%d of 20000 random WhatsApp Web ids taken for Sigap's", hits)
	}
}
