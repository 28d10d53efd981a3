package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"

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

// person is a WhatsApp citizen whose data is spread over every table that
// can hold it; marks are strings only that citizen's data contains.
type person struct {
	phone, lid, name, street string
}

func (p person) marks() []string {
	return []string{p.phone[2:], p.lid, p.name, p.street}
}

// spread stores p's data the way serve leaves it: a ticket resolved at
// resolved with its thread, a transfer whose reason names the citizen,
// learnt examples, feedback on FAQ answers, audit entries, outbox
// messages sent and unsent, and whatsmeow's session rows for the number.
func (p person) spread(t *testing.T, db *DB, code string, resolved time.Time) {
	t.Helper()
	ctx := context.Background()
	text := "jalan di gang " + p.street + " rusak, rumah " + p.name
	update(t, db, func(tx sigap.Tx) error {
		c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.WhatsApp, ID: p.phone}, Name: p.name, Phone: p.phone}
		if _, err := tx.UpsertCitizen(ctx, c); err != nil {
			return err
		}
		// An earlier question replaced by a later one, as the conversation
		// does: the first text is left in the page's free space.
		for _, q := range []string{"dulu: " + text, "sekarang: " + text} {
			if err := tx.SetAwaiting(ctx, c.ID, sigap.Awaiting{Kind: sigap.AwaitFAQFeedback, Ref: "x", Text: q}); err != nil {
				return err
			}
		}
		tk := &sigap.Ticket{Code: code, CitizenID: c.ID, OPD: "DPUPR", Status: sigap.StatusResolved, Subject: text,
			CreatedAt: resolved.Add(-time.Hour), ResolvedAt: resolved}
		if err := tx.CreateTicket(ctx, tk); err != nil {
			return err
		}
		thread := []sigap.Message{
			{Author: sigap.AuthorCitizen, Kind: sigap.KindText, Text: text, PlatformID: "3EB0" + p.phone},
			{Author: sigap.AuthorCitizen, Kind: sigap.KindPhoto, MediaRef: "media/whatsapp/2024-01/" + p.phone + ".jpg", PlatformID: "3EB1" + p.phone},
			{Author: sigap.AuthorCitizen, Kind: sigap.KindLocation, Text: "Gang " + p.street, Lat: -7.67, Lon: 109.65, PlatformID: "3EB2" + p.phone},
			{Author: sigap.AuthorBot, Kind: sigap.KindText, Text: "Tiket " + p.street + " tidak ditemukan."},
			{Author: sigap.AuthorStaff, Staff: "sari", Kind: sigap.KindText, Text: "Baik Bapak/Ibu " + p.name + ", kami cek."},
			{Author: sigap.AuthorNote, Staff: "sari", Kind: sigap.KindText, Text: "telepon " + p.phone},
		}
		for i := range thread {
			m := &thread[i]
			m.CitizenID, m.TicketID, m.Channel, m.At = c.ID, tk.ID, sigap.WhatsApp, resolved.Add(-time.Hour)
			if _, err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
		}
		if err := tx.AddExample(ctx, sigap.Example{Text: text, OPD: "DPUPR", TicketID: tk.ID}, resolved); err != nil {
			return err
		}
		// Learnt before examples named their ticket.
		if err := tx.AddExample(ctx, sigap.Example{Text: "Gang " + p.street + "\n" + text, OPD: "DISHUB"}, resolved); err != nil {
			return err
		}
		// Their feedback on FAQ answers: a candidate paraphrase, a negative.
		if err := tx.AddParaphrase(ctx, &sigap.Paraphrase{FAQ: "jalan-rusak", Text: "lapor " + text, CitizenID: c.ID, At: resolved}); err != nil {
			return err
		}
		if err := tx.AddNegative(ctx, &sigap.Negative{FAQ: "jalan-rusak", Text: "bukan itu, " + text, CitizenID: c.ID, At: resolved}); err != nil {
			return err
		}
		local := "0" + p.phone[2:]
		for _, e := range []sigap.AuditEntry{
			{Actor: sigap.CitizenActor(c.Address), TicketID: tk.ID, Action: sigap.ActionOpen},
			{Actor: sigap.StaffActor("sari"), TicketID: tk.ID, Action: sigap.ActionTransfer, Detail: "DINKES → DPUPR: Ibu " + p.name + " minta ditelepon di " + local},
			{Actor: sigap.ActorSystem, Action: sigap.ActionChannelTrouble, Detail: "wa: gagal kirim ke " + p.phone},
		} {
			e.At = resolved
			if err := tx.AddAudit(ctx, &e); err != nil {
				return err
			}
		}
		aside := &sigap.SetAsideUpdate{Channel: sigap.WhatsApp, UpdateID: "u-" + p.phone, Reason: "tidak terbaca",
			Raw: `{"from":"` + p.phone + `","text":"` + text + `"}`, At: resolved}
		if err := tx.AddSetAside(ctx, aside); err != nil {
			return err
		}
		held := &sigap.HeldMessage{From: c.Address, Name: p.name, PlatformID: "held-" + p.phone, Text: "tolong " + p.street, Reason: "flood", At: resolved}
		if _, err := tx.HoldMessage(ctx, held); err != nil {
			return err
		}
		for _, o := range []sigap.Outbound{
			{To: c.Address, TicketID: tk.ID, Text: "Tiket " + code + " selesai, " + p.name},
			{To: c.Address, Text: "pesan yang tidak pernah terkirim untuk " + p.name},
			{To: sigap.Address{Channel: sigap.Telegram, ID: "777"}, TicketID: tk.ID, Text: "Peringatan: " + text},
		} {
			o.Created = resolved
			if err := tx.Enqueue(ctx, &o); err != nil {
				return err
			}
		}
		return nil
	})
	p.spreadWhatsmeow(t, db, resolved)
}

// spreadWhatsmeow writes what whatsmeow keeps of p through whatsmeow's own
// store, in the tables it creates in Sigap's database.
func (p person) spreadWhatsmeow(t *testing.T, db *DB, at time.Time) {
	t.Helper()
	ctx := context.Background()
	handle, dialect := db.SharedSQL()
	container := sqlstore.NewWithDB(handle, dialect, waLog.Noop)
	if err := container.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	device, err := container.GetFirstDevice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if device.ID == nil {
		id := types.NewADJID("6287700000001", 0, 12)
		device.ID = &id
		device.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64),
			AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
		if err := container.PutDevice(ctx, device); err != nil {
			t.Fatal(err)
		}
	}
	pn, lid := types.NewJID(p.phone, types.DefaultUserServer), types.NewJID(p.lid, types.HiddenUserServer)
	steps := []func() error{
		func() error { return device.Contacts.PutContactName(ctx, pn, p.name+" Kebumen", p.name) },
		func() error { _, _, err := device.Contacts.PutPushName(ctx, lid, p.name); return err },
		func() error { return device.LIDs.PutLIDMapping(ctx, lid, pn) },
		func() error {
			return device.Sessions.PutSession(ctx, pn.SignalAddress().String(), []byte("session "+p.phone))
		},
		func() error {
			return device.Sessions.PutSession(ctx, lid.SignalAddress().String(), []byte("session "+p.lid))
		},
		func() error { return device.Identities.PutIdentity(ctx, pn.SignalAddress().String(), [32]byte{1}) },
		func() error { return device.ChatSettings.PutMutedUntil(ctx, pn, at.Add(time.Hour)) },
		func() error {
			return device.PrivacyTokens.PutPrivacyTokens(ctx, store.PrivacyToken{User: lid, Token: []byte("token"), Timestamp: at})
		},
		func() error { return device.MsgSecrets.PutMessageSecret(ctx, pn, pn, "3EB9"+p.phone, []byte("secret")) },
		func() error {
			return device.EventBuffer.AddOutgoingEvent(ctx, pn, "3EBA"+p.phone, "proto", []byte("balasan "+p.street))
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	// A decrypted message whatsmeow buffered when it arrived, a year ago.
	hash := sha256.Sum256([]byte("ciphertext " + p.phone))
	_, err = handle.Exec(rebind(`INSERT INTO whatsmeow_event_buffer (our_jid, ciphertext_hash, plaintext, server_timestamp, insert_timestamp)
		VALUES (?, ?, ?, ?, ?)`), device.ID.String(), hash[:], []byte("pesan "+p.street), at.Unix(), at.UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
}

// TestAnonymizeLeavesNothingInTheFile anonymises a citizen whose data is
// in every table that can hold it, then reads the database's files byte by
// byte while the database is open, as under serve: nothing of theirs is
// left, in a table, a free page or the WAL, while a citizen still within
// the retention period is all there (on PostgreSQL: in its tables' rows).
// The data was written without
// secure_delete, as by the Sigap before it, so what a change replaced is
// still in free space when anonymize runs.
func TestAnonymizeLeavesNothingInTheFile(t *testing.T) {
	ctx := context.Background()
	db := openAloneTest(t) // it keeps whatsmeow's tables
	cutoff := t0.Add(-30 * 24 * time.Hour)
	gone := person{phone: "6281398765432", lid: "214748364799", name: "Larasati", street: "Kenanga"}
	kept := person{phone: "6285700001111", lid: "981234567001", name: "Purwanti", street: "Sindoro"}
	secureDelete(t, db, false)
	gone.spread(t, db, "KBM-GONE1", cutoff.Add(-24*time.Hour))
	kept.spread(t, db, "KBM-KEPT1", cutoff.Add(24*time.Hour))
	secureDelete(t, db, true)

	var media []string
	update(t, db, func(tx sigap.Tx) error {
		n, refs, err := tx.Anonymize(ctx, cutoff)
		if n != 1 {
			t.Errorf("anonymised %d citizens, want 1", n)
		}
		media = refs
		return err
	})
	if want := "media/whatsapp/2024-01/" + gone.phone + ".jpg"; len(media) != 1 || media[0] != want {
		t.Errorf("media %v, want [%s]", media, want)
	}
	if err := db.EraseFreePages(ctx); err != nil {
		t.Fatal(err)
	}
	view(t, db, func(tx sigap.Tx) error {
		es, err := tx.Examples(ctx)
		if err != nil {
			return err
		}
		if len(es) != 2 {
			t.Errorf("examples left: %+v, want the kept citizen's two", es)
		}
		ps, err := tx.Paraphrases(ctx, 0)
		if err != nil {
			return err
		}
		ns, err := tx.Negatives(ctx)
		if len(ps) != 1 || len(ns) != 1 {
			t.Errorf("paraphrases %+v and negatives %+v left, want the kept citizen's one each", ps, ns)
		}
		return err
	})
	raw := storedBytes(t, db)
	for _, mark := range gone.marks() {
		if n := bytes.Count(raw, []byte(mark)); n > 0 {
			t.Errorf("%q, of the anonymised citizen, is still %d time(s) in the database's files", mark, n)
		}
	}
	for _, mark := range kept.marks() {
		if !bytes.Contains(raw, []byte(mark)) {
			t.Errorf("%q, of the citizen still within retention, is gone from the database's files", mark)
		}
	}
}

// secureDelete turns secure_delete on or off on the writer connection of
// a SQLite file; PostgreSQL has none.
func secureDelete(t *testing.T, db *DB, on bool) {
	t.Helper()
	if db.pg != nil {
		return
	}
	if _, err := db.writer.Exec(fmt.Sprintf("PRAGMA secure_delete = %t", on)); err != nil {
		t.Fatal(err)
	}
}

// storedBytes is what db holds: its SQLite file and WAL, or on PostgreSQL,
// whose files are the server's, every row of every table, as text.
func storedBytes(t *testing.T, db *DB) []byte {
	t.Helper()
	if db.pg == nil {
		return databaseBytes(t, db.path)
	}
	var all []byte
	tables, err := db.writer.Query(`SELECT quote_ident(table_name) FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var name string
		tables.Scan(&name)
		names = append(names, name)
	}
	tables.Close()
	for _, name := range names {
		var text string
		if err := db.writer.QueryRow(`SELECT COALESCE(string_agg(r::text, E'\n'), '') FROM ` + name + ` r`).Scan(&text); err != nil {
			t.Fatal(err)
		}
		all = append(all, text...)
	}
	return all
}

// databaseBytes reads the database file and its WAL, if any.
func databaseBytes(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}
