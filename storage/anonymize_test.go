package storage

import (
	"context"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func TestAnonymizeAfterRetention(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	cutoff := t0.Add(30 * 24 * time.Hour)
	type who struct {
		addr       string
		resolvedAt time.Time // zero: still open
		lastWrote  time.Time
	}
	people := []who{
		{"wa:6281200000001", t0.Add(time.Hour), t0},                          // old and done: anonymised
		{"tg:2002", t0.Add(time.Hour), cutoff.Add(time.Hour)},                // wrote again since
		{"tg:3003", time.Time{}, t0},                                         // ticket still open
		{"web:abc", cutoff.Add(24 * time.Hour), t0.Add(25 * 24 * time.Hour)}, // resolved after the cutoff
	}
	codes := map[string]string{}
	update(t, db, func(tx sigap.Tx) error {
		for i, p := range people {
			a, _ := sigap.ParseAddress(p.addr)
			c := &sigap.Citizen{Address: a, Name: "Warga " + p.addr, Phone: "6281200000001"}
			if _, err := tx.UpsertCitizen(ctx, c); err != nil {
				return err
			}
			tk := &sigap.Ticket{Code: "TST-" + string(rune('A'+i)), CitizenID: c.ID, OPD: "DPUPR", Status: sigap.StatusOpen,
				Subject: "jalan depan rumah no. 7 rusak", CreatedAt: t0}
			if !p.resolvedAt.IsZero() {
				tk.Status, tk.ResolvedAt = sigap.StatusResolved, p.resolvedAt
			}
			if err := tx.CreateTicket(ctx, tk); err != nil {
				return err
			}
			codes[p.addr] = tk.Code
			m := &sigap.Message{CitizenID: c.ID, TicketID: tk.ID, Channel: a.Channel, PlatformID: p.addr + "-m1",
				Author: sigap.AuthorCitizen, Kind: sigap.KindPhoto, Text: "rumah saya di RT 3", MediaRef: "media/" + a.ID + ".jpg",
				Lat: -7.6, Lon: 109.6, At: p.lastWrote}
			if _, err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
			if err := tx.AddAudit(ctx, &sigap.AuditEntry{At: t0, Actor: sigap.CitizenActor(a), TicketID: tk.ID, Action: "open"}); err != nil {
				return err
			}
		}
		return nil
	})

	var n int
	var media []string
	update(t, db, func(tx sigap.Tx) error {
		var err error
		n, media, err = tx.Anonymize(ctx, cutoff)
		return err
	})
	if n != 1 || len(media) != 1 || media[0] != "media/6281200000001.jpg" {
		t.Fatalf("anonymised %d citizens, media %v; want 1 and the old photo", n, media)
	}
	view(t, db, func(tx sigap.Tx) error {
		if _, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.WhatsApp, ID: "6281200000001"}); sigap.ErrorCode(err) != sigap.ENOTFOUND {
			t.Errorf("the anonymised citizen is still found by phone: %v", err)
		}
		tk, err := tx.TicketByCode(ctx, codes["wa:6281200000001"])
		if err != nil {
			return err
		}
		if tk.Subject != AnonymizedText || tk.OPD != "DPUPR" || tk.ResolvedAt.IsZero() {
			t.Errorf("anonymised ticket: %+v; want its subject erased and its figures kept", tk)
		}
		c, err := tx.CitizenByID(ctx, tk.CitizenID)
		if err != nil {
			return err
		}
		if c.Name != "" || c.Phone != "" {
			t.Errorf("anonymised citizen keeps name %q phone %q", c.Name, c.Phone)
		}
		msgs, err := tx.TicketMessages(ctx, tk.ID)
		if err != nil {
			return err
		}
		if m := msgs[0]; m.Text != AnonymizedText || m.MediaRef != "" || m.Lat != 0 || m.PlatformID == "wa:6281200000001-m1" {
			t.Errorf("anonymised message: %+v", m)
		}
		audit, err := tx.TicketAudit(ctx, tk.ID)
		if err != nil {
			return err
		}
		if audit[0].Actor != "citizen:anon" {
			t.Errorf("audit actor %q", audit[0].Actor)
		}
		for _, addr := range []string{"tg:2002", "tg:3003", "web:abc"} {
			a, _ := sigap.ParseAddress(addr)
			c, err := tx.CitizenByAddress(ctx, a)
			if err != nil || c.Name == "" {
				t.Errorf("%s was anonymised but should not be: %+v %v", addr, c, err)
			}
		}
		return nil
	})
	// A second run finds nothing more to do.
	update(t, db, func(tx sigap.Tx) error {
		n, _, err := tx.Anonymize(ctx, cutoff)
		if n != 0 {
			t.Errorf("second run anonymised %d", n)
		}
		return err
	})
}
