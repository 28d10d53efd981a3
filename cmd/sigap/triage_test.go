package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pemkab-kebumen/sigap/routing"
)

// runTriageCmd runs "sigap triage args…" in-process on the embedded KB.
func runTriageCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	status = run(context.Background(), env, append([]string{"triage"}, args...))
	return out.String(), errOut.String(), status
}

func TestTriageBatchKeepsOrderAndReportsBadLines(t *testing.T) {
	long, _ := json.Marshal(map[string]string{"id": "long", "text": strings.Repeat("jalan rusak berlubang ", 5000)})
	var in strings.Builder
	for i := range 600 { // several chunks, so workers finish out of order
		text := "halo min"
		if i%2 == 1 {
			text = "sampah di pasar tidak diangkut seminggu"
		}
		line, _ := json.Marshal(map[string]string{"id": "m" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), "text": text})
		in.Write(line)
		in.WriteByte('\n')
		if i == 300 {
			in.WriteString("\n{not json\n\xff\xfe\n{\"id\":\"no-text\"}\n")
			in.Write(long)
			in.WriteByte('\n')
		}
	}
	stdout, stderr, status := runTriageCmd(t, in.String(), "--batch")
	if status == 0 {
		t.Errorf("status 0 with skipped lines")
	}
	for _, want := range []string{"line 302: empty line", "line 303: invalid JSON", "line 304: invalid UTF-8", `line 305: missing "text"`, "4 input line(s) skipped"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 601 {
		t.Fatalf("got %d decisions, want 601 (600 messages and the long one)", len(lines))
	}
	var ids []string
	for _, l := range lines {
		var d routing.DecisionLine
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		ids = append(ids, d.ID)
	}
	if ids[301] != "long" {
		t.Errorf("decision 302 is %q, want the long message in input order", ids[301])
	}
	for i, id := range append(ids[:301:301], ids[302:]...) {
		want := "m" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		if id != want {
			t.Fatalf("decision %d has id %q, want %q: order lost", i, id, want)
		}
	}
}

func TestTriageOneText(t *testing.T) {
	stdout, stderr, status := runTriageCmd(t, "", "selamat pagi min")
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	var d routing.DecisionLine
	if err := json.Unmarshal([]byte(stdout), &d); err != nil || d.Action != "clarify" {
		t.Errorf("output %q (%v), want a clarify decision", stdout, err)
	}
	stdout, _, status = runTriageCmd(t, "", "--explain", "KTP saya sudah 3 bulan belum jadi")
	if status != 0 || !strings.Contains(stdout, "FAQ candidates:") || !strings.Contains(stdout, "OPD scores:") {
		t.Errorf("explain: status %d, output:\n%s", status, stdout)
	}
	// The knowledge that decided: the lexicon's rewrite and the affair of
	// a word the KB never uses.
	stdout, _, status = runTriageCmd(t, "", "--explain", "sapine inyong kena pmk, lemes ora gelem mangan")
	for _, want := range []string{"knowledge used:", "lexicon: ", "affairs: ", "DISTAPANG holds"} {
		if status != 0 || !strings.Contains(stdout, want) {
			t.Errorf("explain lacks %q: status %d, output:\n%s", want, status, stdout)
		}
	}
	if _, _, status := runTriageCmd(t, ""); status != 2 {
		t.Errorf("no text and no --batch: status %d, want 2", status)
	}
	if _, stderr, status := runTriageCmd(t, "ktp hilang", "--explain"); status != 2 || !strings.Contains(stderr, "--explain explains the text given as its argument") {
		t.Errorf("--explain without a text: status %d, stderr %q; want 2 and what is missing", status, stderr)
	}
}

// TestTriageComment decides texts as public comments: a remark under a
// post that names an OPD's work is routed as a message but gets no reply
// as a comment; praise is a thanks either way (no ticket, no reply to a
// comment); a question is decided alike either way; one text or a batch.
func TestTriageComment(t *testing.T) {
	cases := []struct {
		text                 string
		asMessage, asComment string // action
	}{
		{"jalan ke pantai sudah diperbaiki DPUPR", "route", "clarify"},
		{"bantuan sembako sudah dibagikan ke warga desa kami", "route", "clarify"},
		{"mantap, jalan ke pantai sudah diperbaiki DPUPR", "clarify", "clarify"},
		{"jalan rusak di desa kami kapan diperbaiki?", "route", "route"},
	}
	decide := func(t *testing.T, args ...string) string {
		t.Helper()
		stdout, stderr, status := runTriageCmd(t, "", args...)
		var d routing.DecisionLine
		if err := json.Unmarshal([]byte(stdout), &d); status != 0 || err != nil {
			t.Fatalf("triage %q: status %d, %v: %s", args, status, err, stderr)
		}
		return d.Action
	}
	var batch strings.Builder
	for i, c := range cases {
		if got := decide(t, c.text); got != c.asMessage {
			t.Errorf("%q as a message: %s, want %s", c.text, got, c.asMessage)
		}
		if got := decide(t, "--comment", c.text); got != c.asComment {
			t.Errorf("%q as a comment: %s, want %s", c.text, got, c.asComment)
		}
		line, _ := json.Marshal(map[string]string{"id": fmt.Sprint(i), "text": c.text})
		batch.Write(append(line, '\n'))
	}
	stdout, stderr, status := runTriageCmd(t, batch.String(), "--comment", "--batch")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if status != 0 || len(lines) != len(cases) {
		t.Fatalf("--comment --batch: status %d, %d lines: %s", status, len(lines), stderr)
	}
	for i, l := range lines {
		var d routing.DecisionLine
		if err := json.Unmarshal([]byte(l), &d); err != nil || d.Action != cases[i].asComment {
			t.Errorf("--comment --batch line %d: %s (%v), want %s", i+1, l, err, cases[i].asComment)
		}
	}
	if _, _, status := runTriageCmd(t, "", "--comment", "--explain", "halo min"); status != 2 {
		t.Errorf("--comment with --explain: status %d, want 2", status)
	}
}
