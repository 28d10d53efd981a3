package desk_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

// addStaff stores accounts and returns them by username.
func (f *deskFixture) addStaff(t *testing.T, staff ...sigap.Staff) map[string]*sigap.Staff {
	t.Helper()
	out := map[string]*sigap.Staff{}
	err := f.db.Update(f.ctx, func(tx sigap.Tx) error {
		for i := range staff {
			s := staff[i]
			if err := tx.CreateStaff(f.ctx, &s); err != nil {
				return err
			}
			out[s.Username] = &s
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// outbox returns what waits in the outbox, by address.
func (f *deskFixture) outbox(t *testing.T) map[string][]sigap.Outbound {
	t.Helper()
	out := map[string][]sigap.Outbound{}
	err := f.db.View(f.ctx, func(tx sigap.Tx) error {
		due, err := tx.DueOutbound(f.ctx, f.now.Add(time.Hour), 1000, nil)
		for _, o := range due {
			out[o.To.String()] = append(out[o.To.String()], o)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// citizenOpens opens a ticket for a new citizen at addr.
func (f *deskFixture) citizenOpens(t *testing.T, addr, opd, question string) (*sigap.Citizen, *sigap.Ticket) {
	t.Helper()
	a, err := sigap.ParseAddress(addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &sigap.Citizen{Address: a, Name: "Warga " + a.ID}
	var tk *sigap.Ticket
	err = f.db.Update(f.ctx, func(tx sigap.Tx) error {
		if _, err := tx.UpsertCitizen(f.ctx, c); err != nil {
			return err
		}
		tk, err = f.desk.Open(f.ctx, tx, c, opd, question, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, tk
}

func (f *deskFixture) auditOf(t *testing.T, tk *sigap.Ticket) []string {
	t.Helper()
	var out []string
	f.db.View(f.ctx, func(tx sigap.Tx) error {
		log, err := tx.TicketAudit(f.ctx, tk.ID)
		for _, e := range log {
			out = append(out, string(e.Action)+" "+string(e.Actor)+" "+e.Detail)
		}
		return err
	})
	return out
}

func TestAssignGivesTicketsToColleaguesWhoMayWorkThem(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = at(2, 9, 0)
	staff := f.addStaff(t,
		sigap.Staff{Username: "pu1", Name: "Budi", Role: sigap.RoleAgent, OPD: "DPUPR"},
		sigap.Staff{Username: "pu2", Name: "Sari", Role: sigap.RoleAgent, OPD: "DPUPR", TelegramChatID: "700"},
		sigap.Staff{Username: "kes", Role: sigap.RoleAgent, OPD: "DINKES", TelegramChatID: "701"},
		sigap.Staff{Username: "old", Role: sigap.RoleAgent, OPD: "DPUPR", Disabled: true},
		sigap.Staff{Username: "boss", Name: "Kepala", Role: sigap.RoleSupervisor},
	)
	tk := f.open(t, "DPUPR")
	for _, tt := range []struct {
		name, by, to, code string
	}{
		{"to an agent of another OPD", "pu1", "kes", sigap.EINVALID},
		{"to a disabled account", "pu1", "old", sigap.EINVALID},
		{"to nobody", "pu1", " ", sigap.EINVALID},
		{"to an unknown username", "pu1", "siapa", sigap.EINVALID},
		{"by an agent of another OPD", "kes", "pu2", sigap.ENOTFOUND},
		{"to a colleague of the OPD", "pu1", "pu2", ""},
		{"to the one who has it", "pu1", "pu2", sigap.EINVALID},
		{"by a supervisor, to a supervisor", "boss", "boss", ""},
	} {
		if got := sigap.ErrorCode(f.desk.Assign(f.ctx, staff[tt.by], tk.Code, tt.to)); got != tt.code {
			t.Errorf("assign %s: code %q, want %q", tt.name, got, tt.code)
		}
	}
	if got := f.ticket(t, tk.Code).Assignee; got != "boss" {
		t.Errorf("assignee %q, want boss", got)
	}
	// Sari heard of it on Telegram, with Budi's name and the code to
	// answer by; the supervisor, unlinked, gave it to himself: no message.
	sent := f.outbox(t)["tg:700"]
	if len(sent) != 1 || !strings.Contains(sent[0].Text, tk.Code) || !strings.Contains(sent[0].Text, "Budi") {
		t.Errorf("Sari's Telegram: %+v, want one message naming %s and Budi", sent, tk.Code)
	}
	if err := f.desk.Unassign(f.ctx, staff["pu1"], tk.Code); err != nil {
		t.Fatal(err)
	}
	if got := sigap.ErrorCode(f.desk.Unassign(f.ctx, staff["pu1"], tk.Code)); got != sigap.EINVALID {
		t.Errorf("unassign an unassigned ticket: %q, want EINVALID", got)
	}
	want := []string{"open citizen:web:w1 DPUPR", "assign staff:pu1 → pu2", "assign staff:boss → boss", "unassign staff:pu1 boss"}
	if got := f.auditOf(t, tk); !slices.Equal(got, want) {
		t.Errorf("audit\n%q\nwant\n%q", got, want)
	}
}

func TestMergedTicketsAreAnsweredOnceAndReachEveryCitizen(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = at(2, 9, 0)
	agent := &sigap.Staff{Username: "bpbd", Role: sigap.RoleAgent, OPD: "DPUPR"}
	outsider := &sigap.Staff{Username: "kes", Role: sigap.RoleAgent, OPD: "DINKES"}
	_, kept := f.citizenOpens(t, "wa:62811", "DPUPR", "Pohon tumbang di jalan Sruweng")
	_, dup1 := f.citizenOpens(t, "tg:42", "DPUPR", "Ada pohon tumbang menutup jalan")
	_, dup2 := f.citizenOpens(t, "web:abc", "DPUPR", "Jalan Sruweng tertutup pohon")
	_, other := f.citizenOpens(t, "tg:43", "DINKES", "Puskesmas tutup")

	for _, tt := range []struct {
		name  string
		by    *sigap.Staff
		into  string
		codes []string
		code  string
	}{
		{"nothing to merge", agent, kept.Code, []string{" , "}, sigap.EINVALID},
		{"into itself", agent, kept.Code, []string{strings.ToLower(kept.Code)}, sigap.EINVALID},
		{"a ticket the agent cannot see", agent, kept.Code, []string{other.Code}, sigap.EINVALID},
		{"by an agent who cannot see the ticket kept", outsider, kept.Code, []string{dup1.Code}, sigap.ENOTFOUND},
		{"two duplicates in one go", agent, kept.Code, []string{dup1.Code + ", " + dup2.Code}, ""},
		{"one already merged", agent, kept.Code, []string{dup1.Code}, sigap.EINVALID},
	} {
		if got := sigap.ErrorCode(f.desk.Merge(f.ctx, tt.by, tt.into, tt.codes)); got != tt.code {
			t.Errorf("merge %s: code %q, want %q", tt.name, got, tt.code)
		}
	}
	if got := f.ticket(t, dup1.Code).MergedInto; got != kept.ID {
		t.Fatalf("%s merged into %d, want %d", dup1.Code, got, kept.ID)
	}
	// Each merged citizen was told, on their own chat.
	box := f.outbox(t)
	for _, addr := range []string{"tg:42", "web:abc"} {
		if last := box[addr][len(box[addr])-1]; !strings.HasSuffix(last.Text, " digabung") {
			t.Errorf("%s last heard %q, want the merge notice", addr, last.Text)
		}
	}
	// The lists count the three reports once.
	list, err := f.desk.Tickets(f.ctx, agent, sigap.TicketFilter{Status: "open"})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 1 || len(list.Tickets) != 1 || list.Tickets[0].Merged != 2 {
		t.Errorf("the DPUPR queue: %d of %d, the first with %d merged; want 1, merged 2", len(list.Tickets), list.Total, list.Tickets[0].Merged)
	}

	// One reply reaches all three citizens, each on their channel.
	f.now = at(2, 10, 0)
	if err := f.desk.Reply(f.ctx, agent, kept.Code, desk.Answer{Text: "Tim sudah menuju lokasi."}); err != nil {
		t.Fatal(err)
	}
	box = f.outbox(t)
	for _, addr := range []string{"wa:62811", "tg:42", "web:abc"} {
		if last := box[addr][len(box[addr])-1]; last.Text != "[Dinas PU] Tim sudah menuju lokasi." {
			t.Errorf("%s last heard %q, want the reply", addr, last.Text)
		}
	}
	// Acting on a merged ticket is refused with where to go instead.
	err = f.desk.Reply(f.ctx, agent, dup1.Code, desk.Answer{Text: "x"})
	if sigap.ErrorCode(err) != sigap.EINVALID || !strings.Contains(sigap.ErrorMessage(err), kept.Code) {
		t.Errorf("reply to a merged ticket: %v, want EINVALID naming %s", err, kept.Code)
	}
	// What the citizens see follows: answered, then resolved, each asked
	// to rate their own ticket.
	if got := f.ticket(t, dup2.Code); got.FirstResponseAt.IsZero() || got.Status != sigap.StatusOpen {
		t.Errorf("%s after the reply: %+v, want answered and open", dup2.Code, got)
	}
	f.now = at(2, 11, 0)
	if err := f.desk.Resolve(f.ctx, agent, kept.Code); err != nil {
		t.Fatal(err)
	}
	box = f.outbox(t)
	for addr, code := range map[string]string{"wa:62811": kept.Code, "tg:42": dup1.Code, "web:abc": dup2.Code} {
		if last := box[addr][len(box[addr])-1]; last.Text != code+" selesai" {
			t.Errorf("%s last heard %q, want the closing notice of %s", addr, last.Text, code)
		}
	}
	if got := f.ticket(t, dup1.Code); got.Status != sigap.StatusResolved {
		t.Errorf("%s status %s, want resolved with the ticket kept", dup1.Code, got.Status)
	}
	if got := f.auditOf(t, dup1); !slices.Contains(got, "merge staff:bpbd → "+kept.Code) {
		t.Errorf("audit of %s %q lacks the merge", dup1.Code, got)
	}
	if got := f.auditOf(t, kept); !slices.Contains(got, "merge staff:bpbd "+dup1.Code+", "+dup2.Code) {
		t.Errorf("audit of %s %q lacks the merge", kept.Code, got)
	}
}

func TestNewTicketsReachStaffWhoAskedOnTelegram(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = at(2, 9, 0)
	f.addStaff(t,
		sigap.Staff{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR", TelegramChatID: "801", TelegramTickets: true},
		sigap.Staff{Username: "pu2", Role: sigap.RoleAgent, OPD: "DPUPR", TelegramChatID: "802"}, // did not ask
		sigap.Staff{Username: "pu3", Role: sigap.RoleAgent, OPD: "DPUPR", TelegramChatID: "803", TelegramTickets: true, Disabled: true},
		sigap.Staff{Username: "kes", Role: sigap.RoleAgent, OPD: "DINKES", TelegramChatID: "804", TelegramTickets: true},
	)
	_, tk := f.citizenOpens(t, "wa:62811", "DPUPR", "Jalan berlubang di depan SD Sruweng")
	box := f.outbox(t)
	got := box["tg:801"]
	if len(got) != 1 || !strings.Contains(got[0].Text, tk.Code) || !strings.Contains(got[0].Text, "Jalan berlubang di depan SD Sruweng") ||
		!strings.Contains(got[0].Text, "/selesai") || got[0].TicketID != tk.ID {
		t.Errorf("pu1's Telegram: %+v, want the new ticket with its code, question and how to answer", got)
	}
	for _, chat := range []string{"tg:802", "tg:803", "tg:804"} {
		if len(box[chat]) != 0 {
			t.Errorf("%s heard %+v: did not ask, disabled, or another OPD", chat, box[chat])
		}
	}
	// A ticket transferred into an OPD is new to it.
	boss := &sigap.Staff{Username: "boss", Role: sigap.RoleSupervisor}
	if err := f.desk.Transfer(f.ctx, boss, tk.Code, "DINKES", "salah kamar"); err != nil {
		t.Fatal(err)
	}
	if got := f.outbox(t)["tg:804"]; len(got) != 1 || !strings.Contains(got[0].Text, tk.Code) {
		t.Errorf("DINKES heard %+v of the ticket transferred to it", got)
	}
}

func TestReplyWithAFile(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = at(2, 9, 0)
	agent := &sigap.Staff{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR"}
	tk := f.open(t, "DPUPR")
	media := &desk.Media{Ref: "/data/outbox/2026-03/ab/peta.pdf", Kind: sigap.KindDocument}
	if err := f.desk.Reply(f.ctx, agent, tk.Code, desk.Answer{Media: media}); err != nil {
		t.Fatalf("a reply of a file only: %v", err)
	}
	sent := f.outbox(t)["web:w1"]
	last := sent[len(sent)-1]
	if last.MediaRef != media.Ref || last.MediaKind != sigap.KindDocument || last.Text != "[Dinas PU]" {
		t.Errorf("outbound %+v, want the file with the OPD's name as caption", last)
	}
	v, err := f.desk.Ticket(f.ctx, agent, tk.Code)
	if err != nil {
		t.Fatal(err)
	}
	m := v.Messages[len(v.Messages)-1]
	if m.Kind != sigap.KindDocument || m.MediaRef != media.Ref || m.Author != sigap.AuthorStaff {
		t.Errorf("thread's last message %+v, want the staff's document", m)
	}
	// Facebook carries no file of Sigap's: the reply is refused, not sent
	// without what it promised.
	_, fb := f.citizenOpens(t, "fb:1234567890", "DPUPR", "jalan rusak")
	err = f.desk.Reply(f.ctx, agent, fb.Code, desk.Answer{Text: "denahnya", Media: media})
	if sigap.ErrorCode(err) != sigap.EINVALID || !strings.Contains(sigap.ErrorMessage(err), "Facebook") {
		t.Errorf("a file to a Facebook citizen: %v, want EINVALID naming Facebook", err)
	}
}

func TestTicketsComeInPages(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = at(2, 9, 0)
	for range desk.DefaultPage + 3 {
		f.now = f.now.Add(time.Minute)
		f.open(t, "DPUPR")
	}
	f.open(t, "DINKES")
	agent := &sigap.Staff{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR"}
	first, err := f.desk.Tickets(f.ctx, agent, sigap.TicketFilter{Status: "open"})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Tickets) != desk.DefaultPage || first.Total != desk.DefaultPage+3 || first.Next == nil {
		t.Fatalf("first page: %d of %d, next %v; want %d of %d and a next page", len(first.Tickets), first.Total, first.Next, desk.DefaultPage, desk.DefaultPage+3)
	}
	second, err := f.desk.Tickets(f.ctx, agent, sigap.TicketFilter{Status: "open", After: first.Next, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Tickets) != 3 || second.Next != nil {
		t.Errorf("second page: %d, next %v; want the 3 left and no next page", len(second.Tickets), second.Next)
	}
	// An agent asking for another OPD's queue gets nothing, not an error.
	other, err := f.desk.Tickets(f.ctx, agent, sigap.TicketFilter{Status: "open", OPD: "DINKES"})
	if err != nil || other.Total != 0 || len(other.Tickets) != 0 {
		t.Errorf("another OPD's queue: %+v, %v; want empty", other, err)
	}
}

func TestACitizenOfAMergedTicketResumesTheTicketKept(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = at(2, 9, 0)
	agent := &sigap.Staff{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR"}
	_, kept := f.citizenOpens(t, "wa:62811", "DPUPR", "Pohon tumbang di jalan Sruweng")
	c, dup := f.citizenOpens(t, "tg:42", "DPUPR", "Ada pohon tumbang menutup jalan")
	if err := f.desk.Merge(f.ctx, agent, kept.Code, []string{dup.Code}); err != nil {
		t.Fatal(err)
	}
	f.now = at(2, 10, 0)
	if err := f.desk.Reply(f.ctx, agent, kept.Code, desk.Answer{Text: "Mohon kirim foto lokasinya.", WaitCitizen: true}); err != nil {
		t.Fatal(err)
	}
	if got := f.ticket(t, dup.Code); got.Status != sigap.StatusPending {
		t.Fatalf("%s status %s, want pending with the ticket kept", dup.Code, got.Status)
	}
	// The merged citizen answers: the ticket kept resumes, and so does
	// theirs, which shows what the ticket kept shows.
	f.now = at(2, 11, 0)
	err := f.db.Update(f.ctx, func(tx sigap.Tx) error {
		tk, err := tx.TicketByCode(f.ctx, dup.Code)
		if err != nil {
			return err
		}
		return f.desk.CitizenWrote(f.ctx, tx, c, tk)
	})
	if err != nil {
		t.Fatal(err)
	}
	k, d := f.ticket(t, kept.Code), f.ticket(t, dup.Code)
	if k.Status != sigap.StatusOpen || d.Status != sigap.StatusOpen {
		t.Errorf("after the merged citizen's answer: %s %s, %s %s; want both open", kept.Code, k.Status, dup.Code, d.Status)
	}
	if k.PausedWork != time.Hour || d.PausedWork != k.PausedWork || !d.ResolutionDue.Equal(k.ResolutionDue) {
		t.Errorf("paused %s and %s, due %v and %v; want 1h and the same due time", k.PausedWork, d.PausedWork, k.ResolutionDue, d.ResolutionDue)
	}
}
