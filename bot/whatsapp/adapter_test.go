package whatsapp

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	sigap "github.com/pemkab-kebumen/sigap"
)

func TestHandleMessageAcksOnlyAfterCommit(t *testing.T) {
	text := &waE2E.Message{Conversation: proto.String("halo")}
	tests := []struct {
		name       string
		noReceiver bool
		recvErr    error
		evt        *events.Message
		wantAck    bool
		wantStored int
		wantRead   bool
	}{
		{name: "stored", evt: directMessage("M1", text), wantAck: true, wantStored: 1, wantRead: true},
		{name: "store failed", recvErr: errors.New("database is locked"), evt: directMessage("M2", text)},
		{name: "rejected as invalid", recvErr: sigap.Errorf(sigap.EINVALID, "bad"), evt: directMessage("M3", text), wantAck: true},
		{name: "ignored kind", evt: directMessage("M4", &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{}}), wantAck: true},
		{name: "no receiver while linking", noReceiver: true, evt: directMessage("M5", text)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, wa, _ := newTestAdapter(t, Config{})
			recv := &fakeReceiver{err: tt.recvErr}
			if !tt.noReceiver {
				a.recv = recv
			}
			if ack := a.handleEvent(tt.evt); ack != tt.wantAck {
				t.Errorf("ack = %v, want %v", ack, tt.wantAck)
			}
			if len(recv.got) != tt.wantStored {
				t.Errorf("stored %d messages, want %d", len(recv.got), tt.wantStored)
			}
			if read := len(wa.read) > 0; read != tt.wantRead {
				t.Errorf("marked read = %v, want %v", read, tt.wantRead)
			}
		})
	}
}

func TestHandleMessageSavesPhotos(t *testing.T) {
	photo := &waE2E.Message{ImageMessage: &waE2E.ImageMessage{
		Caption: proto.String("jalan berlubang"), Mimetype: proto.String("image/jpeg"),
	}}
	t.Run("downloaded into the data folder", func(t *testing.T) {
		dir := t.TempDir()
		a, wa, _ := newTestAdapter(t, Config{DataDir: dir})
		wa.photo = []byte("\xff\xd8\xff jpeg bytes")
		recv := &fakeReceiver{}
		a.recv = recv
		if !a.handleEvent(directMessage("3EB0AA", photo)) {
			t.Fatal("not acknowledged")
		}
		in := recv.got[0]
		if want := "media/whatsapp/2024-04/3EB0AA.jpg"; in.MediaRef != want || in.Text != "jalan berlubang" {
			t.Fatalf("stored MediaRef %q text %q, want MediaRef %q (relative to the data folder)", in.MediaRef, in.Text, want)
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(in.MediaRef)))
		if err != nil || !bytes.Equal(data, wa.photo) {
			t.Errorf("photo file: %q, %v", data, err)
		}
		leftovers, _ := filepath.Glob(filepath.Join(dir, "media", "whatsapp", "2024-04", ".download-*"))
		if len(leftovers) != 0 {
			t.Errorf("temporary files left: %v", leftovers)
		}
	})
	t.Run("download failed keeps a reference", func(t *testing.T) {
		a, wa, _ := newTestAdapter(t, Config{})
		wa.photoErr = errors.New("media expired")
		recv := &fakeReceiver{}
		a.recv = recv
		if !a.handleEvent(directMessage("3EB0BB", photo)) {
			t.Fatal("not acknowledged")
		}
		if got := recv.got[0].MediaRef; got != "wa-media:3EB0BB" {
			t.Errorf("MediaRef %q, want the wa-media reference", got)
		}
	})
}

func TestStateFollowsConnectionEvents(t *testing.T) {
	a, _, clock := newTestAdapter(t, Config{})
	var seen []string
	a.OnStateChange(func(st sigap.ChannelState) {
		if st.Channel != sigap.WhatsApp {
			t.Errorf("state for channel %q", st.Channel)
		}
		seen = append(seen, st.State)
	})
	steps := []struct {
		evt        any
		want       string
		wantDetail string
	}{
		{&events.Connected{}, StateConnected, ""},
		{&events.Disconnected{}, StateReconnecting, "connection lost"},
		{&events.Connected{}, StateConnected, ""},
		{&events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour}, StateBanned, "too many messages"},
		{&events.Connected{}, StateConnected, ""},
		{&events.LoggedOut{OnConnect: true, Reason: events.ConnectFailureLoggedOut}, StateLoggedOut, "removed this device"},
		{&events.StreamReplaced{}, StateReplaced, "another program"},
	}
	for i, s := range steps {
		clock.Add(time.Minute)
		if !a.handleEvent(s.evt) {
			t.Errorf("step %d: event not acknowledged", i+1)
		}
		st := a.State()
		if st.State != s.want || !strings.Contains(st.Detail, s.wantDetail) || !st.Since.Equal(clock.Now()) {
			t.Errorf("step %d %T: state %+v, want %s with %q since %s", i+1, s.evt, st, s.want, s.wantDetail, clock.Now())
		}
	}
	if len(seen) != len(steps) {
		t.Errorf("listener saw %v, want one call per change", seen)
	}
	// A repeated state is no change, so the supervisor is not warned twice.
	a.handleEvent(&events.StreamReplaced{})
	if len(seen) != len(steps) {
		t.Errorf("listener called again for an unchanged state")
	}
}

func TestStatus(t *testing.T) {
	a, _, clock := newTestAdapter(t, Config{})
	ctx := context.Background()
	linked, jid, last, err := a.Status(ctx)
	if err != nil || linked || jid != "" || !last.IsZero() {
		t.Fatalf("fresh database: Status = %v, %q, %s, %v; want not linked, never connected", linked, jid, last, err)
	}
	a.handleEvent(&events.Connected{})
	_, _, last, err = a.Status(ctx)
	if err != nil || !last.Equal(clock.Now()) {
		t.Errorf("after connecting: last connected %s, %v; want %s", last, err, clock.Now())
	}
	if err := a.Unlink(ctx); sigap.ErrorCode(err) != sigap.ENOTFOUND {
		t.Errorf("Unlink when not linked: %v, want ENOTFOUND", err)
	}

	// A session stored by an earlier link, as whatsmeow stores it.
	device := a.container.NewDevice()
	id := types.NewADJID("6281234567890", 0, 12)
	device.ID = &id
	device.Account = &waAdv.ADVSignedDeviceIdentity{
		Details: []byte{1}, AccountSignature: make([]byte, 64), AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64),
	}
	if err := a.container.PutDevice(ctx, device); err != nil {
		t.Fatal(err)
	}
	linked, jid, _, err = a.Status(ctx)
	if err != nil || !linked || jid != "6281234567890@s.whatsapp.net" {
		t.Errorf("after linking: Status = %v, %q, %v; want linked as 6281234567890@s.whatsapp.net", linked, jid, err)
	}
	again, err := New(ctx, a.cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Stop()
	if st := again.State(); st.State != StateDisconnected {
		t.Errorf("a linked adapter before Start is %q, want %q", st.State, StateDisconnected)
	}
	if err := again.Link(ctx, "", func(string) { t.Error("showed a code") }); sigap.ErrorCode(err) != sigap.ECONFLICT {
		t.Errorf("Link when linked: %v, want ECONFLICT", err)
	}
}

func TestStartNotLinked(t *testing.T) {
	a, _, _ := newTestAdapter(t, Config{})
	if err := a.Start(context.Background(), &fakeReceiver{}); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if st := a.State(); st.State != StateNotLinked || !strings.Contains(st.Detail, "sigap whatsapp link") {
		t.Errorf("state %+v, want not_linked telling how to link", st)
	}
}

func TestLinkRejectsBadPhone(t *testing.T) {
	a, _, _ := newTestAdapter(t, Config{})
	for _, phone := range []string{"081234567890", "+6281234567890", "62 812 3456", "62812"} {
		err := a.Link(context.Background(), phone, func(string) { t.Error("showed a code") })
		if sigap.ErrorCode(err) != sigap.EINVALID {
			t.Errorf("Link(%q) = %v, want EINVALID", phone, err)
		}
	}
}

func TestTerminalQR(t *testing.T) {
	const payload = "2@Zm9vYmFy,cXJjb2Rl,aWRlbnRpdHk=,YWR2"
	out, err := TerminalQR(payload)
	if err != nil {
		t.Fatal(err)
	}
	q, err := qrcode.New(payload, qrcode.Low)
	if err != nil {
		t.Fatal(err)
	}
	want := q.Bitmap()
	// Read the modules back from the half-blocks: each line holds two rows.
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != (len(want)+1)/2 {
		t.Fatalf("%d lines for %d rows", len(lines), len(want))
	}
	for y, line := range lines {
		runes := []rune(line)
		if len(runes) != len(want[0]) {
			t.Fatalf("line %d has %d columns, want %d", y, len(runes), len(want[0]))
		}
		for x, r := range runes {
			top, bottom := r == '█' || r == '▀', r == '█' || r == '▄'
			if top != !want[2*y][x] || 2*y+1 < len(want) && bottom != !want[2*y+1][x] {
				t.Fatalf("module (%d, %d) drawn as %q", x, 2*y, r)
			}
		}
	}
}

// fakePairer stands in for the connected client while linking.
type fakePairer struct{ disconnected bool }

func (p *fakePairer) PairPhone(context.Context, string, bool, whatsmeow.PairClientType, string) (string, error) {
	return "ABCD-EFGH", nil
}
func (p *fakePairer) Disconnect() { p.disconnected = true }

// Linking tells in plain words that WhatsApp refuses this version, not
// whatsmeow's "err-client-outdated".
func TestLinkClientOutdated(t *testing.T) {
	a, _, _ := newTestAdapter(t, Config{})
	qr := make(chan whatsmeow.QRChannelItem, 2)
	qr <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: "2@abc"}
	qr <- whatsmeow.QRChannelClientOutdated
	var shown []string
	cli := &fakePairer{}
	err := a.followLink(context.Background(), cli, qr, "", func(code string) { shown = append(shown, code) })
	if err == nil || !strings.Contains(err.Error(), "Sigap is too old for WhatsApp, update it") || strings.Contains(err.Error(), "err-client-outdated") {
		t.Errorf("Link = %v, want it to say Sigap is too old for WhatsApp", err)
	}
	if len(shown) != 1 || !cli.disconnected {
		t.Errorf("showed %v, disconnected %v; want the one code shown, then disconnected", shown, cli.disconnected)
	}
}

// A number linked from the admin page of a running serve is kept
// connected like one linked before the start.
func TestLinkFromServeIsSupervised(t *testing.T) {
	for _, serving := range []bool{false, true} {
		a, _, _ := newTestAdapter(t, Config{})
		if serving {
			a.recv = &fakeReceiver{}
		}
		qr := make(chan whatsmeow.QRChannelItem, 1)
		qr <- whatsmeow.QRChannelSuccess
		go func() {
			// The first connection after the phone confirmed.
			if _, err := a.waitState(context.Background(), StateConnecting); err == nil {
				a.handleEvent(&events.Connected{})
			}
		}()
		if err := a.followLink(context.Background(), &fakePairer{}, qr, "", func(string) {}); err != nil {
			t.Fatal(err)
		}
		if a.supervised != serving {
			t.Errorf("serving %v: supervised %v", serving, a.supervised)
		}
	}
}
