package replay

import (
	"strings"
	"testing"
)

func TestParseEvent(t *testing.T) {
	tests := []struct {
		line    string
		wantErr string // substring; "" for a valid event
	}{
		{`{"at":"2024-04-03T09:15:00+07:00","type":"message","from":"tg:1","text":"halo"}`, ""},
		{`{"at":"2024-04-03T09:15:00+07:00","type":"reply","from":"wa:628","staff":"budi","text":"ok"}`, ""},
		{`{"at":"2024-04-03T09:15:00+07:00","type":"reply","from":"wa:628","text":"ok"}`, `"staff" is missing`},
		{`{"type":"message","from":"tg:1"}`, `"at" is missing`},
		{`{"at":"2024-04-03T09:15:00+07:00","type":"message","from":"sms:1"}`, `"from" "sms:1"`},
		{`{"at":"2024-04-03T09:15:00+07:00","type":"message","from":"tg:1","txt":"typo"}`, `unknown field "txt"`},
		{`{"at":"2024-04-03T09:15:00+07:00","type":"mesage","from":"tg:1","text":"halo"}`, `unknown event type "mesage" (want message, reply`},
		{`{"at":"2024-04-03T09:15:00+07:00","from":"tg:1","staff":"budi"}`, `unknown event type ""`},
		{`{"at":"yesterday","type":"message","from":"tg:1"}`, `invalid event`},
		{`not json`, `invalid event`},
	}
	for _, tt := range tests {
		_, _, err := ParseEvent(tt.line)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseEvent(%s): %v", tt.line, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseEvent(%s) = %v, want an error with %q", tt.line, err, tt.wantErr)
		}
	}
}
