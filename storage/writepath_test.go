package storage

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/bot/webchat"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/sla"
)

// writePath is what an inbound message goes through in serve, on a real
// database whose writer's statements are counted: the web chat adapter,
// the conversation, the desk, and the outbox that delivers the replies
// back to the web chat.
type writePath struct {
	db     *DB
	st     *statements
	chat   *webchat.Adapter
	desk   *desk.Desk
	outbox *desk.Outbox
}

func newWritePath(tb testing.TB) *writePath {
	tb.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	db, st := openCounting(tb, WithLogger(quiet))
	k := kb.Default()
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		tb.Fatal(err)
	}
	live := sigap.NewLiveKB(k)
	router, err := bot.NewLiveRouter(ctx, db, live, quiet)
	if err != nil {
		tb.Fatal(err)
	}
	w := &writePath{db: db, st: st, chat: webchat.New(nil)}
	w.desk = desk.New(desk.Config{Store: db, KB: live, Calendar: cal,
		Texts: bot.Texts{Loc: cal.Location()}, Learn: router.Learn})
	b := bot.New(bot.Config{Store: db, Desk: w.desk, Router: router, Logger: quiet})
	w.outbox = &desk.Outbox{Store: db, Senders: map[sigap.Channel]sigap.Sender{sigap.Web: w.chat},
		Logger: quiet, Desk: w.desk}
	if err := w.chat.Start(ctx, b); err != nil {
		tb.Fatal(err)
	}
	st.reset() // training the router read the examples; nothing to count
	return w
}

// conversation is what each citizen writes: a question that opens a ticket,
// then two more messages for it.
var conversation = []string{
	"jalan di desa kami rusak parah dan berlubang",
	"lubangnya ada di depan balai desa",
	"sudah dua minggu belum diperbaiki",
}

// citizenMessage is message n of citizen i's conversation.
func citizenMessage(i, n int) sigap.Inbound {
	return sigap.Inbound{From: sigap.Address{Channel: sigap.Web, ID: fmt.Sprintf("%032x", i)}, Name: "Warga",
		PlatformID: fmt.Sprintf("%032x", i*len(conversation)+n), Text: conversation[n]}
}

// TestInboundStatements counts the statements each inbound message of a
// conversation sends to SQLite when it commits on its own: its write
// transaction, BEGIN and COMMIT included, stays within 9 statements on
// average. One of them, before COMMIT, brings the search documents up to
// date (refreshSearch); it replaced FTS4's own statement and segment write
// after each one that changed a ticket's words, which this count did not
// see. The outbox's delivery of the replies, a transaction of its own
// here (shared with other messages' under load), is counted apart. So are
// the two PRAGMA synchronous around the group's transaction, which set
// the connection's mode and touch no page: the commit leaves its fsync
// to the walSyncer, and the connection goes back with synchronous=FULL.
func TestInboundStatements(t *testing.T) {
	ctx := context.Background()
	w := newWritePath(t)
	own := make([]int, len(conversation))
	for n := range conversation {
		w.st.reset()
		if err := w.chat.Receive(ctx, citizenMessage(1, n)); err != nil {
			t.Fatal(err)
		}
		// The WAL copier's checkpoint runs beside the writer, on its own
		// connection, whenever a commit grew the WAL: not the message's.
		own[n] = w.st.total() - w.st.count("PRAGMA wal_checkpoint") - w.st.count("PRAGMA synchronous")
		if got := w.st.count("COMMIT"); got != 1 {
			t.Errorf("message %d took %d write transactions, want 1", n, got)
		}
		relaxed, restored := w.st.count("PRAGMA synchronous = NORMAL"), w.st.count("PRAGMA synchronous = FULL")
		if relaxed != 1 || restored != 1 {
			t.Errorf("message %d: synchronous set to NORMAL %d times and back to FULL %d times, want once each", n, relaxed, restored)
		}
		if _, err := w.outbox.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("message %d (%q): %d statements, %d more to record its replies sent",
			n, conversation[n], own[n], w.st.total()-w.st.count("PRAGMA wal_checkpoint")-w.st.count("PRAGMA synchronous")-own[n])
	}
	tk, err := sigap.Read(ctx, w.db, func(tx sigap.Tx) (*sigap.Ticket, error) {
		c, err := tx.CitizenByAddress(ctx, citizenMessage(1, 0).From)
		if err != nil {
			return nil, err
		}
		return tx.OpenTicket(ctx, c.ID)
	})
	if err != nil || tk.OPD != "DPUPR" {
		t.Fatalf("the question opened %+v, %v; want a DPUPR ticket", tk, err)
	}
	total := 0
	for _, n := range own {
		total += n
	}
	if avg := float64(total) / float64(len(own)); avg > 9 {
		t.Errorf("%.1f statements per inbound message (%v), want at most 9", avg, own)
	}
}

// TestWritePathPlans runs conversations, an FAQ answer and its feedback,
// staff replies and resolutions, then asks SQLite how it runs each
// statement the writer sent, and each statement of the triggers: none may
// scan a table, sort in a temporary B-tree or build an index of its own,
// which would grow slower with the database.
func TestWritePathPlans(t *testing.T) {
	ctx := context.Background()
	w := newWritePath(t)
	staff := &sigap.Staff{Username: "sari", Name: "Sari", Role: sigap.RoleSupervisor}
	receive := func(i int, text string) {
		t.Helper()
		in := citizenMessage(i, 0)
		in.Text, in.PlatformID = text, fmt.Sprint(i, text)
		if err := w.chat.Receive(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		for _, text := range conversation {
			receive(i, text)
		}
	}
	receive(3, "apa syarat membuat KTP elektronik?")
	receive(3, "2")
	page, err := w.desk.Tickets(ctx, staff, sigap.TicketFilter{Status: "open"})
	if err != nil || len(page.Tickets) != 4 {
		t.Fatalf("open tickets %+v, %v; want 4", page, err)
	}
	list := page.Tickets
	if err := w.desk.Reply(ctx, staff, list[0].Code, desk.Answer{Text: "Baik, kami jadwalkan survei.", WaitCitizen: true}); err != nil {
		t.Fatal(err)
	}
	if err := w.desk.Resolve(ctx, staff, list[1].Code); err != nil {
		t.Fatal(err)
	}
	if _, err := w.outbox.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range list[:2] {
		for i := range 4 {
			if citizenMessage(i, 0).From.ID == c.Citizen.Address.ID {
				receive(i, "5") // a rating, or more for a ticket waiting for the citizen
				receive(i, "status")
			}
		}
	}
	sent := slices.Collect(maps.Keys(w.st.byText))
	children := foreignKeyChildren(t, w.db)
	checked := 0
	for _, query := range append(sent, triggerStatements(t, w.db)...) {
		target := modifiedTable(query)
		if target == "" && !strings.HasPrefix(query, "SELECT") {
			continue // BEGIN, SAVEPOINT…
		}
		checked++
		for _, step := range queryPlan(t, w.db, query) {
			if slowStep(step, children[target]) {
				t.Errorf("%s\n  runs %q", query, step)
			}
		}
	}
	if checked < 15 {
		t.Errorf("checked %d statements; the write path sends more", checked)
	}
	// Each is prepared once if the writer's statement cache holds them all.
	cache, _ := strconv.Atoi(regexp.MustCompile(`_stmt_cache_size=(\d+)`).FindStringSubmatch(writerParams)[1])
	if len(sent) > cache/2 {
		t.Errorf("the write path sends %d different statements; the writer's cache of %d should hold them with room to spare", len(sent), cache)
	}
	open := `SELECT t.id FROM tickets t WHERE t.citizen_id = ? AND t.status <> 'resolved'
		ORDER BY t.created_at DESC, t.id DESC LIMIT 1`
	if plan := queryPlan(t, w.db, open); !strings.Contains(strings.Join(plan, "\n"), "tickets_citizen_open") {
		t.Errorf("the open ticket lookup runs %q, want the index of open tickets, which skips resolved ones", plan)
	}
}

// triggerStatements are the statements the triggers run, which a plan of
// the statement that fires them does not show, with each NEW.x and OLD.x a
// parameter.
func triggerStatements(t *testing.T, db *DB) []string {
	t.Helper()
	rs, err := db.reader.Query(`SELECT sql FROM sqlite_schema WHERE type = 'trigger'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var sql string
		if err := rs.Scan(&sql); err != nil {
			t.Fatal(err)
		}
		_, body, _ := strings.Cut(sql, "BEGIN")
		body, _, _ = strings.Cut(body, "END")
		for _, stmt := range strings.Split(body, ";") {
			if stmt = strings.Join(strings.Fields(newOrOld.ReplaceAllString(stmt, "?")), " "); stmt != "" {
				out = append(out, stmt)
			}
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var newOrOld = regexp.MustCompile(`\b(NEW|OLD)\.\w+`)

// modifiedTable is the table an INSERT or UPDATE writes, or "".
func modifiedTable(query string) string {
	f := strings.Fields(query)
	switch {
	case len(f) > 2 && f[0] == "INSERT" && f[1] == "INTO":
		return f[2]
	case len(f) > 1 && f[0] == "UPDATE":
		return f[1]
	}
	return ""
}

// foreignKeyChildren maps each table to the tables whose foreign keys
// reference it. The plan of an INSERT or UPDATE of a table lists a scan
// of each such child, which SQLite runs only when the row's key changes:
// never, for Sigap's writes.
func foreignKeyChildren(t *testing.T, db *DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	rs, err := db.reader.Query(`SELECT m.name, f."table" FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		var child, parent string
		if err := rs.Scan(&child, &parent); err != nil {
			t.Fatal(err)
		}
		out[parent] = append(out[parent], child)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// queryPlan is what EXPLAIN QUERY PLAN says of query, its parameters
// NULL.
func queryPlan(t *testing.T, db *DB, query string) []string {
	t.Helper()
	n := 0
	for _, m := range placeholder.FindAllStringSubmatch(query, -1) {
		if k, err := strconv.Atoi(m[1]); err == nil {
			n = max(n, k) // ?NNN
		} else {
			n++
		}
	}
	rs, err := db.reader.Query("EXPLAIN QUERY PLAN "+query, make([]any, n)...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rs.Close()
	var steps []string
	for rs.Next() {
		var id, parent, unused int
		var detail string
		if err := rs.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return steps
}

var placeholder = regexp.MustCompile(`\?(\d*)`)

// slowStep tells a plan step whose cost grows with the traffic a database
// has seen: a scan of a table or a sort. A scan of a partial index of
// waiting rows (the unsent outbox) stays as small as the backlog, one of
// the staff accounts as small as the staff; the scans of fkChildren do not
// run.
func slowStep(step string, fkChildren []string) bool {
	if strings.Contains(step, "TEMP B-TREE") || strings.Contains(step, "AUTOMATIC") {
		return true // a sort, or an index built for this one statement
	}
	table, _, _ := strings.Cut(strings.TrimPrefix(step, "SCAN "), " ")
	switch {
	case !strings.HasPrefix(step, "SCAN "), slices.Contains(fkChildren, table), table == "staff",
		strings.Contains(step, "VIRTUAL TABLE INDEX"): // the search index, by document
		return false
	}
	return !strings.Contains(step, "INDEX outbox_unsent")
}

// BenchmarkInboundMessage sends web chat messages through the write path
// of serve, the outbox delivering the replies as they commit, from one
// sender and from 64 at once, and reports messages/s, statements and
// write transactions per message. Its floor, in the same run, is one
// committed INSERT per message with the same settings: what a message
// costs when each is its own transaction.
func BenchmarkInboundMessage(b *testing.B) {
	b.Run("floor", func(b *testing.B) {
		db, st := openCounting(b)
		i := 0
		for b.Loop() {
			i++
			err := db.Update(context.Background(), func(tx sigap.Tx) error {
				_, err := tx.(*Tx).tx.tx.ExecContext(context.Background(), `INSERT INTO kv (key, value, updated_at) VALUES (?, '', 0)`, fmt.Sprint(i))
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		reportWrites(b, st)
	})
	for _, senders := range []int{1, 64} {
		b.Run(fmt.Sprintf("senders=%d", senders), func(b *testing.B) {
			benchmarkInbound(b, senders, "MEMORY")
		})
	}
	// What temp_store=MEMORY spares: each savepoint's journal on a file.
	b.Run("senders=64/temp_store=FILE", func(b *testing.B) { benchmarkInbound(b, 64, "FILE") })
}

func benchmarkInbound(b *testing.B, n int, tempStore string) {
	ctx, stop := context.WithCancel(context.Background())
	w := newWritePath(b)
	if _, err := w.db.writer.Exec("PRAGMA temp_store = " + tempStore); err != nil {
		b.Fatal(err)
	}
	var outbox sync.WaitGroup
	outbox.Go(func() { w.outbox.Run(ctx) })
	writes := writeCalls(b)
	s := w.startSenders(b, n)
	k := 0
	for b.Loop() {
		s.send(k)
		k++
	}
	s.wait()
	waitOutbox(b, w.db)
	b.StopTimer()
	writes = writeCalls(b) - writes
	stop()
	outbox.Wait()
	reportWrites(b, w.st)
	b.ReportMetric(float64(writes)/float64(b.N), "write-calls/msg")
}

// writeCalls is how many write system calls the process has made (Linux's
// /proc/self/io), the files' writes among them.
func writeCalls(b *testing.B) int64 {
	io, err := os.ReadFile("/proc/self/io")
	if err != nil {
		b.Fatalf("write calls: %v (the benchmark needs Linux's /proc)", err)
	}
	for line := range strings.Lines(string(io)) {
		if n, ok := strings.CutPrefix(line, "syscw: "); ok {
			v, _ := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
			return v
		}
	}
	b.Fatal("no syscw in /proc/self/io")
	return 0
}

// senders hand messages to the write path from several goroutines, as
// many chats at once do in serve.
type senders struct {
	next chan int
	wg   sync.WaitGroup
}

// startSenders starts n senders. Message k is citizenMessage(k/3, k%3):
// the three of one citizen go to different senders, each handed out
// after the one before it.
func (w *writePath) startSenders(b *testing.B, n int) *senders {
	s := &senders{next: make(chan int)}
	for range n {
		s.wg.Go(func() {
			for k := range s.next {
				if err := w.chat.Receive(context.Background(), citizenMessage(k/len(conversation), k%len(conversation))); err != nil {
					b.Error(err)
				}
			}
		})
	}
	return s
}

func (s *senders) send(k int) { s.next <- k }

// wait waits until every message handed out is committed.
func (s *senders) wait() {
	close(s.next)
	s.wg.Wait()
}

// BenchmarkDatabaseGrowth sends b.N messages through the write path, 64
// senders at a time, in four rounds on the growing database, and reports
// the database's growth per message (its file after a checkpoint), the
// same once sent outbox messages are pruned and their pages given back
// (which the outbox's pruning, with the incremental vacuum, does in
// serve), and the rate of the last round over the first's. Run with
// -benchtime 40000x or more.
func BenchmarkDatabaseGrowth(b *testing.B) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	w := newWritePath(b)
	var outbox sync.WaitGroup
	outbox.Go(func() { w.outbox.Run(ctx) })
	defer outbox.Wait()
	defer stop()
	size0 := fileBytes(b, w.db)
	const rounds = 4
	var rates []float64
	b.ResetTimer()
	for r := range rounds {
		start := time.Now()
		s := w.startSenders(b, 64)
		for k := r * b.N / rounds; k < (r+1)*b.N/rounds; k++ {
			s.send(k)
		}
		s.wait()
		waitOutbox(b, w.db)
		rates = append(rates, float64(b.N/rounds)/time.Since(start).Seconds())
	}
	b.StopTimer()
	grown := fileBytes(b, w.db) - size0
	if _, err := w.db.writer.Exec("DELETE FROM outbox WHERE sent_at IS NOT NULL"); err != nil {
		b.Fatal(err)
	}
	// Without incremental vacuum (auto_vacuum=NONE) the pragma frees
	// nothing: the pages stay in the file for reuse.
	if err := drain(ctx, w.db.writer, "PRAGMA incremental_vacuum"); err != nil {
		b.Fatal(err)
	}
	pruned := fileBytes(b, w.db) - size0
	n := float64(b.N)
	b.ReportMetric(float64(grown)/n, "bytes/msg")
	b.ReportMetric(float64(pruned)/n, "bytes/msg-outbox-pruned")
	b.ReportMetric(rates[0], "first-msgs/s")
	b.ReportMetric(rates[rounds-1], "last-msgs/s")
	b.ReportMetric(rates[rounds-1]/rates[0], "last/first")
}

// fileBytes is the size of the database file once the WAL is written back.
func fileBytes(b *testing.B, db *DB) int64 {
	if _, err := db.writer.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(db.path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}

// waitOutbox waits until the outbox has delivered everything.
func waitOutbox(b *testing.B, db *DB) {
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
		n, err := sigap.Read(context.Background(), db, func(tx sigap.Tx) (int, error) { return tx.OutboxBacklog(context.Background()) })
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d replies still undelivered", n)
		}
	}
}

func reportWrites(b *testing.B, st *statements) {
	n := float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(st.total())/n, "stmts/msg")
	b.ReportMetric(float64(st.count("COMMIT"))/n, "commits/msg")
	b.ReportMetric(float64(st.distinct()), "distinct-stmts")
}
