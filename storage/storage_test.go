package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage/internal/pgtest"
)

// t0 is the test clock's time: a Wednesday morning in Kebumen.
var t0 = time.Date(2024, 4, 3, 9, 15, 0, 0, time.FixedZone("WIB", 7*3600))

// openTest opens a fresh database of the engine under test (storagetest's
// switch, SIGAP_TEST_ENGINE) whose clock reads t0.
func openTest(t testing.TB, opts ...Option) *DB { return openAt(t, testDB(t), opts...) }

// openSQLiteTest opens a fresh SQLite file whose clock reads t0, whatever
// the engine under test: for a test of what only SQLite does.
func openSQLiteTest(t testing.TB, opts ...Option) *DB {
	return openAt(t, filepath.Join(t.TempDir(), "sigap.db"), opts...)
}

// openAloneTest is openTest with a database of its own on PostgreSQL too,
// not a schema: for a test that keeps whatsmeow's tables, whose upgrades
// look a table up by its name in every schema of a database.
func openAloneTest(t testing.TB) *DB {
	if !pgtest.Enabled() {
		return openTest(t)
	}
	return openAt(t, pgtest.Database(t))
}

// openAt opens the database value names, with a clock that reads t0,
// closed when the test ends.
func openAt(t testing.TB, value string, opts ...Option) *DB {
	t.Helper()
	db, err := Open(context.Background(), value, append(opts, WithClock(func() time.Time { return t0 }))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// testDB names a fresh database of the engine under test: a file, or a
// PostgreSQL schema of its own.
func testDB(t testing.TB) string {
	t.Helper()
	if pgtest.Enabled() {
		return pgtest.URL(t)
	}
	return filepath.Join(t.TempDir(), "sigap.db")
}

// upsert upserts c and returns whether it was the citizen's first contact.
func upsert(t testing.TB, db *DB, c *sigap.Citizen) (first bool) {
	t.Helper()
	update(t, db, func(tx sigap.Tx) error {
		var err error
		first, err = tx.UpsertCitizen(context.Background(), c)
		return err
	})
	return first
}

func update(t testing.TB, db *DB, fn func(tx sigap.Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func view(t testing.TB, db *DB, fn func(tx sigap.Tx) error) {
	t.Helper()
	if err := db.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := sigap.ErrorCode(err); got != code {
		t.Errorf("error %v: code %q, want %q", err, got, code)
	}
}

// addCitizen stores a citizen at address addr.
func addCitizen(t testing.TB, db *DB, addr string) *sigap.Citizen {
	t.Helper()
	a, err := sigap.ParseAddress(addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &sigap.Citizen{Address: a, Name: "Budi"}
	upsert(t, db, c)
	return c
}

// addTicket stores an open ticket of a citizen, due four and sixteen hours
// after it was created.
func addTicket(t testing.TB, db *DB, citizenID int64, code, opd string, created time.Time) *sigap.Ticket {
	t.Helper()
	tk := &sigap.Ticket{
		Code: code, CitizenID: citizenID, OPD: opd, Status: sigap.StatusOpen, Subject: "jalan rusak",
		CreatedAt: created, FirstResponseDue: created.Add(4 * time.Hour), ResolutionDue: created.Add(16 * time.Hour),
	}
	update(t, db, func(tx sigap.Tx) error { return tx.CreateTicket(context.Background(), tk) })
	return tk
}

func TestUpsertCitizen(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	addr := sigap.Address{Channel: sigap.Telegram, ID: "1001"}
	first := &sigap.Citizen{Address: addr, Name: "Budi", Phone: "6281234567890"}
	if !upsert(t, db, first) {
		t.Error("creating a citizen is not their first contact")
	}
	if first.ID == 0 || !first.CreatedAt.Equal(t0) {
		t.Fatalf("created citizen: ID %d, CreatedAt %v; want an ID and %v", first.ID, first.CreatedAt, t0)
	}
	if !upsert(t, db, &sigap.Citizen{Address: addr}) {
		t.Error("a citizen with no message stored is not at their first contact")
	}
	update(t, db, func(tx sigap.Tx) error {
		_, err := tx.AddMessage(ctx, &sigap.Message{CitizenID: first.ID, Channel: sigap.Telegram, Author: sigap.AuthorCitizen, Text: "halo"})
		return err
	})

	tests := []struct {
		name, newName, newPhone string
		wantName, wantPhone     string
	}{
		{"empty fields keep what is stored", "", "", "Budi", "6281234567890"},
		{"a new name replaces the old", "Budi Santoso", "", "Budi Santoso", "6281234567890"},
		{"a new phone replaces the old", "", "6289999", "Budi Santoso", "6289999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &sigap.Citizen{Address: addr, Name: tt.newName, Phone: tt.newPhone, CreatedAt: t0.Add(time.Hour)}
			if upsert(t, db, c) {
				t.Error("a citizen who wrote before is at their first contact")
			}
			if c.ID != first.ID || c.Name != tt.wantName || c.Phone != tt.wantPhone || !c.CreatedAt.Equal(t0) {
				t.Errorf("upsert gave %+v; want ID %d, name %q, phone %q, created %v",
					c, first.ID, tt.wantName, tt.wantPhone, t0)
			}
		})
	}

	other := &sigap.Citizen{Address: sigap.Address{Channel: sigap.WhatsApp, ID: "1001"}}
	upsert(t, db, other)
	if other.ID == first.ID {
		t.Errorf("the same id on another channel is the same citizen %d", other.ID)
	}

	view(t, db, func(tx sigap.Tx) error {
		byAddr, err := tx.CitizenByAddress(ctx, addr)
		if err != nil {
			return err
		}
		byID, err := tx.CitizenByID(ctx, first.ID)
		if err != nil {
			return err
		}
		if *byAddr != *byID || byAddr.Name != "Budi Santoso" || byAddr.CreatedAt.Location() != time.UTC {
			t.Errorf("by address %+v, by id %+v", byAddr, byID)
		}
		_, err = tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Web, ID: "nobody"})
		wantCode(t, err, sigap.ENOTFOUND)
		_, err = tx.CitizenByID(ctx, 999)
		wantCode(t, err, sigap.ENOTFOUND)
		return nil
	})
}

func TestSetAwaiting(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	want := sigap.Awaiting{Kind: sigap.AwaitFAQFeedback, Ref: "ktp-syarat", Text: "syarat ktp apa", AnswerID: 7}
	for _, a := range []sigap.Awaiting{want, {}} {
		update(t, db, func(tx sigap.Tx) error { return tx.SetAwaiting(ctx, c.ID, a) })
		view(t, db, func(tx sigap.Tx) error {
			got, err := tx.CitizenByID(ctx, c.ID)
			if err != nil {
				return err
			}
			if got.Awaiting != a {
				t.Errorf("awaiting %+v, want %+v", got.Awaiting, a)
			}
			return nil
		})
	}
	err := db.Update(ctx, func(tx sigap.Tx) error { return tx.SetAwaiting(ctx, 999, want) })
	wantCode(t, err, sigap.ENOTFOUND)
}

func TestAddMessageDedupe(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	tg := addCitizen(t, db, "tg:1001")
	wa := addCitizen(t, db, "wa:6281234567890")
	tg2 := addCitizen(t, db, "tg:1002")

	tests := []struct {
		name      string
		msg       sigap.Message
		duplicate bool
	}{
		{"first delivery", sigap.Message{CitizenID: tg.ID, Channel: sigap.Telegram, PlatformID: "55", Author: sigap.AuthorCitizen, Kind: sigap.KindText, Text: "halo"}, false},
		{"redelivery", sigap.Message{CitizenID: tg.ID, Channel: sigap.Telegram, PlatformID: "55", Author: sigap.AuthorCitizen, Kind: sigap.KindText, Text: "halo"}, true},
		{"same id on another channel", sigap.Message{CitizenID: wa.ID, Channel: sigap.WhatsApp, PlatformID: "55", Author: sigap.AuthorCitizen, Kind: sigap.KindText, Text: "halo"}, false},
		// Platforms number messages per chat: another chat's message 55
		// is another message.
		{"same id in another chat", sigap.Message{CitizenID: tg2.ID, Channel: sigap.Telegram, PlatformID: "55", Author: sigap.AuthorCitizen, Kind: sigap.KindText, Text: "halo juga"}, false},
		{"redelivery in the other chat", sigap.Message{CitizenID: tg2.ID, Channel: sigap.Telegram, PlatformID: "55", Author: sigap.AuthorCitizen, Kind: sigap.KindText, Text: "halo juga"}, true},
		{"bot reply without platform id", sigap.Message{CitizenID: tg.ID, Channel: sigap.Telegram, Author: sigap.AuthorBot, Kind: sigap.KindText, Text: "Baik, Bapak/Ibu."}, false},
		{"second bot reply without platform id", sigap.Message{CitizenID: tg.ID, Channel: sigap.Telegram, Author: sigap.AuthorBot, Kind: sigap.KindText, Text: "Terima kasih."}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.msg
			var dup bool
			update(t, db, func(tx sigap.Tx) (err error) {
				dup, err = tx.AddMessage(ctx, &m)
				return err
			})
			if dup != tt.duplicate {
				t.Errorf("duplicate = %v, want %v", dup, tt.duplicate)
			}
			if tt.duplicate && m.ID != 0 {
				t.Errorf("a duplicate was given ID %d", m.ID)
			}
			if !tt.duplicate && m.ID == 0 {
				t.Error("a stored message has no ID")
			}
		})
	}
	view(t, db, func(tx sigap.Tx) error {
		msgs, err := tx.CitizenMessages(ctx, tg.ID, 0)
		if err != nil {
			return err
		}
		if len(msgs) != 3 {
			t.Errorf("citizen tg:1001 has %d messages, want 3 (the redelivery stored once): %+v", len(msgs), msgs)
		}
		return nil
	})
}

func TestMessageRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "wa:6281234567890")
	tk := addTicket(t, db, c.ID, "KBM-AAAAA", "DPUPR", t0)
	want := sigap.Message{
		CitizenID: c.ID, TicketID: tk.ID, Channel: sigap.WhatsApp, PlatformID: "3EB0C4", Author: sigap.AuthorCitizen,
		Kind: sigap.KindLocation, Text: "di sini", MediaRef: "media/1.jpg", Lat: -7.67, Lon: 109.65, RefID: "3EB0C3",
		At: t0.UTC(),
	}
	m := want
	update(t, db, func(tx sigap.Tx) error { _, err := tx.AddMessage(ctx, &m); return err })
	want.ID = m.ID
	view(t, db, func(tx sigap.Tx) error {
		msgs, err := tx.TicketMessages(ctx, tk.ID)
		if err != nil {
			return err
		}
		if len(msgs) != 1 || msgs[0] != want {
			t.Errorf("thread %+v, want [%+v]", msgs, want)
		}
		return nil
	})
}

func TestThreads(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	tk := addTicket(t, db, c.ID, "KBM-AAAAA", "DPUPR", t0)
	// Inserted out of time order, as a late redelivery would be.
	msgs := []sigap.Message{
		{Author: sigap.AuthorCitizen, Text: "b", At: t0.Add(2 * time.Minute)},
		{Author: sigap.AuthorCitizen, Text: "a", At: t0.Add(time.Minute)},
		{Author: sigap.AuthorBot, Text: "c", At: t0.Add(3 * time.Minute)},
		{Author: sigap.AuthorNote, Text: "note", At: t0.Add(4 * time.Minute), TicketID: tk.ID},
		{Author: sigap.AuthorStaff, Text: "d", At: t0.Add(5 * time.Minute), TicketID: tk.ID},
		{Author: sigap.AuthorCitizen, Text: "later", At: t0.Add(6 * time.Minute)},
	}
	update(t, db, func(tx sigap.Tx) error {
		for i := range msgs {
			msgs[i].CitizenID, msgs[i].Channel, msgs[i].Kind = c.ID, sigap.Telegram, sigap.KindText
			if _, err := tx.AddMessage(ctx, &msgs[i]); err != nil {
				return err
			}
			// "later" comes after the ticket was opened and stays outside it.
			if msgs[i].Text == "c" {
				if err := tx.AttachMessages(ctx, c.ID, tk.ID, t0.Add(time.Minute)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	texts := func(ms []sigap.Message) (s []string) {
		for _, m := range ms {
			s = append(s, m.Text)
		}
		return s
	}
	tests := []struct {
		name string
		get  func(tx sigap.Tx) ([]sigap.Message, error)
		want []string
	}{
		{"ticket thread, notes included", func(tx sigap.Tx) ([]sigap.Message, error) { return tx.TicketMessages(ctx, tk.ID) }, []string{"a", "b", "c", "note", "d"}},
		{"citizen chat, notes excluded", func(tx sigap.Tx) ([]sigap.Message, error) { return tx.CitizenMessages(ctx, c.ID, 0) }, []string{"a", "b", "c", "d", "later"}},
		{"newest two of the chat", func(tx sigap.Tx) ([]sigap.Message, error) { return tx.CitizenMessages(ctx, c.ID, 2) }, []string{"d", "later"}},
		{"ticket without messages", func(tx sigap.Tx) ([]sigap.Message, error) { return tx.TicketMessages(ctx, 999) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view(t, db, func(tx sigap.Tx) error {
				got, err := tt.get(tx)
				if err != nil {
					return err
				}
				if g := texts(got); !equal(g, tt.want) {
					t.Errorf("got %q, want %q", g, tt.want)
				}
				return nil
			})
		})
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTicketRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	tk := addTicket(t, db, c.ID, "KBM-7K3QX", "DPUPR", t0.UTC())
	if tk.ID == 0 || !tk.UpdatedAt.Equal(tk.CreatedAt) {
		t.Fatalf("created %+v", tk)
	}

	tk.OPD, tk.Status, tk.Assignee, tk.FirstResponder = "DINKES", sigap.StatusPending, "sari", "sari"
	tk.FirstResponseAt, tk.PausedAt = t0.Add(time.Hour).UTC(), t0.Add(2*time.Hour).UTC()
	tk.PausedWork, tk.Rating, tk.FAQ = 90*time.Minute, 4, "jalan-rusak"
	tk.UpdatedAt = t0.Add(3 * time.Hour).UTC()
	update(t, db, func(tx sigap.Tx) error { return tx.UpdateTicket(ctx, tk) })

	view(t, db, func(tx sigap.Tx) error {
		byCode, err := tx.TicketByCode(ctx, "KBM-7K3QX")
		if err != nil {
			return err
		}
		byID, err := tx.TicketByID(ctx, tk.ID)
		if err != nil {
			return err
		}
		if *byCode != *tk || *byID != *tk {
			t.Errorf("stored\n%+v\n%+v\nwant\n%+v", byCode, byID, tk)
		}
		return nil
	})

	tests := []struct {
		name string
		fn   func(tx sigap.Tx) error
		code string
	}{
		{"code already used", func(tx sigap.Tx) error {
			return tx.CreateTicket(ctx, &sigap.Ticket{Code: "KBM-7K3QX", CitizenID: c.ID, OPD: "DPUPR", Status: sigap.StatusOpen})
		}, sigap.ECONFLICT},
		{"missing code", func(tx sigap.Tx) error { _, err := tx.TicketByCode(ctx, "KBM-NONE"); return err }, sigap.ENOTFOUND},
		{"missing id", func(tx sigap.Tx) error { _, err := tx.TicketByID(ctx, 999); return err }, sigap.ENOTFOUND},
		{"update of a missing ticket", func(tx sigap.Tx) error {
			return tx.UpdateTicket(ctx, &sigap.Ticket{ID: 999, Code: "KBM-NONE", Status: sigap.StatusOpen})
		}, sigap.ENOTFOUND},
		{"no open ticket", func(tx sigap.Tx) error { _, err := tx.OpenTicket(ctx, 999); return err }, sigap.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, db.Update(ctx, tt.fn), tt.code)
		})
	}
}

func TestOpenAndCitizenTickets(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	addTicket(t, db, c.ID, "KBM-OLD", "DPUPR", t0)
	mid := addTicket(t, db, c.ID, "KBM-MID", "DPUPR", t0.Add(time.Hour))
	addTicket(t, db, c.ID, "KBM-NEW", "DINKES", t0.Add(2*time.Hour))
	addTicket(t, db, addCitizen(t, db, "tg:2002").ID, "KBM-OTHER", "DINKES", t0.Add(3*time.Hour))

	open := func() string {
		var code string
		view(t, db, func(tx sigap.Tx) error {
			tk, err := tx.OpenTicket(ctx, c.ID)
			if err != nil {
				return err
			}
			code = tk.Code
			return nil
		})
		return code
	}
	if got := open(); got != "KBM-NEW" {
		t.Errorf("open ticket %s, want the newest KBM-NEW", got)
	}
	update(t, db, func(tx sigap.Tx) error {
		tk, err := tx.TicketByCode(ctx, "KBM-NEW")
		if err != nil {
			return err
		}
		tk.Status, tk.ResolvedAt = sigap.StatusResolved, t0.Add(5*time.Hour)
		return tx.UpdateTicket(ctx, tk)
	})
	if got := open(); got != mid.Code {
		t.Errorf("open ticket %s after resolving the newest, want %s", got, mid.Code)
	}

	view(t, db, func(tx sigap.Tx) error {
		for limit, want := range map[int][]string{0: {"KBM-NEW", "KBM-MID", "KBM-OLD"}, 2: {"KBM-NEW", "KBM-MID"}} {
			ts, err := tx.CitizenTickets(ctx, c.ID, limit)
			if err != nil {
				return err
			}
			var got []string
			for _, tk := range ts {
				got = append(got, tk.Code)
			}
			if !equal(got, want) {
				t.Errorf("citizen tickets, limit %d: %q, want %q", limit, got, want)
			}
		}
		return nil
	})
}

func TestUpdateRollsBack(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	failure := errors.New("routing failed")
	err := db.Update(ctx, func(tx sigap.Tx) error {
		c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: "1001"}}
		if _, err := tx.UpsertCitizen(ctx, c); err != nil {
			return err
		}
		m := &sigap.Message{CitizenID: c.ID, Channel: sigap.Telegram, PlatformID: "1", Author: sigap.AuthorCitizen, Kind: sigap.KindText}
		if _, err := tx.AddMessage(ctx, m); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, &sigap.Outbound{To: c.Address, Text: "Baik"}); err != nil {
			return err
		}
		return failure
	})
	if !errors.Is(err, failure) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	view(t, db, func(tx sigap.Tx) error {
		_, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: "1001"})
		wantCode(t, err, sigap.ENOTFOUND)
		n, err := tx.OutboxBacklog(ctx)
		if n != 0 {
			t.Errorf("outbox backlog %d after rollback", n)
		}
		return err
	})
	// The redelivery is not mistaken for a duplicate of the rolled-back one.
	c := addCitizen(t, db, "tg:1001")
	update(t, db, func(tx sigap.Tx) error {
		m := &sigap.Message{CitizenID: c.ID, Channel: sigap.Telegram, PlatformID: "1", Author: sigap.AuthorCitizen, Kind: sigap.KindText}
		dup, err := tx.AddMessage(ctx, m)
		if dup {
			t.Error("message of a rolled-back transaction counts as stored")
		}
		return err
	})
}

func TestViewIsReadOnly(t *testing.T) {
	ctx := context.Background()
	for _, path := range []string{":memory:", filepath.Join(t.TempDir(), "sigap.db")} {
		t.Run(path, func(t *testing.T) {
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			err = db.View(ctx, func(tx sigap.Tx) error {
				_, err := tx.UpsertCitizen(ctx, &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: "1"}})
				return err
			})
			if err == nil {
				t.Error("a write in View succeeded")
			}
			// On ":memory:" the one connection must be writable again.
			addCitizen(t, db, "tg:1")
		})
	}
}

func TestOutboxLifecycle(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	c := addCitizen(t, db, "tg:1001")
	tk := addTicket(t, db, c.ID, "KBM-AAAAA", "DPUPR", t0)
	msgs := []*sigap.Outbound{
		{To: c.Address, TicketID: tk.ID, Text: "satu"},
		{To: c.Address, Text: "dua", Created: t0.Add(time.Minute)},
		{To: c.Address, Text: "tiga", Created: t0.Add(2 * time.Minute)},
	}
	update(t, db, func(tx sigap.Tx) error {
		for _, o := range msgs {
			if err := tx.Enqueue(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
	if !msgs[0].Created.Equal(t0) {
		t.Errorf("a zero Created became %v, want the clock's %v", msgs[0].Created, t0)
	}

	due := func(now time.Time) (texts []string, attempts []int) {
		view(t, db, func(tx sigap.Tx) error {
			os, err := tx.DueOutbound(ctx, now, 10, nil)
			for _, o := range os {
				texts, attempts = append(texts, o.Text), append(attempts, o.Attempts)
			}
			return err
		})
		return texts, attempts
	}
	backlog := func() (n int) {
		view(t, db, func(tx sigap.Tx) (err error) { n, err = tx.OutboxBacklog(ctx); return err })
		return n
	}

	steps := []struct {
		name         string
		fn           func(tx sigap.Tx) error
		now          time.Time
		wantDue      []string
		wantAttempts []int
		wantBacklog  int
	}{
		{"enqueued messages fall due at creation", nil, t0.Add(time.Minute), []string{"satu", "dua"}, []int{0, 0}, 3},
		{"a retry waits for its time, and later messages to that chat wait behind it", func(tx sigap.Tx) error {
			return tx.MarkRetry(ctx, msgs[0].ID, t0.Add(10*time.Minute), "502 Bad Gateway")
		}, t0.Add(5 * time.Minute), nil, nil, 3},
		{"a retry falls due again, oldest first", nil, t0.Add(10 * time.Minute), []string{"satu", "dua", "tiga"}, []int{1, 0, 0}, 3},
		{"a sent message leaves the queue", func(tx sigap.Tx) error {
			return tx.MarkSent(ctx, msgs[1].ID, t0.Add(11*time.Minute))
		}, t0.Add(11 * time.Minute), []string{"satu", "tiga"}, []int{1, 0}, 2},
		{"a failed message leaves the queue", func(tx sigap.Tx) error {
			return tx.MarkFailed(ctx, msgs[2].ID, t0.Add(12*time.Minute), sigap.FailureBlocked, "bot was blocked by the user")
		}, t0.Add(12 * time.Minute), []string{"satu"}, []int{1}, 1},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.fn != nil {
				update(t, db, s.fn)
			}
			texts, attempts := due(s.now)
			if !equal(texts, s.wantDue) || !equal(attempts, s.wantAttempts) {
				t.Errorf("due %q with attempts %v, want %q with %v", texts, attempts, s.wantDue, s.wantAttempts)
			}
			if n := backlog(); n != s.wantBacklog {
				t.Errorf("backlog %d, want %d", n, s.wantBacklog)
			}
		})
	}

	view(t, db, func(tx sigap.Tx) error {
		os, err := tx.DueOutbound(ctx, t0.Add(time.Hour), 1, nil)
		if len(os) != 1 || os[0].ID != msgs[0].ID || os[0].TicketID != tk.ID || os[0].To != c.Address {
			t.Errorf("due with limit 1: %+v, want message %d to %s on ticket %d", os, msgs[0].ID, c.Address, tk.ID)
		}
		return err
	})
	for name, fn := range map[string]func(tx sigap.Tx) error{
		"sent":   func(tx sigap.Tx) error { return tx.MarkSent(ctx, 999, t0) },
		"retry":  func(tx sigap.Tx) error { return tx.MarkRetry(ctx, 999, t0, "x") },
		"failed": func(tx sigap.Tx) error { return tx.MarkFailed(ctx, 999, t0, sigap.FailureRefused, "x") },
		"parts":  func(tx sigap.Tx) error { return tx.MarkPartsSent(ctx, 999, 1) },
	} {
		t.Run("missing message "+name, func(t *testing.T) {
			wantCode(t, db.Update(ctx, fn), sigap.ENOTFOUND)
		})
	}
}
