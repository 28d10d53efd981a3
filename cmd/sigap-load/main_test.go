package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRunRefusesBadUse(t *testing.T) {
	tests := []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{"--url", "http://192.0.2.1:8080"}, 1, "not on this machine"},
		{[]string{"--rate", "0"}, 1, "rate"},
		{[]string{"--duration", "1h"}, 1, "duration"},
		{[]string{"--typo"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, "unexpected argument"},
		{[]string{"-h"}, 0, "loopback only"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		status := run(context.Background(), tt.args, &out, &errOut)
		if status != tt.status || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("sigap-load %v: status %d, stderr %q; want %d and %q", tt.args, status, errOut.String(), tt.status, tt.want)
		}
	}
}
