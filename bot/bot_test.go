package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/learning"
	"github.com/pemkab-kebumen/sigap/sla"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// harness runs the conversation on a real SQLite file with the embedded
// KB and the real router; its only fake is the channel, which records what
// the outbox delivers.
type harness struct {
	t      *testing.T
	ctx    context.Context
	db     *storage.DB
	now    time.Time
	kb     *sigap.KB
	desk   *desk.Desk
	bot    *bot.Bot
	outbox *desk.Outbox
	// learning learns from the citizens' feedback on FAQ answers.
	learning *learning.Learner
	sent     []sigap.Outbound
	seq      int
}

func (h *harness) Send(_ context.Context, m sigap.Outbound) error {
	h.sent = append(h.sent, m)
	return nil
}

var wib = time.FixedZone("WIB", 7*3600)

func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	ctx := context.Background()
	db := storagetest.Open(t)
	h := &harness{t: t, ctx: ctx, db: db, now: start, kb: kb.Default()}
	clock := func() time.Time { return h.now }
	cal, err := sla.NewCalendar(h.kb.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	live := sigap.NewLiveKB(h.kb)
	router, err := bot.NewLiveRouter(ctx, db, live, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.outbox = &desk.Outbox{Store: db, Now: clock, Parallel: 1,
		Senders: map[sigap.Channel]sigap.Sender{sigap.Telegram: h, sigap.WhatsApp: h, sigap.Web: h, sigap.Facebook: h, sigap.Instagram: h}}
	h.desk = desk.New(desk.Config{Store: db, KB: live, Calendar: cal, Now: clock,
		Texts: bot.Texts{Loc: cal.Location()}, Learn: router.Learn})
	h.learning = learning.New(learning.Config{Store: db, KB: live, Router: router, Now: clock})
	h.bot = bot.New(bot.Config{Store: db, Desk: h.desk, Router: router, Now: clock, Learning: h.learning})
	return h
}

// say delivers a text from the citizen and returns the texts sent back.
func (h *harness) say(from, text string) []string {
	h.t.Helper()
	h.seq++
	return h.receive(sigap.Inbound{From: addr(h.t, from), Name: "Warga", PlatformID: fmt.Sprint("m", h.seq), Text: text})
}

func (h *harness) receive(in sigap.Inbound) []string {
	h.t.Helper()
	if err := h.bot.Receive(h.ctx, in); err != nil {
		h.t.Fatalf("Receive(%q): %v", in.Text, err)
	}
	return h.drain(in.From)
}

func (h *harness) drain(to sigap.Address) []string {
	h.t.Helper()
	h.sent = nil
	if _, err := h.outbox.Drain(h.ctx); err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, m := range h.sent {
		if m.To == to {
			out = append(out, m.Text)
		}
	}
	return out
}

func (h *harness) openTicket(from string) *sigap.Ticket {
	h.t.Helper()
	var t *sigap.Ticket
	err := h.db.View(h.ctx, func(tx sigap.Tx) error {
		c, err := tx.CitizenByAddress(h.ctx, addr(h.t, from))
		if err != nil {
			return err
		}
		t, err = tx.OpenTicket(h.ctx, c.ID)
		return err
	})
	if sigap.ErrorCode(err) == sigap.ENOTFOUND {
		return nil
	} else if err != nil {
		h.t.Fatal(err)
	}
	return t
}

// citizenMessages counts the citizen's messages in a ticket's thread.
func (h *harness) citizenMessages(code string) int {
	h.t.Helper()
	view, err := h.desk.Ticket(h.ctx, &sigap.Staff{Username: "s", Role: sigap.RoleSupervisor}, code)
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, m := range view.Messages {
		if m.Author == sigap.AuthorCitizen {
			n++
		}
	}
	return n
}

func (h *harness) countTickets() int {
	h.t.Helper()
	var n int
	err := h.db.View(h.ctx, func(tx sigap.Tx) error {
		l, err := tx.ListTickets(h.ctx, sigap.TicketFilter{Status: "all"})
		n = len(l)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

func addr(t *testing.T, s string) sigap.Address {
	a, err := sigap.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func contains(t *testing.T, got []string, want ...string) {
	t.Helper()
	all := strings.Join(got, "\n---\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("replies do not contain %q:\n%s", w, all)
		}
	}
}

// A Wednesday morning, a working day on the default calendar.
var wednesday = time.Date(2026, 3, 4, 9, 0, 0, 0, wib)

func TestFirstContactGreetingOpensNoTicket(t *testing.T) {
	h := newHarness(t, wednesday)
	got := h.say("tg:1", "halo min")
	if len(got) != 1 {
		t.Fatalf("want only the welcome, got %d replies: %q", len(got), got)
	}
	contains(t, got, "Selamat datang", "UU 27/2022", "status")
	if n := h.countTickets(); n != 0 {
		t.Errorf("a greeting opened %d tickets", n)
	}
	// Later greetings get a prompt, not the welcome again.
	got = h.say("tg:1", "p")
	if len(got) != 1 || strings.Contains(got[0], "Selamat datang") {
		t.Errorf("second greeting: %q", got)
	}
}

func TestFAQAnswerThenAskForOfficer(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("wa:6281200000001", "halo")
	got := h.say("wa:6281200000001", "apa syarat membuat KTP elektronik?")
	contains(t, got, "Apakah jawaban ini membantu? Balas 1 jika ya, 2 jika ingin diteruskan ke petugas")
	if h.openTicket("wa:6281200000001") != nil {
		t.Fatal("an FAQ answer opened a ticket")
	}
	got = h.say("wa:6281200000001", "2")
	tk := h.openTicket("wa:6281200000001")
	if tk == nil || tk.OPD != "DISDUKCAPIL" {
		t.Fatalf("after 2, want a DISDUKCAPIL ticket, got %+v", tk)
	}
	contains(t, got, tk.Code, "paling lambat")
	// The question the FAQ answered is in the ticket's thread.
	view, err := h.desk.Ticket(h.ctx, &sigap.Staff{Username: "s", Role: sigap.RoleSupervisor}, tk.Code)
	if err != nil {
		t.Fatal(err)
	}
	var thread []string
	for _, m := range view.Messages {
		thread = append(thread, m.Text)
	}
	contains(t, thread, "apa syarat membuat KTP elektronik?")
}

func TestFAQHelpfulOpensNothing(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("tg:2", "apa syarat membuat KTP elektronik?")
	got := h.say("tg:2", "1")
	contains(t, got, "Terima kasih")
	if n := h.countTickets(); n != 0 {
		t.Errorf("helpful feedback opened %d tickets", n)
	}
}

// The citizens' feedback on an FAQ answer teaches: a "1" suggests their
// question as a paraphrase of the FAQ; a "2" stops the FAQ answering it,
// for the next citizen too.
func TestFAQFeedbackTeaches(t *testing.T) {
	h := newHarness(t, wednesday)
	helped, wanted := "syarat bikin ktp elektronik apa saja ya?", "min, buat e-ktp pertama kali syaratnya apa?"
	h.say("tg:31", helped)
	h.say("tg:31", "1")
	h.say("tg:32", wanted)
	h.say("tg:32", "2")
	s, err := h.learning.Suggestions(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Paraphrases) != 1 || s.Paraphrases[0].Text != helped || s.Paraphrases[0].FAQ != "ktp-baru" {
		t.Errorf("candidates %+v, want %q for ktp-baru", s.Paraphrases, helped)
	}
	if len(s.Negatives) != 1 || s.Negatives[0].Text != wanted || s.Negatives[0].FAQ != "ktp-baru" {
		t.Errorf("negatives %+v, want %q for ktp-baru", s.Negatives, wanted)
	}
	got := h.say("tg:33", wanted)
	if tk := h.openTicket("tg:33"); tk == nil || tk.OPD != "DISDUKCAPIL" {
		t.Errorf("the next citizen asking %q: replies %q, ticket %+v; want a DISDUKCAPIL ticket, not the FAQ", wanted, got, tk)
	}
}

func TestRoadComplaintRoutedToDPUPRWithDueTime(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("tg:3", "halo")
	got := h.say("tg:3", "Jalan kabupaten di desa kami rusak parah dan berlubang, mohon segera diperbaiki")
	tk := h.openTicket("tg:3")
	if tk == nil || tk.OPD != "DPUPR" {
		t.Fatalf("want a DPUPR ticket, got %+v (replies %q)", tk, got)
	}
	if !strings.HasPrefix(tk.Code, "KBM-") || len(tk.Code) != len("KBM-")+5 {
		t.Errorf("ticket code %q: want KBM- and five characters", tk.Code)
	}
	due := desk.FormatTime(tk.FirstResponseDue, wib)
	contains(t, got, tk.Code, "Dinas Pekerjaan Umum", "paling lambat "+due)
	if strings.Contains(strings.Join(got, ""), "di luar jam kerja") {
		t.Error("a message in working hours was told the office is closed")
	}
	if !tk.FirstResponseDue.After(wednesday) {
		t.Errorf("due %v not after creation", tk.FirstResponseDue)
	}

	// A follow-up joins the ticket instead of opening another.
	h.now = h.now.Add(5 * time.Minute)
	got = h.say("tg:3", "lokasinya dekat balai desa")
	if n := h.countTickets(); n != 1 {
		t.Errorf("follow-up: %d tickets, want 1", n)
	}
	contains(t, got, tk.Code)
	// A second follow-up soon after is not acknowledged again.
	if got := h.say("tg:3", "sudah dua minggu seperti ini"); len(got) != 0 {
		t.Errorf("second follow-up acknowledged again: %q", got)
	}
	// A thank-you gets a short "you're welcome", not an acknowledgement.
	if got := h.say("tg:3", "terima kasih"); len(got) != 1 || got[0] != (bot.Texts{}).YoureWelcome() {
		t.Errorf("thank-you on an open ticket answered %q, want %q", got, (bot.Texts{}).YoureWelcome())
	}

	// "status" lists the ticket.
	contains(t, h.say("tg:3", "status"), tk.Code, "Dinas Pekerjaan Umum", "menunggu jawaban petugas")
	contains(t, h.say("tg:3", "cek "+strings.ToLower(tk.Code)), tk.Code)
	contains(t, h.say("tg:3", "cek KBM-ZZZZZ"), "tidak ditemukan")
}

func TestOutsideWorkingHoursSaysWhenTheClockStarts(t *testing.T) {
	saturday := time.Date(2026, 3, 7, 20, 0, 0, 0, wib)
	h := newHarness(t, saturday)
	got := h.say("tg:4", "Jalan kabupaten di desa kami rusak parah dan berlubang, mohon segera diperbaiki")
	contains(t, got, "di luar jam kerja", "Senin, 9 Maret 2026 pukul 07.30 WIB")
}

func TestRedeliveredMessageIsHandledOnce(t *testing.T) {
	h := newHarness(t, wednesday)
	in := sigap.Inbound{From: addr(t, "tg:5"), PlatformID: "5:77", Text: "Jalan kabupaten di desa kami rusak parah dan berlubang"}
	first := h.receive(in)
	second := h.receive(in)
	if len(first) == 0 || len(second) != 0 {
		t.Fatalf("replies: first %d, redelivery %d; want some, then none", len(first), len(second))
	}
	if n := h.countTickets(); n != 1 {
		t.Errorf("%d tickets after a redelivery, want 1", n)
	}
}

// A reply someone typed on the regency's own phone is no question from
// the citizen: it opens nothing and gets no answer, but joins the
// citizen's open ticket as its first response.
func TestMessageFromOwnAccountIsAStaffReply(t *testing.T) {
	h := newHarness(t, wednesday)
	from := "wa:6281234567890"
	in := sigap.Inbound{From: addr(t, from), PlatformID: "3A00FF", FromOwnAccount: true,
		Text: "Jalan kabupaten di desa Bapak sudah kami laporkan"}
	if replies := h.receive(in); len(replies) != 0 {
		t.Errorf("replied %q to the regency's own message", replies)
	}
	if n := h.countTickets(); n != 0 {
		t.Errorf("%d tickets opened by the regency's own message", n)
	}
	h.say(from, "Jalan kabupaten di desa kami rusak parah dan berlubang")
	h.now = h.now.Add(20 * time.Minute)
	in.PlatformID = "3A0100"
	if replies := h.receive(in); len(replies) != 0 {
		t.Errorf("replied %q to the regency's own message", replies)
	}
	tk := h.openTicket(from)
	if tk == nil || tk.FirstResponder != desk.PhoneResponder || !tk.FirstResponseAt.Equal(h.now) {
		t.Errorf("ticket %+v, want its first response from the phone at %v", tk, h.now)
	}
}

// The FAQ's feedback question offers its two answers as buttons, where
// the channel has them.
func TestFAQAnswerOffersFeedbackButtons(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("tg:3", "apa syarat membuat KTP elektronik?")
	var asked []sigap.Outbound
	for _, m := range h.sent {
		if strings.Contains(m.Text, "Apakah jawaban ini membantu?") {
			asked = append(asked, m)
		}
	}
	if len(asked) != 1 || strings.Join(asked[0].Replies, ",") != "1,2" {
		t.Errorf("feedback question %+v, want one with the replies 1 and 2", asked)
	}
	for _, m := range h.sent {
		if len(m.Replies) > 0 && !strings.Contains(m.Text, "Apakah jawaban ini membantu?") {
			t.Errorf("%q offers buttons %v", m.Text, m.Replies)
		}
	}
}

func TestStaffReplyResolveAndRating(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("web:abc", "Jalan kabupaten di desa kami rusak parah dan berlubang")
	tk := h.openTicket("web:abc")
	staff := &sigap.Staff{Username: "budi", Role: sigap.RoleAgent, OPD: tk.OPD}

	h.now = h.now.Add(30 * time.Minute)
	if err := h.desk.Reply(h.ctx, staff, tk.Code, desk.Answer{Text: "Baik, kami survei besok."}); err != nil {
		t.Fatal(err)
	}
	contains(t, h.drain(addr(t, "web:abc")), "[Dinas Pekerjaan Umum dan Penataan Ruang] Baik, kami survei besok.")

	if err := h.desk.Resolve(h.ctx, staff, tk.Code); err != nil {
		t.Fatal(err)
	}
	contains(t, h.drain(addr(t, "web:abc")), tk.Code, "1 (sangat kurang) sampai 5 (sangat baik)")
	contains(t, h.say("web:abc", "5"), "Terima kasih atas penilaian")

	var got *sigap.Ticket
	h.db.View(h.ctx, func(tx sigap.Tx) error {
		var err error
		got, err = tx.TicketByCode(h.ctx, tk.Code)
		return err
	})
	if got.Status != sigap.StatusResolved || got.Rating != 5 || got.FirstResponder != "budi" || got.Assignee != "budi" {
		t.Errorf("ticket after resolve and rating: status %s rating %d responder %q assignee %q", got.Status, got.Rating, got.FirstResponder, got.Assignee)
	}
	if h.openTicket("web:abc") != nil {
		t.Error("resolved ticket still open")
	}
}

func TestAgentOfAnotherOPDCannotTouchTicket(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("tg:6", "Jalan kabupaten di desa kami rusak parah dan berlubang")
	tk := h.openTicket("tg:6")
	other := &sigap.Staff{Username: "sari", Role: sigap.RoleAgent, OPD: "DINKES"}
	err := h.desk.Reply(h.ctx, other, tk.Code, desk.Answer{Text: "halo"})
	if sigap.ErrorCode(err) != sigap.ENOTFOUND {
		t.Errorf("reply by another OPD's agent: %v, want ENOTFOUND", err)
	}
}

func TestBaruStartsANewTicket(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("tg:7", "Jalan kabupaten di desa kami rusak parah dan berlubang")
	first := h.openTicket("tg:7")
	contains(t, h.say("tg:7", "baru"), "pertanyaan baru")
	h.say("tg:7", "Sampah di TPS dekat pasar tidak diangkut sudah seminggu, baunya menyengat")
	if n := h.countTickets(); n != 2 {
		t.Fatalf("after 'baru': %d tickets, want 2", n)
	}
	if second := h.openTicket("tg:7"); second.Code == first.Code {
		t.Error("the new question joined the old ticket")
	}
}

func TestFloodingGetsOneNoticeAndKeepsEveryMessage(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("tg:8", "Jalan kabupaten di desa kami rusak parah dan berlubang")
	notices := 0
	for i := range 30 {
		h.now = h.now.Add(time.Second)
		for _, r := range h.say("tg:8", fmt.Sprintf("pesan %d", i)) {
			if strings.Contains(r, "banyak pesan") {
				notices++
			}
		}
	}
	if notices != 1 {
		t.Errorf("%d slow-down notices, want 1", notices)
	}
	if citizen := h.citizenMessages(h.openTicket("tg:8").Code); citizen != 31 {
		t.Errorf("%d citizen messages stored, want 31", citizen)
	}
}

func TestBadInputIsStoredSafely(t *testing.T) {
	h := newHarness(t, wednesday)
	huge := strings.Repeat("jalan rusak ", 5000) // 60 KB
	h.receive(sigap.Inbound{From: addr(t, "tg:9"), PlatformID: "9:1", Text: huge})
	h.receive(sigap.Inbound{From: addr(t, "tg:9"), PlatformID: "9:2", Text: "jalan \xff\xfe rusak"})
	tk := h.openTicket("tg:9")
	if tk == nil {
		t.Fatal("no ticket for a long complaint")
	}
	view, err := h.desk.Ticket(h.ctx, &sigap.Staff{Username: "s", Role: sigap.RoleSupervisor}, tk.Code)
	if err != nil {
		t.Fatal(err)
	}
	var cut, fixed bool
	for _, m := range view.Messages {
		if m.Author != sigap.AuthorCitizen {
			continue
		}
		if strings.HasSuffix(m.Text, "[…dipotong]") && len(m.Text) <= bot.MaxText+len(" […dipotong]") {
			cut = true
		}
		if m.Text == "jalan \uFFFD rusak" { // one mark for the run of bad bytes
			fixed = true
		}
	}
	if !cut || !fixed {
		t.Errorf("huge message cut: %v; invalid UTF-8 replaced: %v", cut, fixed)
	}
}

func TestTransferRecomputesDueAndTeachesRouter(t *testing.T) {
	h := newHarness(t, wednesday)
	h.say("tg:10", "Jalan kabupaten di desa kami rusak parah dan berlubang")
	tk := h.openTicket("tg:10")
	sup := &sigap.Staff{Username: "kepala", Role: sigap.RoleSupervisor}
	if err := h.desk.Transfer(h.ctx, sup, tk.Code, "bpbd", "jalan tertutup longsor"); err != nil {
		t.Fatal(err)
	}
	moved := h.openTicket("tg:10")
	if moved.OPD != "BPBD" {
		t.Fatalf("OPD after transfer: %s", moved.OPD)
	}
	cal, _ := sla.NewCalendar(h.kb.Calendar)
	if want := cal.Add(moved.CreatedAt, h.kb.Policy("BPBD").FirstResponse); !moved.FirstResponseDue.Equal(want) {
		t.Errorf("due after transfer %v, want %v under BPBD's target", moved.FirstResponseDue, want)
	}
	contains(t, h.drain(addr(t, "tg:10")), tk.Code, "Badan Penanggulangan Bencana")
	var ex []sigap.Example
	h.db.View(h.ctx, func(tx sigap.Tx) error {
		var err error
		ex, err = tx.Examples(h.ctx)
		return err
	})
	if len(ex) != 1 || ex[0].OPD != "BPBD" {
		t.Errorf("learned examples: %+v", ex)
	}
	if err := h.desk.Transfer(h.ctx, sup, tk.Code, "NOPE", ""); sigap.ErrorCode(err) != sigap.EINVALID {
		t.Errorf("transfer to an unknown OPD: %v, want EINVALID", err)
	}
}

// filedUnder returns the ticket code the citizen's message with platform
// id pid is filed under ("" for none), and how many times it is stored.
func (h *harness) filedUnder(from, pid string) (code string, stored int) {
	h.t.Helper()
	err := h.db.View(h.ctx, func(tx sigap.Tx) error {
		c, err := tx.CitizenByAddress(h.ctx, addr(h.t, from))
		if err != nil {
			return err
		}
		msgs, err := tx.CitizenMessages(h.ctx, c.ID, 0)
		for _, m := range msgs {
			if m.PlatformID != pid {
				continue
			}
			stored++
			if m.TicketID != 0 {
				t, err := tx.TicketByID(h.ctx, m.TicketID)
				if err != nil {
					return err
				}
				code = t.Code
			}
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return code, stored
}

// TestEveryMessageIsStoredOnceAndFiledWhereItBelongs: whatever a message
// turns out to be, it is stored first, once, and a redelivery changes and
// sends nothing; it is filed under the ticket it is about.
func TestEveryMessageIsStoredOnceAndFiledWhereItBelongs(t *testing.T) {
	const road = "Jalan kabupaten di desa kami rusak parah dan berlubang"
	tests := []struct {
		name   string
		before []string // said first, by the same citizen
		text   string
		// filed is "open" (the ticket open before), "new" (a ticket it
		// opened) or "" (none).
		filed string
	}{
		{"a new question", nil, road, "new"},
		{"a follow-up", []string{road}, "Lubangnya di depan SD", "open"},
		{"a command", []string{road}, "status", "open"},
		{"a command with no ticket", nil, "status", ""},
		{"an FAQ found helpful", []string{"apa syarat membuat KTP elektronik?"}, "1", ""},
		{"an FAQ that wanted an officer", []string{"apa syarat membuat KTP elektronik?"}, "2", "new"},
		{"a new question after baru", []string{road, "baru"}, "Sampah di TPS dekat pasar tidak diangkut sudah seminggu", "new"},
		{"a greeting", nil, "halo min", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, wednesday)
			const from = "tg:41"
			for _, s := range tt.before {
				h.say(from, s)
			}
			var open string
			if tk := h.openTicket(from); tk != nil {
				open = tk.Code
			}
			before := h.countTickets()
			in := sigap.Inbound{From: addr(t, from), PlatformID: "the-message", Text: tt.text}
			h.receive(in)
			code, stored := h.filedUnder(from, "the-message")
			switch {
			case stored != 1:
				t.Errorf("stored %d times, want once", stored)
			case tt.filed == "open" && code != open:
				t.Errorf("filed under %q, want the open ticket %s", code, open)
			case tt.filed == "new" && (code == "" || code == open || h.countTickets() != before+1):
				t.Errorf("filed under %q (open was %q, %d tickets from %d), want a new ticket", code, open, h.countTickets(), before)
			case tt.filed == "" && code != "":
				t.Errorf("filed under %s, want no ticket", code)
			}
			tickets := h.countTickets()
			if again := h.receive(in); len(again) != 0 {
				t.Errorf("the redelivery was answered: %q", again)
			}
			if _, stored := h.filedUnder(from, "the-message"); stored != 1 || h.countTickets() != tickets {
				t.Errorf("after the redelivery: stored %d times, %d tickets from %d", stored, h.countTickets(), tickets)
			}
		})
	}
}

// What a channel sets aside is kept raw for admins, its invalid UTF-8
// made readable.
func TestSetAsideIsKept(t *testing.T) {
	h := newHarness(t, wednesday)
	u := sigap.SetAsideUpdate{Channel: sigap.Telegram, UpdateID: "41", Raw: "{\"text\":\"\xff\"}", Reason: "cannot decode"}
	if err := h.bot.SetAside(h.ctx, u); err != nil {
		t.Fatal(err)
	}
	list, err := sigap.Read(h.ctx, h.db, func(tx sigap.Tx) ([]sigap.SetAsideUpdate, error) {
		list, _, err := tx.SetAsideUpdates(h.ctx, 10)
		return list, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].UpdateID != "41" || list[0].Raw != "{\"text\":\"\uFFFD\"}" || list[0].Reason != "cannot decode" {
		t.Errorf("kept %+v", list)
	}
}
