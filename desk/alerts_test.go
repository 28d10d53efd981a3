package desk_test

import (
	"context"
	"sort"
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
			due, err := tx.DueOutbound(ctx, now, 100)
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
	text := desk.ChannelTroubleText("WhatsApp", "logged_out", "perangkat dihapus dari ponsel")
	if err := d.WarnSupervisors(ctx, text, sigap.ActionChannelTrouble, "WhatsApp logged_out: perangkat dihapus"); err != nil {
		t.Fatal(err)
	}
	var to []string
	db.View(ctx, func(tx sigap.Tx) error {
		due, err := tx.DueOutbound(ctx, now, 10)
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
