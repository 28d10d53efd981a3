package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/sla"
)

// queueRow is the ticket's row as a queue lists it.
func (h *harness) queueRow(code string) sigap.TicketSummary {
	h.t.Helper()
	var row sigap.TicketSummary
	err := h.db.View(h.ctx, func(tx sigap.Tx) error {
		list, err := tx.ListTickets(h.ctx, sigap.TicketFilter{Status: "all"})
		for _, s := range list {
			if s.Code == code {
				row = s
			}
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return row
}

// TestCommandsDoNotWaitInTheQueue: "status", "cek" and "baru" are
// answered by the bot, so the queue does not show them as the citizen's
// last word, as if waiting for staff.
func TestCommandsDoNotWaitInTheQueue(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("tg:11", "Jalan kabupaten di desa kami rusak parah dan berlubang")
	tk := h.openTicket("tg:11")
	h.say("tg:11", "lubangnya di depan SD Kaleng")
	for _, cmd := range []string{"status", "cek " + tk.Code, "/status"} {
		h.say("tg:11", cmd)
		if row := h.queueRow(tk.Code); row.LastMessage != "lubangnya di depan SD Kaleng" || row.LastAuthor != sigap.AuthorCitizen {
			t.Errorf("after %q the queue shows %q by %s, want the citizen's last real message", cmd, row.LastMessage, row.LastAuthor)
		}
	}
	view, err := h.desk.Ticket(h.ctx, &sigap.Staff{Username: "s", Role: sigap.RoleSupervisor}, tk.Code)
	if err != nil {
		t.Fatal(err)
	}
	commands := 0
	for _, m := range view.Messages {
		if m.Kind == sigap.KindCommand {
			commands++
		}
	}
	if commands != 3 {
		t.Errorf("%d messages of the thread are commands, want the 3 sent", commands)
	}
	// A staff reply is the last word then.
	staff := &sigap.Staff{Username: "budi", Role: sigap.RoleAgent, OPD: tk.OPD}
	if err := h.desk.Reply(h.ctx, staff, tk.Code, desk.Answer{Text: "Baik, kami cek besok."}); err != nil {
		t.Fatal(err)
	}
	if row := h.queueRow(tk.Code); row.LastAuthor != sigap.AuthorStaff || !strings.HasSuffix(row.LastMessage, "Baik, kami cek besok.") {
		t.Errorf("after the reply the queue shows %q by %s", row.LastMessage, row.LastAuthor)
	}
}

func TestThanksGetsYoureWelcome(t *testing.T) {
	welcome := (bot.Texts{}).YoureWelcome()
	h := newHarness(t, wednesday)
	h.say("tg:12", "halo")
	// After an FAQ answer, a thank-you is no new question.
	h.say("tg:12", "apa syarat membuat KTP elektronik?")
	if got := h.say("tg:12", "terima kasih banyak infonya 🙏"); len(got) != 1 || got[0] != welcome {
		t.Errorf("thanks after an FAQ answer: %q, want %q", got, welcome)
	}
	if got := h.say("tg:12", "makasih min"); len(got) != 1 || got[0] != welcome {
		t.Errorf("thanks again: %q, want %q", got, welcome)
	}
	// A greeting still gets the prompt for a question.
	if got := h.say("tg:12", "halo"); len(got) != 1 || got[0] == welcome {
		t.Errorf("a greeting: %q, want the prompt", got)
	}
	if n := h.countTickets(); n != 0 {
		t.Errorf("thanks opened %d tickets", n)
	}
}

// TestFAQAnswerTakenToAnOfficerCountsOnce: of two questions the FAQ
// answered, one helped and one the citizen took to an officer with "2";
// the report counts two questions: one FAQ answer and one ticket.
func TestFAQAnswerTakenToAnOfficerCountsOnce(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("tg:13", "apa syarat membuat KTP elektronik?")
	h.say("tg:13", "1")
	h.say("tg:14", "apa syarat membuat KTP elektronik?")
	h.say("tg:14", "2")
	cal, err := sla.NewCalendar(h.kb.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	var rep *sla.Report
	err = h.db.View(h.ctx, func(tx sigap.Tx) error {
		var err error
		rep, err = sla.BuildReport(h.ctx, tx, h.kb, cal, wednesday.AddDate(0, 0, -1), wednesday.AddDate(0, 0, 1), h.now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Received != 1 || rep.Total.FAQAnswered == nil || *rep.Total.FAQAnswered != 1 {
		t.Errorf("report: %d tickets and %v FAQ answers, want 1 and 1", rep.Total.Received, rep.Total.FAQAnswered)
	}
}

// linkStaff stores a staff account linked to a Telegram chat, asking for
// new tickets there.
func (h *harness) linkStaff(username, opd, chat string) *sigap.Staff {
	h.t.Helper()
	s := &sigap.Staff{Username: username, Name: "Petugas " + username, Role: sigap.RoleAgent, OPD: opd,
		TelegramChatID: chat, TelegramTickets: true}
	if err := h.db.Update(h.ctx, func(tx sigap.Tx) error { return tx.CreateStaff(h.ctx, s) }); err != nil {
		h.t.Fatal(err)
	}
	return s
}

func TestStaffAnswerFromTelegram(t *testing.T) {
	h := newHarness(t, wednesday)
	h.linkStaff("budi", "DPUPR", "9001")
	h.linkStaff("ani", "DINKES", "9002")
	h.say("wa:6281200000002", "Jalan kabupaten di desa kami rusak parah dan berlubang")
	tk := h.openTicket("wa:6281200000002")
	if tk == nil || tk.OPD != "DPUPR" {
		t.Fatalf("want a DPUPR ticket, got %+v", tk)
	}
	// Budi was told on Telegram (in what the citizen's message caused);
	// his reply to that message answers.
	var notice string
	for _, m := range h.sent {
		if m.To.String() == "tg:9001" {
			notice = m.Text
		}
	}
	if !strings.Contains(notice, tk.Code) {
		t.Fatalf("Budi's Telegram got %q, want the new ticket", notice)
	}
	var toCitizen []string
	reply := func(chat, text string) []string {
		h.seq++
		h.now = h.now.Add(time.Minute)
		in := sigap.Inbound{From: addr(t, "tg:"+chat), Name: "Staf", PlatformID: fmt.Sprint("s", h.seq), Text: text, Quoted: notice}
		if err := h.bot.Receive(h.ctx, in); err != nil {
			t.Fatal(err)
		}
		toStaff := h.drain(in.From)
		toCitizen = nil
		for _, m := range h.sent {
			if m.To.String() == "wa:6281200000002" {
				toCitizen = append(toCitizen, m.Text)
			}
		}
		return toStaff
	}
	contains(t, reply("9001", "Baik, tim kami survei besok pagi."), "Balasan Anda terkirim", tk.Code)
	contains(t, toCitizen, "[Dinas Pekerjaan Umum dan Penataan Ruang] Baik, tim kami survei besok pagi.")
	got := h.openTicket("wa:6281200000002")
	if got.FirstResponder != "budi" || got.FirstResponseAt.IsZero() {
		t.Errorf("after Budi's Telegram answer: first responder %q at %v", got.FirstResponder, got.FirstResponseAt)
	}
	// Ani, of another OPD, is refused, and her text reaches nobody.
	contains(t, reply("9002", "Ini bukan urusan kami."), "⚠️", tk.Code, "tidak ditemukan")
	if len(toCitizen) != 0 {
		t.Errorf("Ani's refused answer reached the citizen: %q", toCitizen)
	}
	// /selesai resolves, audited as done on Telegram.
	contains(t, reply("9001", "/selesai"), "diselesaikan")
	contains(t, toCitizen, "telah diselesaikan", "Mohon nilai layanan kami")
	if h.openTicket("wa:6281200000002") != nil {
		t.Error("/selesai left the ticket open")
	}
	var audit []string
	h.db.View(h.ctx, func(tx sigap.Tx) error {
		log, err := tx.TicketAudit(h.ctx, tk.ID)
		for _, e := range log {
			audit = append(audit, string(e.Action)+" "+string(e.Actor)+" "+e.Detail)
		}
		return err
	})
	contains(t, audit, "reply staff:budi (via Telegram)", "resolve staff:budi (via Telegram)")
	if strings.Contains(strings.Join(audit, "\n"), "staff:ani") {
		t.Errorf("Ani's refused answer is in the audit: %q", audit)
	}
	// A reply to a message about several tickets (an alert digest) is no
	// answer to any of them.
	notice = "⚠️ 2 tiket mendekati batas respons pertama: " + tk.Code + ", KBM-ZZZZZ."
	contains(t, reply("9001", "Sudah kami tangani."), "menyebut satu tiket")
	if len(toCitizen) != 0 {
		t.Errorf("a reply to a digest reached the citizen: %q", toCitizen)
	}
	// A chat no staff account is linked to is a citizen, quote or not.
	contains(t, reply("9003", "Jalan kabupaten di desa kami rusak parah dan berlubang"), "nomor tiket")
}
