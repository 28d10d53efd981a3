package whatsapp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	sigap "github.com/pemkab-kebumen/sigap"
)

func to(id string) sigap.Address { return sigap.Address{Channel: sigap.WhatsApp, ID: id} }

func TestSendPacesEachChat(t *testing.T) {
	a, wa, clock := newTestAdapter(t, Config{PerChatGap: 3 * time.Second, PerMinute: 100})
	ctx := context.Background()
	start := clock.Now()
	for i, addr := range []string{"6281111", "6281111", "6282222", "6281111"} {
		if err := a.Send(ctx, sigap.Outbound{ID: int64(i + 1), To: to(addr), Text: "balasan"}); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	var at []time.Duration
	for _, s := range wa.sent {
		at = append(at, s.At.Sub(start))
	}
	// The first chat keeps its 3 s gap; the second chat's first message
	// needs no gap, but slots go out in booking order, so it follows the
	// slot already booked.
	want := []time.Duration{0, 3 * time.Second, 3 * time.Second, 6 * time.Second}
	if len(at) != len(want) {
		t.Fatalf("sent %d messages, want %d", len(at), len(want))
	}
	for i := range want {
		if at[i] != want[i] {
			t.Errorf("message %d sent at +%s, want +%s (all: %v)", i+1, at[i], want[i], at)
		}
	}
}

func TestSendPerMinuteCap(t *testing.T) {
	a, wa, clock := newTestAdapter(t, Config{PerChatGap: time.Second, PerMinute: 3})
	ctx := context.Background()
	for i := range 3 {
		clock.Add(time.Second)
		if err := a.Send(ctx, sigap.Outbound{ID: int64(i + 1), To: to("628100" + string(rune('0'+i))), Text: "ok"}); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	err := a.Send(ctx, sigap.Outbound{ID: 4, To: to("6281009"), Text: "ok"})
	var ra *sigap.NotSentError
	if !errors.As(err, &ra) {
		t.Fatalf("fourth send in a minute: got %v, want *sigap.NotSentError, which is no failed try", err)
	}
	// The first message went at +1s; the fourth may go a minute later.
	if ra.Wait != 58*time.Second {
		t.Errorf("retry after %s, want 58s", ra.Wait)
	}
	if len(wa.sent) != 3 {
		t.Fatalf("sent %d, want 3", len(wa.sent))
	}
	clock.Add(ra.Wait)
	if err := a.Send(ctx, sigap.Outbound{ID: 4, To: to("6281009"), Text: "ok"}); err != nil {
		t.Fatalf("send after the wait: %v", err)
	}
	// Over any minute, at most three messages went out.
	for i := range wa.sent {
		n := 0
		for _, s := range wa.sent {
			if !s.At.Before(wa.sent[i].At) && s.At.Sub(wa.sent[i].At) < time.Minute {
				n++
			}
		}
		if n > 3 {
			t.Errorf("%d messages in the minute from %s", n, wa.sent[i].At)
		}
	}
}

func TestSendSplitsLongRepliesWithTyping(t *testing.T) {
	a, wa, _ := newTestAdapter(t, Config{})
	para := strings.Repeat("Persyaratan KTP-el: fotokopi KK dan surat pengantar. ", 40) // about 2,100 runes
	text := strings.TrimSpace(para) + "\n\n" + strings.TrimSpace(para) + "\n\n" + strings.TrimSpace(para)
	if err := a.Send(context.Background(), sigap.Outbound{ID: 1, To: to("6281234567890"), Text: text}); err != nil {
		t.Fatal(err)
	}
	got := wa.texts()
	if len(got) < 2 {
		t.Fatalf("sent %d parts, want the %d-rune reply split", len(got), len([]rune(text)))
	}
	for i, p := range got {
		if n := len([]rune(p)); n > maxPartRunes {
			t.Errorf("part %d has %d runes", i+1, n)
		}
	}
	if strings.Join(strings.Fields(strings.Join(got, " ")), " ") != strings.Join(strings.Fields(text), " ") {
		t.Error("the parts do not add up to the reply")
	}
	if wa.sent[0].To != citizenPN {
		t.Errorf("sent to %s, want %s", wa.sent[0].To, citizenPN)
	}
	want := []types.ChatPresence{types.ChatPresenceComposing, types.ChatPresencePaused}
	if len(wa.presence) != 2 || wa.presence[0] != want[0] || wa.presence[1] != want[1] {
		t.Errorf("typing indicator %v, want %v", wa.presence, want)
	}
}

func TestSendRetryDoesNotRepeatDeliveredParts(t *testing.T) {
	a, wa, _ := newTestAdapter(t, Config{})
	wa.fail = map[int]error{2: errors.New("timed out waiting for message send response")}
	text := strings.Repeat("a", maxPartRunes) + "\n\n" + strings.Repeat("b", maxPartRunes) + "\n\n" + "c"
	msg := sigap.Outbound{ID: 7, To: to("6281234567890"), Text: text}
	var recorded []int
	msg.PartSent = func(_ context.Context, n int) error { recorded = append(recorded, n); return nil }

	err := a.Send(context.Background(), msg)
	var perm *sigap.PermanentError
	var ra *sigap.RetryAfterError
	var ns *sigap.NotSentError
	if err == nil || errors.As(err, &perm) || errors.As(err, &ra) || errors.As(err, &ns) {
		t.Fatalf("failed part: got %v, want an error the outbox retries with backoff", err)
	}
	if len(recorded) != 1 || recorded[0] != 1 {
		t.Fatalf("recorded %v, want [1]: the first part went out", recorded)
	}
	msg.PartsSent = recorded[0]
	if err := a.Send(context.Background(), msg); err != nil {
		t.Fatalf("retry: %v", err)
	}
	got := wa.texts()
	if len(got) != 3 || got[0][0] != 'a' || got[1][0] != 'b' || got[2] != "c" {
		t.Errorf("delivered %d parts starting %q; want a, b, c once each", len(got), firstRunes(got))
	}
}

// A send stopped while it waits to pace its next part, as at shutdown,
// must not repeat the parts already delivered when the outbox retries it.
func TestSendStoppedBetweenPartsDoesNotRepeatThem(t *testing.T) {
	a, wa, clock := newTestAdapter(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	a.cfg.Sleep = func(ctx context.Context, d time.Duration) error {
		if d > 0 {
			cancel() // stop before the second part
		}
		return clock.Sleep(ctx, d)
	}
	text := strings.Repeat("a", maxPartRunes) + "\n\n" + strings.Repeat("b", maxPartRunes) + "\n\n" + "c"
	msg := sigap.Outbound{ID: 8, To: to("6281234567890"), Text: text}
	msg.PartSent = func(_ context.Context, n int) error { msg.PartsSent = n; return nil }
	if err := a.Send(ctx, msg); !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped send: got %v, want context.Canceled", err)
	}
	a.cfg.Sleep = clock.Sleep
	if err := a.Send(context.Background(), msg); err != nil {
		t.Fatalf("retry: %v", err)
	}
	got := wa.texts()
	if len(got) != 3 || got[0][0] != 'a' || got[1][0] != 'b' || got[2] != "c" {
		t.Errorf("delivered %d parts starting %q; want a, b, c once each", len(got), firstRunes(got))
	}
}

func firstRunes(parts []string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p[:1])
	}
	return out
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name      string
		offline   bool
		msg       sigap.Outbound
		permanent bool
		notConn   bool
	}{
		{name: "not connected", offline: true, msg: sigap.Outbound{ID: 1, To: to("6281234567890"), Text: "halo"}, notConn: true},
		{name: "telegram address", msg: sigap.Outbound{ID: 2, To: sigap.Address{Channel: sigap.Telegram, ID: "1001"}, Text: "halo"}, permanent: true},
		{name: "not a phone number", msg: sigap.Outbound{ID: 3, To: to("budi"), Text: "halo"}, permanent: true},
		{name: "no text", msg: sigap.Outbound{ID: 4, To: to("6281234567890"), Text: "  \n"}, permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, wa, _ := newTestAdapter(t, Config{})
			wa.offline = tt.offline
			err := a.Send(context.Background(), tt.msg)
			var perm *sigap.PermanentError
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if got := errors.As(err, &perm); got != tt.permanent {
				t.Errorf("permanent = %v, want %v (%v)", got, tt.permanent, err)
			}
			var ns *sigap.NotSentError
			if got := errors.Is(err, ErrNotConnected) && errors.Is(err, sigap.ErrNotConnected) && errors.As(err, &ns); got != tt.notConn {
				t.Errorf("not connected (and not sent) = %v, want %v (%v)", got, tt.notConn, err)
			}
			if len(wa.sent) != 0 {
				t.Errorf("sent %d messages", len(wa.sent))
			}
		})
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"short", "halo Bapak", 20, []string{"halo Bapak"}},
		{"exactly max", "abcde", 5, []string{"abcde"}},
		{"at a blank line", "satu dua\n\ntiga empat", 15, []string{"satu dua", "tiga empat"}},
		{"at a line break", "satu dua\ntiga empat", 15, []string{"satu dua", "tiga empat"}},
		{"at a space", "satu dua tiga empat", 10, []string{"satu dua", "tiga empat"}},
		{"after a sentence, like Telegram", "Jalan rusak. Mohon dicek segera", 20, []string{"Jalan rusak.", "Mohon dicek segera"}},
		{"hard cut without spaces", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"counts runes, not bytes", "ééééé ééééé", 5, []string{"ééééé", "ééééé"}},
		{"blank", "  \n ", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitText(tt.text, tt.max)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("splitText(%q, %d) = %q, want %q", tt.text, tt.max, got, tt.want)
			}
		})
	}
}

func BenchmarkSplitText(b *testing.B) {
	text := strings.Repeat("Persyaratan KTP-el: fotokopi KK dan surat pengantar RT/RW.\n", 300)
	for b.Loop() {
		splitText(text, maxPartRunes)
	}
}

func TestSendFiles(t *testing.T) {
	a, wa, _ := newTestAdapter(t, Config{PerChatGap: time.Second, PerMinute: 100})
	ctx := context.Background()
	dir := t.TempDir()
	photo := filepath.Join(dir, "lubang.jpg")
	doc := filepath.Join(dir, "jadwal.pdf")
	jpeg := "\xff\xd8\xff\xe0 foto lubang"
	pdf := "%PDF-1.4 jadwal perbaikan"
	if err := os.WriteFile(photo, []byte(jpeg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Jadwal perbaikan jalan. ", 60) // over a caption
	if err := a.Send(ctx, sigap.Outbound{ID: 1, To: to("6281111"), Text: "[DPUPR] Foto lokasi", MediaRef: photo, MediaKind: sigap.KindPhoto}); err != nil {
		t.Fatal(err)
	}
	if err := a.Send(ctx, sigap.Outbound{ID: 2, To: to("6281111"), Text: long, MediaRef: doc, MediaKind: sigap.KindDocument}); err != nil {
		t.Fatal(err)
	}
	if len(wa.uploads) != 2 || wa.uploads[0] != (upload{jpeg, whatsmeow.MediaImage}) || wa.uploads[1] != (upload{pdf, whatsmeow.MediaDocument}) {
		t.Errorf("uploads %+v, want the photo as an image and the PDF as a document", wa.uploads)
	}
	if len(wa.sent) != 3 {
		t.Fatalf("sent %+v, want the photo, the document and the long text", wa.sent)
	}
	if s := wa.sent[0]; !s.Image || s.Caption != "[DPUPR] Foto lokasi" || s.Mimetype != "image/jpeg" || s.URL != "https://mmg.whatsapp.net/upload/1" {
		t.Errorf("photo message %+v", s)
	}
	if s := wa.sent[1]; !s.Document || s.Caption != "" || s.FileName != "jadwal.pdf" || s.Mimetype != "application/pdf" {
		t.Errorf("document message %+v, want jadwal.pdf without a caption", s)
	}
	if s := wa.sent[2]; s.Text != strings.TrimSpace(long) && s.Text != long {
		t.Errorf("the text after the document: %q", s.Text)
	}
	var perm *sigap.PermanentError
	if err := a.Send(ctx, sigap.Outbound{ID: 3, To: to("6281111"), MediaRef: filepath.Join(dir, "hilang.jpg"), MediaKind: sigap.KindPhoto}); !errors.As(err, &perm) {
		t.Errorf("a missing file: %v, want a permanent error", err)
	}
}
