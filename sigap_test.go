package sigap_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in      string
		want    sigap.Address
		wantErr bool
	}{
		{"tg:1001", sigap.Address{Channel: sigap.Telegram, ID: "1001"}, false},
		{"wa:6281234567890", sigap.Address{Channel: sigap.WhatsApp, ID: "6281234567890"}, false},
		{"web:3f2a:b", sigap.Address{Channel: sigap.Web, ID: "3f2a:b"}, false},
		{"sms:0812", sigap.Address{}, true},
		{"tg:", sigap.Address{}, true},
		{"1001", sigap.Address{}, true},
	}
	for _, tt := range tests {
		got, err := sigap.ParseAddress(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseAddress(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
		if err != nil && sigap.ErrorCode(err) != sigap.EINVALID {
			t.Errorf("ParseAddress(%q) error code %q, want %q", tt.in, sigap.ErrorCode(err), sigap.EINVALID)
		}
	}
}

func TestErrorCodeAndMessageThroughWrapping(t *testing.T) {
	wrapped := fmt.Errorf("desk: reply: %w", sigap.Errorf(sigap.ENOTFOUND, "Tiket %s tidak ditemukan.", "KBM-AAAAA"))
	if got := sigap.ErrorCode(wrapped); got != sigap.ENOTFOUND {
		t.Errorf("ErrorCode = %q", got)
	}
	if got := sigap.ErrorMessage(wrapped); got != "Tiket KBM-AAAAA tidak ditemukan." {
		t.Errorf("ErrorMessage = %q", got)
	}
	plain := errors.New("disk I/O error at /var/lib/sigap")
	if sigap.ErrorCode(plain) != sigap.EINTERNAL || sigap.ErrorMessage(plain) != "internal error" {
		t.Errorf("a plain error must be internal and not leak its text: %q %q", sigap.ErrorCode(plain), sigap.ErrorMessage(plain))
	}
	if sigap.ErrorCode(nil) != "" {
		t.Error("nil has a code")
	}
}

func TestPolicyOverridesPerField(t *testing.T) {
	kb := &sigap.KB{
		SLA: sigap.SLAPolicy{FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour},
		OPDs: []sigap.OPD{
			{Code: "BPBD", SLA: sigap.SLAPolicy{FirstResponse: time.Hour}},
			{Code: "DPUPR"},
		},
	}
	tests := []struct {
		opd  string
		want sigap.SLAPolicy
	}{
		{"BPBD", sigap.SLAPolicy{FirstResponse: time.Hour, Resolution: 24 * time.Hour}},
		{"DPUPR", sigap.SLAPolicy{FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour}},
		{"UNKNOWN", sigap.SLAPolicy{FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour}},
	}
	for _, tt := range tests {
		if got := kb.Policy(tt.opd); got != tt.want {
			t.Errorf("Policy(%s) = %+v, want %+v", tt.opd, got, tt.want)
		}
	}
}

func TestStaffCanSee(t *testing.T) {
	tests := []struct {
		staff sigap.Staff
		opd   string
		want  bool
	}{
		{sigap.Staff{Role: sigap.RoleAgent, OPD: "DINKES"}, "DINKES", true},
		{sigap.Staff{Role: sigap.RoleAgent, OPD: "DINKES"}, "DPUPR", false},
		{sigap.Staff{Role: sigap.RoleSupervisor}, "DPUPR", true},
		{sigap.Staff{Role: sigap.RoleAdmin}, "DPUPR", true},
		{sigap.Staff{Role: sigap.RoleSupervisor, Disabled: true}, "DPUPR", false},
	}
	for _, tt := range tests {
		if got := tt.staff.CanSee(tt.opd); got != tt.want {
			t.Errorf("%+v CanSee(%s) = %v, want %v", tt.staff, tt.opd, got, tt.want)
		}
	}
}

func TestLiveKBTellsSubscribers(t *testing.T) {
	live := sigap.NewLiveKB(&sigap.KB{Prefix: "A"})
	var seen []string
	live.Subscribe(func(k *sigap.KB) { seen = append(seen, k.Prefix) })
	live.Set(&sigap.KB{Prefix: "B"})
	if live.Get().Prefix != "B" || len(seen) != 1 || seen[0] != "B" {
		t.Errorf("after Set: Get %q, subscribers saw %v", live.Get().Prefix, seen)
	}
}

// readStore is a Store whose View hands fn a nil Tx or fails.
type readStore struct{ err error }

func (s readStore) Update(ctx context.Context, fn func(sigap.Tx) error) error { return s.View(ctx, fn) }
func (s readStore) View(ctx context.Context, fn func(sigap.Tx) error) error {
	if s.err != nil {
		return s.err
	}
	return fn(nil)
}

func TestReadReturnsWhatFnRead(t *testing.T) {
	ctx := context.Background()
	n, err := sigap.Read(ctx, readStore{}, func(sigap.Tx) (int, error) { return 7, nil })
	if n != 7 || err != nil {
		t.Errorf("Read = %d, %v; want 7", n, err)
	}
	boom := errors.New("boom")
	if _, err := sigap.Read(ctx, readStore{err: boom}, func(sigap.Tx) (int, error) { return 7, nil }); !errors.Is(err, boom) {
		t.Errorf("Read of a failing store: %v", err)
	}
	if _, err := sigap.Read(ctx, readStore{}, func(sigap.Tx) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("Read whose fn fails: %v", err)
	}
}
