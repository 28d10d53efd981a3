package desk_test

import (
	"context"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/sla"
	"github.com/pemkab-kebumen/sigap/storage"
)

// deskFixture is a desk on testKB's calendar (Mon–Fri 08:00–16:00 WIB) with
// one citizen.
type deskFixture struct {
	ctx     context.Context
	db      *storage.DB
	desk    *desk.Desk
	now     time.Time
	citizen *sigap.Citizen
}

var wib = time.FixedZone("WIB", 7*3600)

func at(day, hour, minute int) time.Time { return time.Date(2026, 3, day, hour, minute, 0, 0, wib) }

func newFixture(t *testing.T, k *sigap.KB) *deskFixture {
	t.Helper()
	f := &deskFixture{ctx: context.Background(), db: openDB(t)}
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	f.desk = desk.New(desk.Config{Store: f.db, KB: sigap.NewLiveKB(k), Calendar: cal, Now: func() time.Time { return f.now }, Texts: texts{}})
	f.citizen = &sigap.Citizen{Address: sigap.Address{Channel: sigap.Web, ID: "w1"}}
	if err := f.db.Update(f.ctx, func(tx sigap.Tx) error {
		_, err := tx.UpsertCitizen(f.ctx, f.citizen)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *deskFixture) open(t *testing.T, opd string) *sigap.Ticket {
	t.Helper()
	var tk *sigap.Ticket
	err := f.db.Update(f.ctx, func(tx sigap.Tx) error {
		var err error
		tk, err = f.desk.Open(f.ctx, tx, f.citizen, opd, "pertanyaan", "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func (f *deskFixture) ticket(t *testing.T, code string) *sigap.Ticket {
	t.Helper()
	var tk *sigap.Ticket
	if err := f.db.View(f.ctx, func(tx sigap.Tx) error {
		var err error
		tk, err = tx.TicketByCode(f.ctx, code)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestTransferUsesTheNewOPDsTargetsFromCreation(t *testing.T) {
	k := testKB()
	k.OPDs[1].SLA = sigap.SLAPolicy{FirstResponse: time.Hour} // DINKES answers within 1 h
	f := newFixture(t, k)
	f.now = at(4, 15, 0) // Wednesday 15:00
	tk := f.open(t, "DPUPR")
	// 4 h from Wed 15:00: 1 h on Wednesday, 3 h on Thursday from 08:00.
	if want := at(5, 11, 0); !tk.FirstResponseDue.Equal(want) {
		t.Errorf("DPUPR due %v, want %v", tk.FirstResponseDue, want)
	}
	// 24 h: 1 h Wed + 8 h Thu + 8 h Fri + 7 h Mon = Mon 15:00.
	if want := at(9, 15, 0); !tk.ResolutionDue.Equal(want) {
		t.Errorf("DPUPR resolution due %v, want %v", tk.ResolutionDue, want)
	}

	f.now = at(4, 15, 30)
	sup := &sigap.Staff{Username: "kepala", Role: sigap.RoleSupervisor}
	if err := f.desk.Transfer(f.ctx, sup, tk.Code, "DINKES", "salah dinas"); err != nil {
		t.Fatal(err)
	}
	// DINKES's 1 h counts from creation (Wed 15:00), not from the transfer.
	if got := f.ticket(t, tk.Code); !got.FirstResponseDue.Equal(at(4, 16, 0)) {
		t.Errorf("after transfer due %v, want Wed 16:00", got.FirstResponseDue)
	}
}

func TestWaitingForTheCitizenPausesTheResolutionClock(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = at(2, 9, 0) // Monday 09:00; resolution target 24 h → Thu 09:00
	tk := f.open(t, "DPUPR")
	if want := at(5, 9, 0); !tk.ResolutionDue.Equal(want) {
		t.Fatalf("resolution due %v, want %v", tk.ResolutionDue, want)
	}
	agent := &sigap.Staff{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR"}

	f.now = at(2, 10, 0)
	if err := f.desk.Reply(f.ctx, agent, tk.Code, desk.Answer{Text: "Mohon kirim foto lokasinya.", WaitCitizen: true}); err != nil {
		t.Fatal(err)
	}
	if got := f.ticket(t, tk.Code); got.Status != sigap.StatusPending {
		t.Fatalf("status %s after asking the citizen, want pending", got.Status)
	}

	// The citizen answers on Tuesday 11:00: paused 6 h Monday + 3 h Tuesday.
	f.now = at(3, 11, 0)
	err := f.db.Update(f.ctx, func(tx sigap.Tx) error {
		t, err := tx.TicketByCode(f.ctx, tk.Code)
		if err != nil {
			return err
		}
		return f.desk.CitizenWrote(f.ctx, tx, f.citizen, t)
	})
	if err != nil {
		t.Fatal(err)
	}
	got := f.ticket(t, tk.Code)
	if got.Status != sigap.StatusOpen || got.PausedWork != 9*time.Hour {
		t.Errorf("after the citizen's answer: status %s, paused %s; want open, 9h", got.Status, got.PausedWork)
	}
	// Thu 09:00 plus 9 working hours: 7 h Thursday, 2 h Friday → Fri 10:00.
	if want := at(6, 10, 0); !got.ResolutionDue.Equal(want) {
		t.Errorf("resolution due %v, want %v", got.ResolutionDue, want)
	}

	// Resolving on Wednesday 12:00: 19 working hours since creation (7 h
	// Monday, 8 h Tuesday, 4 h Wednesday), 9 of them paused, so 10 count.
	f.now = at(4, 12, 0)
	if err := f.desk.Resolve(f.ctx, agent, tk.Code); err != nil {
		t.Fatal(err)
	}
	got = f.ticket(t, tk.Code)
	cal, _ := sla.NewCalendar(testKB().Calendar)
	if d := sla.ResolutionTime(cal, got.CreatedAt, got.ResolvedAt, got.PausedWork); d != 10*time.Hour {
		t.Errorf("resolution time %s, want 10h", d)
	}
}

func TestStaffActionsRefuseWhatMakesNoSense(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = at(2, 9, 0)
	tk := f.open(t, "DPUPR")
	agent := &sigap.Staff{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR"}
	long := make([]byte, desk.MaxStaffText+1)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		name string
		do   func() error
		code string
	}{
		{"empty reply", func() error { return f.desk.Reply(f.ctx, agent, tk.Code, desk.Answer{Text: "  "}) }, sigap.EINVALID},
		{"too long note", func() error { return f.desk.Note(f.ctx, agent, tk.Code, string(long)) }, sigap.EINVALID},
		{"unknown ticket", func() error { return f.desk.Claim(f.ctx, agent, "TST-ZZZZZ") }, sigap.ENOTFOUND},
		{"transfer to the same OPD", func() error { return f.desk.Transfer(f.ctx, agent, tk.Code, "DPUPR", "") }, sigap.EINVALID},
		{"reopen an open ticket", func() error { return f.desk.Reopen(f.ctx, agent, tk.Code) }, sigap.EINVALID},
	}
	for _, tt := range tests {
		if got := sigap.ErrorCode(tt.do()); got != tt.code {
			t.Errorf("%s: code %q, want %q", tt.name, got, tt.code)
		}
	}
	if err := f.desk.Resolve(f.ctx, agent, tk.Code); err != nil {
		t.Fatal(err)
	}
	if got := sigap.ErrorCode(f.desk.Reply(f.ctx, agent, tk.Code, desk.Answer{Text: "tambahan"})); got != sigap.EINVALID {
		t.Errorf("reply to a resolved ticket: %q, want EINVALID", got)
	}
	if err := f.desk.Reopen(f.ctx, agent, tk.Code); err != nil {
		t.Errorf("reopen a resolved ticket: %v", err)
	}
	var audit []sigap.AuditEntry
	f.db.View(f.ctx, func(tx sigap.Tx) error {
		var err error
		audit, err = tx.TicketAudit(f.ctx, tk.ID)
		return err
	})
	var actions []sigap.AuditAction
	for _, e := range audit {
		actions = append(actions, e.Action)
	}
	if len(actions) != 3 || actions[0] != "open" || actions[1] != "resolve" || actions[2] != "reopen" {
		t.Errorf("audit %v, want [open resolve reopen] (refused actions leave no trace)", actions)
	}
}

// TestCommittedChangesReachWatchersAndWakeTheOutbox: a change is heard of
// once committed, and a refused one is not heard of at all.
func TestCommittedChangesReachWatchersAndWakeTheOutbox(t *testing.T) {
	f := newFixture(t, testKB())
	f.now = at(4, 9, 0)
	changes, stop := f.desk.Watch()
	defer stop()
	tk := f.open(t, "DPUPR")
	if got := (<-changes).Ticket; got.Code != tk.Code || got.Status != sigap.StatusOpen {
		t.Errorf("watcher heard %s %s, want the opened %s", got.Code, got.Status, tk.Code)
	}
	agent := &sigap.Staff{Username: "sari", Role: sigap.RoleAgent, OPD: "DPUPR"}
	drain := func() bool {
		select {
		case <-f.desk.Enqueued():
			return true
		default:
			return false
		}
	}
	drain()
	if err := f.desk.Reply(f.ctx, agent, tk.Code, desk.Answer{Text: "Baik, kami cek."}); err != nil {
		t.Fatal(err)
	}
	if !drain() {
		t.Error("a committed reply did not wake the outbox")
	}
	if got := (<-changes).Ticket; got.Code != tk.Code || got.FirstResponder != "sari" {
		t.Errorf("watcher heard %+v, want the replied ticket", got)
	}
	outsider := &sigap.Staff{Username: "budi", Role: sigap.RoleAgent, OPD: "DINKES"}
	if err := f.desk.Reply(f.ctx, outsider, tk.Code, desk.Answer{Text: "Bukan urusan saya."}); err == nil {
		t.Fatal("an agent of another OPD replied")
	}
	select {
	case got := <-changes:
		t.Errorf("a refused reply was heard of: %+v", got)
	default:
	}
	if drain() {
		t.Error("a refused reply woke the outbox")
	}
}
