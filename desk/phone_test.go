package desk_test

import (
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
)

// A reply typed on the regency's phone joins the citizen's open ticket as
// a staff reply and its first response, once however often it is
// delivered, and sends nothing; one to someone who never wrote to Sigap
// is not recorded.
func TestPhoneReplyIsTheFirstResponse(t *testing.T) {
	f, tk := deskWithStaff(t)
	f.now = f.now.Add(90 * time.Minute)
	in := sigap.Inbound{From: f.citizen.Address, PlatformID: "3A0011", Kind: sigap.KindText,
		Text: "Baik Bapak, besok petugas kami datang.", At: f.now, FromOwnAccount: true}
	for range 2 {
		if err := f.desk.PhoneReply(f.ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	stranger := in
	stranger.From, stranger.PlatformID = sigap.Address{Channel: sigap.Web, ID: "nobody"}, "3A0012"
	if err := f.desk.PhoneReply(f.ctx, stranger); err != nil {
		t.Fatal(err)
	}

	v, err := f.desk.Ticket(f.ctx, agent, tk.Code)
	if err != nil {
		t.Fatal(err)
	}
	var replies []sigap.Message
	for _, m := range v.Messages {
		if m.Author == sigap.AuthorStaff {
			replies = append(replies, m)
		}
	}
	if len(replies) != 1 || replies[0].Text != in.Text || replies[0].Staff != desk.PhoneResponder {
		t.Errorf("staff replies on the ticket %+v, want the phone's once", replies)
	}
	if !v.Ticket.FirstResponseAt.Equal(f.now) || v.Ticket.FirstResponder != desk.PhoneResponder {
		t.Errorf("first response %v by %q, want %v from the phone", v.Ticket.FirstResponseAt, v.Ticket.FirstResponder, f.now)
	}
	last := v.Audit[len(v.Audit)-1]
	if last.Action != sigap.ActionReply || last.Actor != sigap.ActorPhone {
		t.Errorf("audit ends with %s by %s, want a reply from the phone", last.Action, last.Actor)
	}
	if n := backlog(t, f.db); n != 0 {
		t.Errorf("%d messages queued; the citizen has the phone's reply already", n)
	}
}

// A reply from the phone to a citizen whose ticket was merged into another
// is the first response of the ticket kept, which the SLA counts.
func TestPhoneReplyToAMergedTicketAnswersTheTicketKept(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = at(2, 9, 0)
	agent := &sigap.Staff{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR"}
	_, kept := f.citizenOpens(t, "tg:42", "DPUPR", "Pohon tumbang di jalan Sruweng")
	c, dup := f.citizenOpens(t, "wa:62811", "DPUPR", "Ada pohon tumbang menutup jalan")
	if err := f.desk.Merge(f.ctx, agent, kept.Code, []string{dup.Code}); err != nil {
		t.Fatal(err)
	}
	f.now = at(2, 10, 0)
	in := sigap.Inbound{From: c.Address, PlatformID: "3A0021", Kind: sigap.KindText,
		Text: "Baik Bapak, petugas kami segera ke lokasi.", At: f.now, FromOwnAccount: true}
	if err := f.desk.PhoneReply(f.ctx, in); err != nil {
		t.Fatal(err)
	}
	k := f.ticket(t, kept.Code)
	if !k.FirstResponseAt.Equal(f.now) || k.FirstResponder != desk.PhoneResponder {
		t.Errorf("ticket kept %s: first response %v by %q, want %v from the phone", kept.Code, k.FirstResponseAt, k.FirstResponder, f.now)
	}
}
