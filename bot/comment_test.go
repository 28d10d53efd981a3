package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// comment delivers a comment under a post from a thread address and
// returns the texts sent back.
func (h *harness) comment(thread, text string) []string {
	h.t.Helper()
	h.seq++
	return h.receive(sigap.Inbound{From: addr(h.t, thread), Name: "@warga", PlatformID: fmt.Sprint("c", h.seq), Text: text, Public: true})
}

// TestCommentQuestionGetsOneReplyWithoutWelcome: a question under a post
// gets one message, the ticket's acknowledgement asking for an answer,
// with no welcome (each comment may have one private reply); a later
// comment joins the ticket unanswered.
func TestCommentQuestionGetsOneReplyWithoutWelcome(t *testing.T) {
	h := newHarness(t, wednesday)
	thread := "ig:9001@media.1"
	got := h.comment(thread, "jalan di desa kami rusak parah kapan diperbaiki min?")
	tk := h.openTicket(thread)
	if len(got) != 1 || tk == nil || tk.OPD != "DPUPR" {
		t.Fatalf("replies %q, ticket %+v; want one reply and a DPUPR ticket", got, tk)
	}
	contains(t, got, tk.Code, "paling lambat", "balas pesan ini")
	if strings.Contains(got[0], "Selamat datang") || strings.Contains(got[0], "'status'") {
		t.Errorf("the reply to a comment has the welcome or a command: %q", got[0])
	}
	if got := h.comment(thread, "tolong segera ya pak, sudah banyak yang jatuh"); len(got) != 0 {
		t.Errorf("a follow-up comment was answered: %q", got)
	}
	if citizen := h.citizenMessages(tk.Code); citizen != 2 {
		t.Errorf("%d comments in the ticket, want both", citizen)
	}
}

// TestCommentFAQAnswerAsksNothingBack: an FAQ answer to a comment has no
// feedback question, so a later "2" under the post is no request for an
// officer; commands are not read in comments.
func TestCommentFAQAnswerAsksNothingBack(t *testing.T) {
	h := newHarness(t, wednesday)
	thread := "fb:7001@1001_55"
	got := h.comment(thread, "apa syarat membuat KTP elektronik?")
	if len(got) != 1 || strings.Contains(got[0], "Balas 1") || !strings.Contains(got[0], "atas komentar") {
		t.Fatalf("FAQ reply to a comment: %q", got)
	}
	for _, text := range []string{"2", "status", "mantap min 👍"} {
		if got := h.comment(thread, text); len(got) != 0 {
			t.Errorf("comment %q was answered: %q", text, got)
		}
	}
	if n := h.countTickets(); n != 0 {
		t.Errorf("%d tickets, want none", n)
	}
}

// TestFloodingCommentsGetNoNotice: a notice would spend a comment's one
// private reply.
func TestFloodingCommentsGetNoNotice(t *testing.T) {
	h := newHarness(t, wednesday)
	for i := range 30 {
		h.now = h.now.Add(time.Second)
		if got := h.comment("ig:9002@media.2", fmt.Sprintf("🔥 %d", i)); len(got) != 0 {
			t.Fatalf("comment %d answered: %q", i, got)
		}
	}
}

// TestOPDHintRoutesUnclearQuestions: a message that reached an OPD's own
// account goes to that OPD when the router cannot place it.
func TestOPDHintRoutesUnclearQuestions(t *testing.T) {
	h := newHarness(t, wednesday)
	h.receive(sigap.Inbound{From: addr(t, "ig:9003"), PlatformID: "d1", Text: "mohon info jadwal minggu depan", OPDHint: "DINKES"})
	h.receive(sigap.Inbound{From: addr(t, "ig:9004"), PlatformID: "d2", Text: "mohon info jadwal minggu depan"})
	h.receive(sigap.Inbound{From: addr(t, "ig:9005"), PlatformID: "d3", Text: "mohon info jadwal minggu depan", OPDHint: "NO-SUCH-OPD"})
	for from, want := range map[string]string{"ig:9003": "DINKES", "ig:9004": "DISKOMINFO", "ig:9005": "DISKOMINFO"} {
		if tk := h.openTicket(from); tk == nil || tk.OPD != want {
			t.Errorf("%s: ticket %+v, want %s", from, tk, want)
		}
	}
}
