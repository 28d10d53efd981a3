package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/loadtest"
	"github.com/pemkab-kebumen/sigap/sla"
	"github.com/pemkab-kebumen/sigap/staff"
	"github.com/pemkab-kebumen/sigap/storage"
)

// The web benchmarks run the real binary (sigap serve) on a database of
// bigDeskTickets tickets, the size at which issue 14 measured the lists,
// and time what a staff member's browser asks of it over loopback. The
// database is built once per test run, shared by the benchmarks, and
// removed by TestMain.

const (
	bigDeskTickets  = 210_000
	bigDeskCitizens = 70_001
	benchStaff      = "pimpinan"
	benchPassword   = "rahasia-pimpinan-123"
)

var bigDesk struct {
	once      sync.Once
	dir, path string
	err       error
}

// bigDeskDB returns the path of the shared database, building it first.
func bigDeskDB(b *testing.B) string {
	b.Helper()
	if sigapBinary == "" {
		b.Skip("runs the real binary; not built under -short")
	}
	bigDesk.once.Do(func() {
		if bigDesk.dir, bigDesk.err = os.MkdirTemp("", "sigap-bigdesk-"); bigDesk.err == nil {
			bigDesk.path = filepath.Join(bigDesk.dir, "sigap.db")
			bigDesk.err = buildBigDesk(context.Background(), bigDesk.path)
		}
	})
	if bigDesk.err != nil {
		b.Fatal(bigDesk.err)
	}
	return bigDesk.path
}

// buildBigDesk fills a database with a year of tickets on the embedded KB,
// serve's default: three for each citizen, one in ten still open, each
// with the citizen's question and the bot's acknowledgement, and a staff
// reply for those resolved; and a supervisor account.
func buildBigDesk(ctx context.Context, path string) error {
	k := kb.Default()
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, path, storage.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := staff.New(staff.Config{Store: db, KB: func() *sigap.KB { return k }})
	if _, err := accounts.Add(ctx, sigap.ActorCLI, staff.NewAccount{Username: benchStaff, Name: "Pimpinan",
		Role: sigap.RoleSupervisor, Password: benchPassword}); err != nil {
		return err
	}
	const perTx = 10_000
	start := time.Now().Add(-365 * 24 * time.Hour)
	step := 365 * 24 * time.Hour / bigDeskTickets
	for first := 0; first < bigDeskTickets; first += perTx {
		err := db.Update(ctx, func(tx sigap.Tx) error {
			for i := first; i < first+perTx; i++ {
				if err := addBigDeskTicket(ctx, tx, k, cal, i, start.Add(time.Duration(i)*step)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func addBigDeskTicket(ctx context.Context, tx sigap.Tx, k *sigap.KB, cal *sla.Calendar, i int, created time.Time) error {
	c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Web, ID: fmt.Sprintf("%032x", i%bigDeskCitizens)},
		Name: "Warga " + strconv.Itoa(i%bigDeskCitizens), CreatedAt: created}
	if _, err := tx.UpsertCitizen(ctx, c); err != nil {
		return err
	}
	opd := k.OPDs[i%len(k.OPDs)].Code
	t := &sigap.Ticket{Code: fmt.Sprintf("%s-B%06d", k.Prefix, i), CitizenID: c.ID, OPD: opd, Status: sigap.StatusOpen,
		Subject: "jalan di desa kami rusak parah dan berlubang, mohon segera diperbaiki", CreatedAt: created}
	t.FirstResponseDue, t.ResolutionDue = sla.Due(cal, created, k.Policy(opd))
	thread := []sigap.Message{
		{Author: sigap.AuthorCitizen, Text: "jalan di desa kami rusak parah dan berlubang, mohon segera diperbaiki", At: created},
		{Author: sigap.AuthorBot, Text: "Terima kasih, pertanyaan Bapak/Ibu sudah kami teruskan ke petugas.", At: created},
	}
	if i%10 != 0 {
		answered := created.Add(2 * time.Hour)
		t.Status, t.FirstResponseAt, t.FirstResponder, t.Assignee = sigap.StatusResolved, answered, benchStaff, benchStaff
		t.ResolvedAt = answered.Add(18 * time.Hour)
		thread = append(thread, sigap.Message{Author: sigap.AuthorStaff, Staff: benchStaff,
			Text: "Baik, laporan sudah kami teruskan ke bidang jalan dan akan kami tinjau minggu ini.", At: answered})
	}
	if err := tx.CreateTicket(ctx, t); err != nil {
		return err
	}
	for j, m := range thread {
		m.CitizenID, m.TicketID, m.Channel, m.Kind = c.ID, t.ID, sigap.Web, sigap.KindText
		if m.Author == sigap.AuthorCitizen {
			m.PlatformID = fmt.Sprintf("b%d-%d", i, j)
		}
		if _, err := tx.AddMessage(ctx, &m); err != nil {
			return err
		}
	}
	return nil
}

// staffSession logs the benchmark's supervisor in through the API and
// returns a client that carries the session, and the CSRF token.
func staffSession(b *testing.B, p *serveProcess) (*http.Client, string) {
	b.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: time.Minute}
	body, _ := json.Marshal(map[string]string{"username": benchStaff, "password": benchPassword})
	resp, err := client.Post(p.url+"/api/login", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var who struct{ CSRF string }
	if err := json.NewDecoder(resp.Body).Decode(&who); err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("log in: status %d, %v", resp.StatusCode, err)
	}
	return client, who.CSRF
}

// getTimed fetches url and returns how long the whole answer took and its
// size.
func getTimed(b *testing.B, client *http.Client, url string) (time.Duration, int) {
	b.Helper()
	start := time.Now()
	resp, err := client.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: status %d, %v", url, resp.StatusCode, err)
	}
	return time.Since(start), int(n)
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	return s[min(len(s)-1, int(float64(len(s))*q))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// processCPU is the CPU time the process has used, from /proc.
func processCPU(b *testing.B, p *serveProcess) time.Duration {
	b.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		b.Fatalf("server CPU time: %v (the benchmark needs Linux's /proc)", err)
	}
	// The fields after the command name, which is in parentheses: utime
	// and stime are the 14th and 15th of the line, in clock ticks (100 a
	// second on Linux).
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// processPeakMB is the most memory the process has held, from /proc.
func processPeakMB(b *testing.B, p *serveProcess) float64 {
	b.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func startBigDesk(b *testing.B) *serveProcess {
	b.Helper()
	p := startServe(b, bigDeskDB(b), "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p.waitHealthy(ctx)
	return p
}

// BenchmarkTicketList times the lists a staff member opens on a database
// of 210,000 tickets: the API's list of all tickets, the queue page of all
// tickets and the default queue page (open tickets). It reports the p50
// and p90 of the whole answer, its size, the server's CPU time per
// answer, and as the floor in the same run the p90 of /healthz, the
// cheapest request that reads the database. Run with -benchtime 20x.
func BenchmarkTicketList(b *testing.B) {
	p := startBigDesk(b)
	client, _ := staffSession(b, p)
	for _, page := range []struct{ name, path string }{
		{"api-all", "/api/tickets?status=all"},
		{"queue-all", "/queue?status=all"},
		{"queue", "/queue"},
	} {
		b.Run(page.name, func(b *testing.B) {
			var floor []time.Duration
			for range 20 {
				d, _ := getTimed(b, client, p.url+"/healthz")
				floor = append(floor, d)
			}
			getTimed(b, client, p.url+page.path) // the first read fills the caches
			cpu := processCPU(b, p)
			var lat []time.Duration
			size := 0
			for b.Loop() {
				d, n := getTimed(b, client, p.url+page.path)
				lat, size = append(lat, d), size+n
			}
			cpu = processCPU(b, p) - cpu
			b.ReportMetric(ms(percentile(lat, 0.5)), "p50-ms")
			b.ReportMetric(ms(percentile(lat, 0.9)), "p90-ms")
			b.ReportMetric(float64(size)/float64(b.N)/1024, "KB/op")
			b.ReportMetric(ms(cpu)/float64(b.N), "server-cpu-ms/op")
			b.ReportMetric(ms(percentile(floor, 0.9)), "floor-p90-ms")
			b.ReportMetric(processPeakMB(b, p), "server-peak-MB")
		})
	}
}

// dashboard is one open queue page, as web/static/app.js drives it: it
// listens to the stream its page names (the queue's data-live) and
// patches in each changed ticket's row that a "row" event carries; on a
// bare "ticket" event (before live rows) it fetches the page again, 300 ms
// after the last of a burst. It records when it first showed each change.
type dashboard struct {
	client *http.Client
	url    string
	// changed is when each change (by ticket code) was committed; a fetch
	// that began after a change shows it.
	changed func(code string) (time.Time, bool)
	mu      sync.Mutex
	shown   map[string]time.Time
}

func (d *dashboard) show(code string, at time.Time) {
	d.mu.Lock()
	if _, ok := d.shown[code]; !ok {
		d.shown[code] = at
	}
	d.mu.Unlock()
}

var liveURL = regexp.MustCompile(`id="queue" data-live="([^"]*)"`)

// open loads the queue page and returns the stream it listens to.
func (d *dashboard) open() (string, error) {
	resp, err := d.client.Get(d.url + "/queue")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if m := liveURL.FindSubmatch(page); m != nil && len(m[1]) > 0 {
		return html.UnescapeString(string(m[1])), nil
	}
	return "", fmt.Errorf("the queue page has no live stream (status %d)", resp.StatusCode)
}

// run reads the event stream until ctx ends.
func (d *dashboard) run(ctx context.Context, codes []string) error {
	live, err := d.open()
	if err != nil {
		return err
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, d.url+live, nil)
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reload := time.AfterFunc(time.Hour, func() { d.reload(codes) })
	reload.Stop()
	defer reload.Stop()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "event: "); ok {
			event = name
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		switch {
		case !ok:
		case event == "row":
			var ev struct{ Code string }
			if json.Unmarshal([]byte(data), &ev) == nil && ev.Code != "" {
				d.show(ev.Code, time.Now())
			}
		case event == "ticket":
			reload.Reset(300 * time.Millisecond)
		}
	}
	return nil
}

// reload fetches the page again, which shows every change committed
// before it began.
func (d *dashboard) reload(codes []string) {
	began := time.Now()
	resp, err := d.client.Get(d.url + "/queue")
	if err != nil {
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, code := range codes {
		if at, ok := d.changed(code); ok && !at.After(began) {
			d.show(code, time.Now())
		}
	}
}

// BenchmarkLiveQueue opens 50 queue pages on the 210,000-ticket database
// and makes b.N ticket changes at 5 a second (a supervisor claims an open
// ticket through the API), then waits up to 10 s for every page to show
// every change. It reports the server's CPU share (its CPU time over the
// wall time, 1 being a whole core), its CPU time per change, and how long
// pages took to show a change (p90) and how many never did. Run with
// -benchtime 25x (five seconds of changes).
func BenchmarkLiveQueue(b *testing.B) {
	const pages, perSecond = 50, 5
	p := startBigDesk(b)
	client, csrf := staffSession(b, p)
	codes := openTicketCodes(b, bigDeskDB(b), b.N)
	var mu sync.Mutex
	changedAt := map[string]time.Time{}
	changed := func(code string) (time.Time, bool) {
		mu.Lock()
		defer mu.Unlock()
		at, ok := changedAt[code]
		return at, ok
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dash := make([]*dashboard, pages)
	var wg sync.WaitGroup
	for i := range dash {
		dash[i] = &dashboard{client: client, url: p.url, changed: changed, shown: map[string]time.Time{}}
		wg.Go(func() {
			if err := dash[i].run(ctx, codes); err != nil && ctx.Err() == nil {
				b.Error(err)
			}
		})
	}
	defer wg.Wait()
	defer cancel()
	time.Sleep(time.Second) // the pages connect
	cpu, start := processCPU(b, p), time.Now()
	b.ResetTimer()
	for i, code := range codes {
		time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / perSecond)))
		req, _ := http.NewRequest(http.MethodPost, p.url+"/api/tickets/"+code+"/claim", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("claim %s: status %d", code, resp.StatusCode)
		}
		mu.Lock()
		changedAt[code] = time.Now()
		mu.Unlock()
	}
	delays, missing := waitShown(dash, codes, changed, 10*time.Second)
	b.StopTimer()
	wall, used := time.Since(start), processCPU(b, p)-cpu
	b.ReportMetric(used.Seconds()/wall.Seconds(), "cpu-share")
	b.ReportMetric(ms(used)/float64(len(codes)), "server-cpu-ms/change")
	b.ReportMetric(ms(percentile(delays, 0.9)), "shown-p90-ms")
	b.ReportMetric(float64(missing), "never-shown")
}

// waitShown waits until every page showed every change, or for limit, and
// returns how long each showing took and how many never came.
func waitShown(dash []*dashboard, codes []string, changed func(string) (time.Time, bool), limit time.Duration) ([]time.Duration, int) {
	deadline := time.Now().Add(limit)
	for {
		var delays []time.Duration
		missing := 0
		for _, d := range dash {
			d.mu.Lock()
			for _, code := range codes {
				at, ok := d.shown[code]
				c, _ := changed(code)
				if ok {
					delays = append(delays, at.Sub(c))
				} else {
					missing++
				}
			}
			d.mu.Unlock()
		}
		if missing == 0 || time.Now().After(deadline) {
			return delays, missing
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// openTicketCodes reads the codes of n open tickets, each claimed once.
func openTicketCodes(b *testing.B, path string, n int) []string {
	b.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Query(`SELECT code FROM tickets WHERE status = 'open' AND assignee = '' ORDER BY id LIMIT ?`, n)
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	var codes []string
	for rs.Next() {
		var c string
		rs.Scan(&c)
		codes = append(codes, c)
	}
	if len(codes) < n {
		b.Fatalf("%d unclaimed open tickets, want %d", len(codes), n)
	}
	return codes
}

// BenchmarkWebChatPOST runs the load generator (package loadtest, which
// sigap-load runs too) against a real sigap serve, on an empty database
// and on a copy of the 210,000-ticket one: it finds the highest rate of
// web chat messages whose POSTs keep a p99 under 200 ms with none failing.
// The floor in the same run is one committed, fsynced transaction per
// message (synchronous=FULL), which the service's group commit beats.
// One run takes about a minute; -benchtime 1x.
func BenchmarkWebChatPOST(b *testing.B) {
	for _, db := range []struct {
		name string
		path func(b *testing.B) string
	}{
		{"empty", func(b *testing.B) string { return filepath.Join(b.TempDir(), "sigap.db") }},
		{"210k", func(b *testing.B) string { return copyFile(b, bigDeskDB(b)) }},
	} {
		b.Run(db.name, func(b *testing.B) {
			if sigapBinary == "" {
				b.Skip("runs the real binary; not built under -short")
			}
			// Lift the web chat's flood limits, which would hold the
			// load's many new conversations instead of answering them.
			p := startServe(b, db.path(b), "", "--chat-new-per-minute", "1000000", "--chat-new-per-client", "1000000",
				"--chat-messages-per-minute", "1000")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			p.waitHealthy(ctx)
			floor, _ := commitFloor(b, "FULL", 1000)
			b.ResetTimer()
			best, rate, err := loadtest.FindRate(ctx, loadtest.Config{URL: p.url}, 100, 3*time.Second, 200*time.Millisecond)
			b.StopTimer()
			if err != nil {
				b.Fatalf("%v (%v)", err, best)
			}
			b.ReportMetric(rate, "msgs/s")
			b.ReportMetric(ms(best.P99), "p99-ms")
			b.ReportMetric(floor, "floor-msgs/s")
			b.ReportMetric(rate/floor, "ratio")
		})
	}
}

func copyFile(b *testing.B, from string) string {
	b.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		b.Fatal(err)
	}
	to := filepath.Join(b.TempDir(), filepath.Base(from))
	if err := os.WriteFile(to, data, 0o600); err != nil {
		b.Fatal(err)
	}
	return to
}
