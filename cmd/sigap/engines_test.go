package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// reportArgs are the report of the generated month, at a fixed moment.
var reportArgs = []string{"--from", "2024-04-01", "--to", "2024-05-01", "--at", "2024-05-03T12:00:00+07:00"}

// report runs sigap report on db in a format and returns its output.
func report(t *testing.T, db, kbPath, format string) string {
	t.Helper()
	args := append([]string{"report", "--db", db, "--kb", kbPath, "--format", format}, reportArgs...)
	status, stdout, stderr := runInProcess(t, args...)
	if status != 0 {
		t.Fatalf("report --db %s --format %s: exit status %d; stderr:\n%s", db, format, status, stderr)
	}
	return stdout
}

// ticketCodes matches the codes of the test KB's tickets.
var ticketCodes = regexp.MustCompile(`\b[A-Z]{2,5}-[23456789A-Z]{5}\b`)

// numberCodes replaces each ticket code by its order of first appearance:
// codes are drawn at random, the rest must match.
func numberCodes(s string) string {
	seen := map[string]string{}
	return ticketCodes.ReplaceAllStringFunc(s, func(code string) string {
		if _, ok := seen[code]; !ok {
			seen[code] = "TICKET-" + string(rune('A'+len(seen)%26)) + strings.Repeat("'", len(seen)/26)
		}
		return seen[code]
	})
}

// The same events replayed into SQLite and into PostgreSQL give the same
// replies and the same report, figure for figure.
func TestReportAndReplayAgreeOnBothEngines(t *testing.T) {
	month := generateMonth(11)
	kbPath, events := writeTestKB(t), writeLines(t, month.lines)
	dbs := map[string]string{"SQLite": filepath.Join(t.TempDir(), "month.db"), "PostgreSQL": storagetest.Postgres(t)}
	replies, reports := map[string]string{}, map[string]string{}
	for engine, db := range dbs {
		out := filepath.Join(t.TempDir(), "replies.jsonl")
		if status, _, stderr := runInProcess(t, "replay", "--kb", kbPath, "--db", db, "--out", out, events); status != 0 {
			t.Fatalf("replay into %s: exit status %d; stderr:\n%s", engine, status, stderr)
		}
		var lines []string
		for _, r := range readReplies(t, out) {
			lines = append(lines, r.At.UTC().Format(time.RFC3339Nano)+" "+r.To+" "+r.Ticket+" "+r.Text)
		}
		replies[engine] = numberCodes(strings.Join(lines, "\n"))
		reports[engine] = numberCodes(report(t, db, kbPath, "json") + report(t, db, kbPath, "csv"))
	}
	if n := strings.Count(replies["SQLite"], "\n"); n < 100 {
		t.Fatalf("only %d replies: the month is too tame", n)
	}
	if replies["SQLite"] != replies["PostgreSQL"] {
		t.Errorf("the replies differ between the engines:\nSQLite:\n%s\nPostgreSQL:\n%s", firstDifference(replies["SQLite"], replies["PostgreSQL"]), firstDifference(replies["PostgreSQL"], replies["SQLite"]))
	}
	if reports["SQLite"] != reports["PostgreSQL"] {
		t.Errorf("the reports differ between the engines:\nSQLite:\n%s\nPostgreSQL:\n%s", firstDifference(reports["SQLite"], reports["PostgreSQL"]), firstDifference(reports["PostgreSQL"], reports["SQLite"]))
	}
}

// firstDifference is a's line where a and b first differ, with its
// number.
func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			return fmt.Sprintf("line %d: %s", i+1, al[i])
		}
	}
	return "(none)"
}

// migrate-db copies a SQLite database that served a month, with a ticket
// merged into a later one and WhatsApp's session, into PostgreSQL: every
// table's rows, the same report, search working, new rows numbered after
// the copied ones, the session's device there. A database with rows is
// refused, and so is a file serve is running on.
func TestMigrateDBCopiesEveryTable(t *testing.T) {
	ctx := context.Background()
	kbPath, file, url := writeTestKB(t), filepath.Join(t.TempDir(), "sigap.db"), storagetest.PostgresAlone(t)
	if status, _, stderr := runInProcess(t, "replay", "--kb", kbPath, "--db", file, writeLines(t, generateMonth(5).lines)); status != 0 {
		t.Fatalf("replay: exit status %d; stderr:\n%s", status, stderr)
	}
	src, err := storage.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	mergeOlderIntoNewer(t, src)
	device := linkWhatsApp(t, src)
	src.Close()

	status, stdout, stderr := runInProcess(t, "migrate-db", "--from", file, "--to", url)
	if status != 0 {
		t.Fatalf("migrate-db: exit status %d; stderr:\n%s", status, stderr)
	}
	for _, table := range []string{"citizens", "tickets", "messages", "outbox", "audit", "faq_answers", "whatsmeow_device", "whatsmeow_contacts"} {
		if !regexp.MustCompile(`(?m)^\s*` + table + `\s+[1-9]\d*\s+[1-9]\d*\s*$`).MatchString(stdout) {
			t.Errorf("migrate-db does not count rows of %s on both sides:\n%s", table, stdout)
		}
	}
	if want, got := tableCounts(t, file), tableCounts(t, url); !equalCounts(want, got) {
		t.Errorf("rows in SQLite %v, in PostgreSQL %v", want, got)
	}
	if a, b := report(t, file, kbPath, "json"), report(t, url, kbPath, "json"); a != b {
		t.Errorf("the report of the copy differs:\nSQLite:\n%s\nPostgreSQL:\n%s", a, b)
	}
	dst, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	checkCopyWorks(t, dst, device)

	if status, _, stderr := runInProcess(t, "migrate-db", "--from", file, "--to", url); status != 1 || !strings.Contains(stderr, "not empty") {
		t.Errorf("a second copy into the same database: status %d, stderr %q; want it refused as not empty", status, stderr)
	}
	held, err := storage.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	lease, err := held.AcquireLease(ctx, storage.ThisProcess(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	defer lease.Release()
	if status, _, stderr := runInProcess(t, "migrate-db", "--from", file, "--to", storagetest.Postgres(t)); status != 1 || !strings.Contains(stderr, "in use by another sigap serve") {
		t.Errorf("a copy of a file serve runs on: status %d, stderr %q; want it refused", status, stderr)
	}
}

// mergeOlderIntoNewer merges the first ticket into the last, so that a row
// refers to one that comes after it.
func mergeOlderIntoNewer(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx sigap.Tx) error {
		all, err := tx.ListTickets(ctx, sigap.TicketFilter{Status: "all"})
		if err != nil || len(all) < 2 {
			return err
		}
		first, last := all[0].Ticket, all[0].Ticket
		for _, s := range all {
			if s.ID < first.ID {
				first = s.Ticket
			}
			if s.ID > last.ID {
				last = s.Ticket
			}
		}
		first.MergedInto = last.ID
		return tx.UpdateTicket(ctx, &first)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// linkWhatsApp stores a linked device and a contact in whatsmeow's
// session tables, and returns the device's JID.
func linkWhatsApp(t *testing.T, db *storage.DB) types.JID {
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
	id := types.NewADJID("6287700000001", 0, 12)
	device.ID = &id
	device.Account = &waAdv.ADVSignedDeviceIdentity{Details: []byte{1}, AccountSignature: make([]byte, 64),
		AccountSignatureKey: make([]byte, 32), DeviceSignature: make([]byte, 64)}
	if err := container.PutDevice(ctx, device); err != nil {
		t.Fatal(err)
	}
	citizen := types.NewJID("6281234567890", types.DefaultUserServer)
	if err := device.Contacts.PutContactName(ctx, citizen, "Budi Santoso", "Budi"); err != nil {
		t.Fatal(err)
	}
	return id
}

// checkCopyWorks: the copy is a database serve can run on.
func checkCopyWorks(t *testing.T, db *storage.DB, device types.JID) {
	t.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx sigap.Tx) error {
		all, err := tx.ListTickets(ctx, sigap.TicketFilter{Status: "all"})
		if err != nil {
			return err
		}
		var highest int64
		for _, s := range all {
			highest = max(highest, s.ID)
		}
		msgs, err := tx.TicketMessages(ctx, all[0].ID)
		if err != nil {
			return err
		}
		word := strings.Fields(msgs[0].Text)[0]
		found, err := tx.ListTickets(ctx, sigap.TicketFilter{Status: "all", Query: word})
		if err != nil || len(found) == 0 {
			t.Errorf("search for %q in the copy: %d tickets (%v)", word, len(found), err)
		}
		c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Web, ID: "after-copy"}}
		if _, err := tx.UpsertCitizen(ctx, c); err != nil {
			return err
		}
		tk := &sigap.Ticket{Code: "KBM-NEW22", CitizenID: c.ID, OPD: all[0].OPD, Status: sigap.StatusOpen}
		if err := tx.CreateTicket(ctx, tk); err != nil {
			return err
		}
		if tk.ID != highest+1 {
			t.Errorf("a new ticket after the copy has id %d, want %d", tk.ID, highest+1)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	handle, dialect := db.SharedSQL()
	got, err := sqlstore.NewWithDB(handle, dialect, waLog.Noop).GetFirstDevice(ctx)
	if err != nil || got.ID == nil || *got.ID != device {
		t.Errorf("WhatsApp's device in the copy: %v (%v), want %s", got.ID, err, device)
	}
}
