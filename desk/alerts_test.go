package desk_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/sla"
)

type texts struct{}

func (texts) StaffReply(opd, text string) string                 { return "[" + opd + "] " + text }
func (texts) Transferred(code, opd string, due time.Time) string { return code + " → " + opd }
func (texts) Resolved(code, opd string) string                   { return code + " selesai" }
func (texts) Merged(code, opd string) string                     { return code + " digabung" }

func testKB() *sigap.KB {
	day := []sigap.Span{{Start: 8 * 60, End: 16 * 60}}
	return &sigap.KB{
		Prefix: "TST", TriageOPD: "DISKOMINFO",
		Calendar: sigap.CalendarSpec{Timezone: "Asia/Jakarta", Hours: map[time.Weekday][]sigap.Span{
			time.Monday: day, time.Tuesday: day, time.Wednesday: day, time.Thursday: day, time.Friday: day}},
		SLA: sigap.SLAPolicy{FirstResponse: 4 * time.Hour, Resolution: 24 * time.Hour},
		OPDs: []sigap.OPD{
			{Code: "DPUPR", Name: "Dinas PU"},
			{Code: "DINKES", Name: "Dinas Kesehatan"},
			{Code: "DISKOMINFO", Name: "Diskominfo"},
		},
	}
}

func TestAlertsWarnStaffThenSupervisorsOnce(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	wib := time.FixedZone("WIB", 7*3600)
	created := time.Date(2026, 3, 4, 8, 0, 0, 0, wib) // a Wednesday
	now := created
	k := testKB()
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	d := desk.New(desk.Config{Store: db, KB: sigap.NewLiveKB(k), Calendar: cal, Now: func() time.Time { return now }, Texts: texts{}})

	err = db.Update(ctx, func(tx sigap.Tx) error {
		for _, s := range []sigap.Staff{
			{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR", TelegramChatID: "100"},
			{Username: "pu2", Role: sigap.RoleAgent, OPD: "DPUPR"}, // not linked
			{Username: "dinkes", Role: sigap.RoleAgent, OPD: "DINKES", TelegramChatID: "200"},
			{Username: "boss", Role: sigap.RoleSupervisor, TelegramChatID: "300"},
		} {
			if err := tx.CreateStaff(ctx, &s); err != nil {
				return err
			}
		}
		c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: "9"}}
		if _, err := tx.UpsertCitizen(ctx, c); err != nil {
			return err
		}
		_, err := d.Open(ctx, tx, c, "DPUPR", "jalan rusak", "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		at     time.Duration
		raised int
		to     []string
	}{
		{2*time.Hour + 59*time.Minute, 0, nil},           // under 75% of 4 h
		{3 * time.Hour, 1, []string{"tg:100"}},           // 75%: the OPD's linked staff
		{3*time.Hour + 30*time.Minute, 0, nil},           // once only
		{4 * time.Hour, 1, []string{"tg:100", "tg:300"}}, // breach: staff and supervisor
		{5 * time.Hour, 0, nil},
	}
	for _, s := range steps {
		now = created.Add(s.at)
		n, err := d.Alerts(ctx, 0.75)
		if err != nil {
			t.Fatal(err)
		}
		if n != s.raised {
			t.Errorf("at +%s raised %d alerts, want %d", s.at, n, s.raised)
		}
		var to []string
		err = db.Update(ctx, func(tx sigap.Tx) error {
			due, err := tx.DueOutbound(ctx, now, 100, nil)
			for _, m := range due {
				to = append(to, m.To.String())
				if err := tx.MarkSent(ctx, m.ID, now); err != nil {
					return err
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(to)
		if len(to) != len(s.to) || (len(to) > 0 && to[0] != s.to[0]) || (len(to) > 1 && to[1] != s.to[1]) {
			t.Errorf("at +%s alerts went to %v, want %v", s.at, to, s.to)
		}
	}
}

func TestWarnSupervisorsReachesLinkedSupervisorsOnly(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	k := testKB()
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)
	d := desk.New(desk.Config{Store: db, KB: sigap.NewLiveKB(k), Calendar: cal, Now: func() time.Time { return now }, Texts: texts{}})
	err = db.Update(ctx, func(tx sigap.Tx) error {
		for _, s := range []sigap.Staff{
			{Username: "agent", Role: sigap.RoleAgent, OPD: "DPUPR", TelegramChatID: "100"},
			{Username: "boss", Role: sigap.RoleSupervisor, TelegramChatID: "300"},
			{Username: "admin", Role: sigap.RoleAdmin, TelegramChatID: "400"},
			{Username: "away", Role: sigap.RoleSupervisor, TelegramChatID: "500", Disabled: true},
			{Username: "unlinked", Role: sigap.RoleSupervisor},
		} {
			if err := tx.CreateStaff(ctx, &s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	text := "⚠️ Kanal WhatsApp Sigap tidak tersambung."
	if err := d.WarnSupervisors(ctx, text, sigap.ActionChannelTrouble, "WhatsApp logged_out: perangkat dihapus"); err != nil {
		t.Fatal(err)
	}
	var to []string
	db.View(ctx, func(tx sigap.Tx) error {
		due, err := tx.DueOutbound(ctx, now, 10, nil)
		for _, m := range due {
			to = append(to, m.To.String())
			if m.Text != text {
				t.Errorf("text %q", m.Text)
			}
		}
		return err
	})
	sort.Strings(to)
	if len(to) != 2 || to[0] != "tg:300" || to[1] != "tg:400" {
		t.Errorf("warned %v, want [tg:300 tg:400]", to)
	}
}

// A flood of tickets raises its alerts as a handful of messages, one per
// staff member and pass, and a citizen's reply enqueued after them still
// goes out first.
func TestAlertsFloodQueuesAHandfulAndCitizensGoFirst(t *testing.T) {
	f := newFixture(t, testKB())
	created := at(4, 8, 0) // a Wednesday
	f.now = created
	err := f.db.Update(f.ctx, func(tx sigap.Tx) error {
		for _, s := range []sigap.Staff{
			{Username: "pu1", Role: sigap.RoleAgent, OPD: "DPUPR", TelegramChatID: "100"},
			{Username: "pu2", Role: sigap.RoleAgent, OPD: "DPUPR", TelegramChatID: "101"},
			{Username: "dinkes", Role: sigap.RoleAgent, OPD: "DINKES", TelegramChatID: "200"},
			{Username: "boss", Role: sigap.RoleSupervisor, TelegramChatID: "300"},
		} {
			if err := tx.CreateStaff(f.ctx, &s); err != nil {
				return err
			}
		}
		for range 5000 {
			if _, err := f.desk.Open(f.ctx, tx, f.citizen, "DPUPR", "spam", ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		at   time.Duration
		want map[string]string // chat → what its digest says
	}{
		{3*time.Hour + 30*time.Minute, map[string]string{"tg:100": "5000 tiket mendekati batas", "tg:101": "5000 tiket mendekati batas"}},
		{4*time.Hour + 30*time.Minute, map[string]string{"tg:100": "5000 tiket melewati batas", "tg:101": "5000 tiket melewati batas", "tg:300": "5000 tiket melewati batas"}},
	} {
		f.now = created.Add(step.at)
		n, err := f.desk.Alerts(f.ctx, 0.75)
		if err != nil {
			t.Fatal(err)
		}
		notices := staffNotices(t, f.db, f.now)
		if n != 5000 || len(notices) != len(step.want) {
			t.Fatalf("at +%s raised %d alerts as %v, want 5000 as one digest each to %v", step.at, n, notices, step.want)
		}
		for chat, want := range step.want {
			if got := notices[chat]; len(got) != 1 || !strings.Contains(got[0], want) || !strings.Contains(got[0], "dan 4990 lainnya") {
				t.Errorf("at +%s %s got %q, want one digest saying %q and listing 10 codes", step.at, chat, got, want)
			}
		}
		// A reply to a citizen, enqueued after the digests, goes first.
		err = f.db.Update(f.ctx, func(tx sigap.Tx) error {
			return f.desk.Say(f.ctx, tx, f.citizen, 0, sigap.AuthorBot, "", "balasan untuk warga")
		})
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		sendAll(t, f, &order)
		if len(order) != len(step.want)+1 || order[0] != f.citizen.Address.String() {
			t.Errorf("at +%s sent to %v, want the citizen first, then the digests", step.at, order)
		}
	}
}

// sendAll delivers what waits, one chat at a time, noting the order of
// the chats in order when it is not nil.
func sendAll(t *testing.T, f *deskFixture, order *[]string) {
	t.Helper()
	rec := senderFunc(func(_ context.Context, m sigap.Outbound) error {
		if order != nil {
			*order = append(*order, m.To.String())
		}
		return nil
	})
	ob := &desk.Outbox{Store: f.db, Now: func() time.Time { return f.now }, Parallel: 1,
		Senders: map[sigap.Channel]sigap.Sender{sigap.Telegram: rec, sigap.Web: rec}}
	if _, err := ob.Drain(f.ctx); err != nil {
		t.Fatal(err)
	}
}

// Supervisors hear once that a channel has been down for five minutes,
// and once that it is back, also across a restart in between.
func TestWatchChannelsWarnsOncePerOutage(t *testing.T) {
	f, _ := deskWithStaff(t)
	start := f.now
	state := func(ch sigap.Channel, s string, since time.Duration) sigap.ChannelState {
		return sigap.ChannelState{Channel: ch, State: s, Since: start.Add(since)}
	}
	tgUp := state(sigap.Telegram, sigap.StateConnected, 0)
	off := state(sigap.Web, sigap.StateDisabled, 0)
	steps := []struct {
		name    string
		at      time.Duration
		wa      sigap.ChannelState
		restart bool
		want    string // what supervisors are told, "" for nothing
	}{
		{"a short outage", 4 * time.Minute, state(sigap.WhatsApp, "reconnecting", 0), false, ""},
		{"five minutes down", 5 * time.Minute, state(sigap.WhatsApp, "reconnecting", 0), false, "tidak tersambung sejak"},
		{"still down, in another state", 9 * time.Minute, state(sigap.WhatsApp, "disconnected", 8*time.Minute), false, ""},
		{"down after a restart", 20 * time.Minute, state(sigap.WhatsApp, "connecting", 10*time.Minute), true, ""},
		{"back", 21 * time.Minute, state(sigap.WhatsApp, sigap.StateConnected, 21*time.Minute), false, "tersambung kembali"},
		{"still up", 30 * time.Minute, state(sigap.WhatsApp, sigap.StateConnected, 21*time.Minute), false, ""},
	}
	d := f.desk
	for _, s := range steps {
		f.now = start.Add(s.at)
		if s.restart {
			cal, err := sla.NewCalendar(testKB().Calendar)
			if err != nil {
				t.Fatal(err)
			}
			d = desk.New(desk.Config{Store: f.db, KB: sigap.NewLiveKB(testKB()), Calendar: cal, Now: func() time.Time { return f.now }, Texts: texts{}})
		}
		n, err := d.WatchChannels(f.ctx, []sigap.ChannelState{tgUp, s.wa, off})
		if err != nil {
			t.Fatal(err)
		}
		notices := staffNotices(t, f.db, f.now)
		switch {
		case s.want == "" && (n != 0 || len(notices) != 0):
			t.Errorf("%s: warned %d times: %v, want nothing", s.name, n, notices)
		case s.want != "" && (n != 1 || len(notices) != 1 || len(notices["tg:300"]) != 1 || !strings.Contains(notices["tg:300"][0], s.want) || !strings.Contains(notices["tg:300"][0], "WhatsApp")):
			t.Errorf("%s: warned %d times: %v, want the supervisor alone told of WhatsApp %q", s.name, n, notices, s.want)
		}
		sendAll(t, f, nil)
	}
}

func TestChannelDown(t *testing.T) {
	now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		state string
		since time.Duration
		want  bool
	}{
		{sigap.StateConnected, time.Hour, false},
		{sigap.StateDisabled, time.Hour, false},
		{"logged_out", desk.ChannelDownAfter, true},
		{"error", desk.ChannelDownAfter - time.Second, false},
	} {
		s := sigap.ChannelState{Channel: sigap.WhatsApp, State: tt.state, Since: now.Add(-tt.since)}
		if got := desk.ChannelDown(s, now); got != tt.want {
			t.Errorf("ChannelDown(%s for %s) = %v, want %v", tt.state, tt.since, got, tt.want)
		}
	}
}
