package storage

import (
	"context"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func TestAudit(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	tk := addTicket(t, db, c.ID, "KBM-AAAAA", "DPUPR", t0)
	other := addTicket(t, db, c.ID, "KBM-BBBBB", "DPUPR", t0)
	entries := []*sigap.AuditEntry{
		{Actor: "citizen:tg:1001", TicketID: tk.ID, Action: "open", Detail: "DPUPR"},
		{Actor: "staff:sari", TicketID: other.ID, Action: "claim"},
		{Actor: "staff:sari", TicketID: tk.ID, Action: "transfer", Detail: "DPUPR -> DINKES", At: t0.Add(time.Hour)},
		{Actor: "staff:admin", Action: "create_staff", Detail: "sari"},
	}
	update(t, db, func(tx sigap.Tx) error {
		for _, e := range entries {
			if err := tx.AddAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx sigap.Tx) error {
		log, err := tx.TicketAudit(ctx, tk.ID)
		if err != nil {
			return err
		}
		want := []sigap.AuditEntry{*entries[0], *entries[2]}
		want[0].At, want[1].At = t0.UTC(), t0.Add(time.Hour).UTC()
		if !equal(log, want) {
			t.Errorf("audit of ticket %d\n%+v\nwant\n%+v", tk.ID, log, want)
		}
		return nil
	})
}

func TestFAQAnswers(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	ig := addCitizen(t, db, "ig:17841400000000001")
	april := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	answers := []*sigap.FAQAnswer{
		{CitizenID: ig.ID, FAQ: "bpjs-daftar", OPD: "DINKES", At: april.Add(3 * time.Hour)},
		{CitizenID: c.ID, FAQ: "ktp-syarat", OPD: "DISDUKCAPIL", At: april.Add(-time.Second)},
		{CitizenID: c.ID, FAQ: "ktp-syarat", OPD: "DISDUKCAPIL", At: april},
		{CitizenID: c.ID, FAQ: "ktp-syarat", OPD: "DISDUKCAPIL", At: april.Add(time.Hour)},
		{CitizenID: c.ID, FAQ: "bpjs-daftar", OPD: "DINKES", At: april.Add(2 * time.Hour)},
		{CitizenID: c.ID, FAQ: "bpjs-daftar", OPD: "DINKES", At: april.AddDate(0, 1, 0)},
	}
	update(t, db, func(tx sigap.Tx) error {
		for _, a := range answers {
			if err := tx.AddFAQAnswer(ctx, a); err != nil {
				return err
			}
		}
		return tx.SetFAQHelpful(ctx, answers[2].ID, 2)
	})
	view(t, db, func(tx sigap.Tx) error {
		counts, err := tx.FAQAnswerCounts(ctx, april, april.AddDate(0, 1, 0))
		if err != nil {
			return err
		}
		// The answer the citizen took to an officer ("2") counts as the
		// ticket it opened, not as an FAQ answer as well.
		if len(counts) != 2 || counts["ktp-syarat"] != 1 || counts["bpjs-daftar"] != 2 {
			t.Errorf("April counts %v, want ktp-syarat 1 (the other was taken to an officer) and bpjs-daftar 2", counts)
		}
		byChannel, err := tx.FAQAnswersByChannel(ctx, april, april.AddDate(0, 1, 0))
		if err != nil {
			return err
		}
		if len(byChannel) != 2 || byChannel[sigap.Telegram] != 2 || byChannel[sigap.Instagram] != 1 {
			t.Errorf("April by channel %v, want tg 2 (one was taken to an officer) and ig 1", byChannel)
		}
		return nil
	})
	var helpful int
	if err := db.reader.QueryRow(rebind("SELECT helpful FROM faq_answers WHERE id = ?1"), answers[2].ID).Scan(&helpful); err != nil {
		t.Fatal(err)
	}
	if helpful != 2 {
		t.Errorf("helpful = %d, want 2", helpful)
	}

	for name, tt := range map[string]struct {
		id      int64
		helpful int
		code    string
	}{
		"missing answer":  {999, 1, sigap.ENOTFOUND},
		"unknown verdict": {answers[0].ID, 3, sigap.EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, db.Update(ctx, func(tx sigap.Tx) error { return tx.SetFAQHelpful(ctx, tt.id, tt.helpful) }), tt.code)
		})
	}
}

func TestExamples(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	add := []sigap.Example{
		{Text: "lampu jalan mati", OPD: "DISHUB"},
		{Text: "anak belum imunisasi", OPD: "DINKES"},
		{Text: "lampu jalan mati", OPD: "DISHUB"},
		{Text: "lampu jalan mati", OPD: "DPUPR"},
	}
	update(t, db, func(tx sigap.Tx) error {
		for _, e := range add {
			if err := tx.AddExample(ctx, e, t0); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx sigap.Tx) error {
		got, err := tx.Examples(ctx)
		if err != nil {
			return err
		}
		want := []sigap.Example{add[0], add[1], add[3]}
		if !equal(got, want) {
			t.Errorf("examples %+v, want %+v (a repeated pair once)", got, want)
		}
		return nil
	})
}

func TestStaff(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	sari := &sigap.Staff{Username: "sari", Name: "Sari Wulandari", Role: sigap.RoleAgent, OPD: "DPUPR", PasswordHash: "$2a$10$x"}
	admin := &sigap.Staff{Username: "admin", Name: "Admin Diskominfo", Role: sigap.RoleAdmin, CreatedAt: t0.Add(-time.Hour)}
	update(t, db, func(tx sigap.Tx) error {
		if err := tx.CreateStaff(ctx, sari); err != nil {
			return err
		}
		return tx.CreateStaff(ctx, admin)
	})
	if !sari.CreatedAt.Equal(t0) || !admin.CreatedAt.Equal(t0.Add(-time.Hour)) {
		t.Errorf("created at %v and %v, want the clock's and the given time", sari.CreatedAt, admin.CreatedAt)
	}

	sari.Disabled, sari.TelegramChatID, sari.LinkCode, sari.OPD = true, "777", "LINK42", "DINKES"
	update(t, db, func(tx sigap.Tx) error { return tx.UpdateStaff(ctx, sari) })

	view(t, db, func(tx sigap.Tx) error {
		byName, err := tx.StaffByUsername(ctx, "SARI")
		if err != nil {
			return err
		}
		byID, err := tx.StaffByID(ctx, sari.ID)
		if err != nil {
			return err
		}
		if *byName != *sari || *byID != *sari {
			t.Errorf("stored %+v and %+v, want %+v", byName, byID, sari)
		}
		list, err := tx.ListStaff(ctx)
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].Username != "admin" || list[1].Username != "sari" {
			t.Errorf("staff list %+v, want admin then sari", list)
		}
		return nil
	})

	tests := []struct {
		name string
		fn   func(tx sigap.Tx) error
		code string
	}{
		{"username used", func(tx sigap.Tx) error {
			return tx.CreateStaff(ctx, &sigap.Staff{Username: "Sari", Role: sigap.RoleAgent})
		}, sigap.ECONFLICT},
		{"rename to a used username", func(tx sigap.Tx) error {
			s := *admin
			s.Username = "sari"
			return tx.UpdateStaff(ctx, &s)
		}, sigap.ECONFLICT},
		{"update of missing staff", func(tx sigap.Tx) error {
			return tx.UpdateStaff(ctx, &sigap.Staff{ID: 999, Username: "x", Role: sigap.RoleAgent})
		}, sigap.ENOTFOUND},
		{"missing username", func(tx sigap.Tx) error { _, err := tx.StaffByUsername(ctx, "budi"); return err }, sigap.ENOTFOUND},
		{"missing id", func(tx sigap.Tx) error { _, err := tx.StaffByID(ctx, 999); return err }, sigap.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, db.Update(ctx, tt.fn), tt.code)
		})
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	s := &sigap.Staff{Username: "sari", Role: sigap.RoleAgent, OPD: "DPUPR"}
	update(t, db, func(tx sigap.Tx) error { return tx.CreateStaff(ctx, s) })
	sess := &sigap.Session{TokenHash: "ab12", StaffID: s.ID, CSRF: "csrf1", ExpiresAt: t0.Add(12 * time.Hour).UTC()}
	update(t, db, func(tx sigap.Tx) error { return tx.CreateSession(ctx, sess) })

	view(t, db, func(tx sigap.Tx) error {
		got, err := tx.SessionByToken(ctx, "ab12")
		if err != nil {
			return err
		}
		if *got != *sess || !got.CreatedAt.Equal(t0) {
			t.Errorf("session %+v, want %+v created at %v", got, sess, t0)
		}
		return nil
	})
	wantCode(t, db.Update(ctx, func(tx sigap.Tx) error { return tx.CreateSession(ctx, sess) }), sigap.ECONFLICT)
	for i := range 2 { // signing out twice is harmless
		update(t, db, func(tx sigap.Tx) error { return tx.DeleteSession(ctx, "ab12") })
		view(t, db, func(tx sigap.Tx) error {
			_, err := tx.SessionByToken(ctx, "ab12")
			if sigap.ErrorCode(err) != sigap.ENOTFOUND {
				t.Errorf("after sign-out %d: %v, want not found", i+1, err)
			}
			return nil
		})
	}
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	view(t, db, func(tx sigap.Tx) error {
		_, err := tx.Setting(ctx, "kb")
		wantCode(t, err, sigap.ENOTFOUND)
		return nil
	})
	for i, v := range []string{"prefix: KBM\n", "prefix: SGP\n"} {
		at := t0.Add(time.Duration(i) * time.Hour)
		update(t, db, func(tx sigap.Tx) error { return tx.PutSetting(ctx, &sigap.Setting{Key: "kb", Value: v, At: at}) })
		view(t, db, func(tx sigap.Tx) error {
			got, err := tx.Setting(ctx, "kb")
			if err == nil && (got.Value != v || !got.At.Equal(at)) {
				t.Errorf("setting kb = %q at %s, want %q at %s", got.Value, got.At, v, at)
			}
			return err
		})
	}
}
