package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/replay"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// testKBYAML is the knowledge base of the replay, report and benchmark
// tests. Its calendar is easy to count by hand: Monday to Thursday
// 08:00-16:00, Friday 08:00-11:30 and 13:00-16:00, WIB; closed on 10 and
// 11 April and 1 May 2024. The OPDs have different targets, and their
// keywords make plainly written complaints land in one of them.
const testKBYAML = `prefix: TST
triage_opd: DISKOMINFO
calendar:
  timezone: Asia/Jakarta
  hours:
    mon: "08:00-16:00"
    tue: "08:00-16:00"
    wed: "08:00-16:00"
    thu: "08:00-16:00"
    fri: "08:00-11:30,13:00-16:00"
  holidays: [2024-04-10, 2024-04-11, 2024-05-01]
sla:
  first_response: 4h
  resolution: 24h
opds:
  - code: DISKOMINFO
    name: Dinas Komunikasi dan Informatika
    description: layanan informasi publik, website pemerintah, internet desa
    keywords: [website, internet, wifi desa, informasi publik]
  - code: DPUPR
    name: Dinas Pekerjaan Umum dan Penataan Ruang
    description: jalan dan jembatan kabupaten, perbaikan jalan rusak dan berlubang, drainase dan gorong-gorong
    keywords: [jalan rusak, jalan berlubang, aspal, jembatan, drainase, gorong-gorong]
    examples:
      - Jalan di desa kami rusak parah dan berlubang, kapan diperbaiki?
      - Jembatan penghubung dua dusun sudah retak
    sla:
      first_response: 2h
  - code: DINKES
    name: Dinas Kesehatan
    description: puskesmas, imunisasi, demam berdarah dan fogging
    keywords: [puskesmas, imunisasi, fogging, demam berdarah, dbd]
    examples:
      - Di kampung saya banyak yang kena demam berdarah, bisa minta fogging?
    sla:
      resolution: 16h
  - code: DLH
    name: Dinas Lingkungan Hidup
    description: sampah, tempat pembuangan sampah, lampu penerangan jalan
    keywords: [sampah, tps, lampu jalan, pju]
    examples:
      - Sampah di TPS dekat pasar tidak diangkut sudah seminggu
    sla:
      first_response: 3h
      resolution: 40h
faqs:
  - id: jam-puskesmas
    opd: DINKES
    questions: ["Jam berapa puskesmas buka?", "Puskesmas buka jam berapa?"]
    answer: Puskesmas buka Senin sampai Sabtu pukul 07.30 sampai 14.00.
`

// writeTestKB writes testKBYAML to a temporary file and returns its path.
func writeTestKB(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kb.yaml")
	if err := os.WriteFile(path, []byte(testKBYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runInProcess runs the sigap command line in this process and returns
// its exit status, standard output and standard error.
func runInProcess(t testing.TB, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }}
	status = run(context.Background(), env, args)
	return status, out.String(), errOut.String()
}

// writeLines writes lines to a new temporary file and returns its path.
func writeLines(t testing.TB, lines []string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readReplies reads the lines replay --out wrote.
func readReplies(t *testing.T, path string) []replay.Reply {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []replay.Reply
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r replay.Reply
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("replies line %d: %v: %s", len(out)+1, err, sc.Text())
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// wantReply is an expected line of replay --out. Ticket codes are random,
// so a ticket is named by a label ("A", "B") bound to the first code seen
// under it; "{A}" in a phrase stands for that code.
type wantReply struct {
	at      string // RFC 3339
	to      string
	ticket  string // label, or "" for a message outside any ticket
	phrases []string
}

const (
	nameDPUPR  = "Dinas Pekerjaan Umum dan Penataan Ruang"
	nameDINKES = "Dinas Kesehatan"
)

var ticketCodePattern = regexp.MustCompile(`^TST-[0-9A-Z]{4,8}$`)

func TestReplayReplies(t *testing.T) {
	welcome := []string{"Selamat datang di Sigap", "UU 27/2022"}
	tests := []struct {
		name       string
		events     []string
		wantStatus int
		// wantStderr are the line reports, in order, each "line N: …".
		wantStderr []string
		want       []wantReply
	}{
		{
			// Wednesday 14:30 with a 2h target: 1h30 today, 30 minutes
			// on Thursday from 08:00.
			name: "routed ticket, transfer to its own OPD, reply, resolve, rating",
			events: []string{
				`{"at":"2024-04-03T14:30:00+07:00","type":"message","from":"tg:1001","name":"Budi","text":"jalan di desa kami rusak parah dan berlubang"}`,
				`{"at":"2024-04-03T14:40:00+07:00","type":"transfer","from":"tg:1001","opd":"DPUPR","staff":"triase"}`,
				`{"at":"2024-04-03T15:10:00+07:00","type":"reply","from":"tg:1001","staff":"dpupr","text":"Baik, kami survei besok pagi."}`,
				`{"at":"2024-04-04T09:00:00+07:00","type":"resolve","from":"tg:1001","staff":"dpupr"}`,
				`{"at":"2024-04-04T09:20:00+07:00","type":"message","from":"tg:1001","text":"5"}`,
			},
			want: []wantReply{
				{at: "2024-04-03T14:30:00+07:00", to: "tg:1001", phrases: welcome},
				{at: "2024-04-03T14:30:00+07:00", to: "tg:1001", ticket: "A", phrases: []string{
					"sudah kami teruskan ke " + nameDPUPR + " dengan nomor tiket {A}.",
					"paling lambat Kamis, 4 April 2024 pukul 08.30 WIB"}},
				{at: "2024-04-03T15:10:00+07:00", to: "tg:1001", ticket: "A", phrases: []string{
					"[" + nameDPUPR + "] Baik, kami survei besok pagi."}},
				{at: "2024-04-04T09:00:00+07:00", to: "tg:1001", ticket: "A", phrases: []string{
					"Tiket {A} telah diselesaikan oleh " + nameDPUPR, "balas angka 1 (sangat kurang) sampai 5"}},
				{at: "2024-04-04T09:20:00+07:00", to: "tg:1001", phrases: []string{"Terima kasih atas penilaian"}},
			},
		},
		{
			// Tuesday 20:00 before two holidays: the clock starts on
			// Friday at 08:00. DINKES has 4h: 3h30 until 11:30, 30
			// minutes after the break. Moved to DPUPR (2h), the due time
			// counts from creation under the new target.
			name: "outside working hours, then a transfer to another OPD",
			events: []string{
				`{"at":"2024-04-09T20:00:00+07:00","type":"message","from":"wa:6281234567890","name":"Siti","text":"banyak warga kena demam berdarah, mohon fogging"}`,
				`{"at":"2024-04-12T08:30:00+07:00","type":"transfer","from":"wa:6281234567890","opd":"DPUPR","staff":"dinkes","reason":"genangan dari gorong-gorong"}`,
				`{"at":"2024-04-12T09:00:00+07:00","type":"message","from":"wa:6281234567890","text":"gorong-gorong depan rumah mampet"}`,
			},
			want: []wantReply{
				{at: "2024-04-09T20:00:00+07:00", to: "wa:6281234567890", phrases: welcome},
				{at: "2024-04-09T20:00:00+07:00", to: "wa:6281234567890", ticket: "A", phrases: []string{
					"sudah kami teruskan ke " + nameDINKES + " dengan nomor tiket {A}.",
					"Saat ini di luar jam kerja; waktu penanganan dihitung mulai Jumat, 12 April 2024 pukul 08.00 WIB.",
					"paling lambat Jumat, 12 April 2024 pukul 13.30 WIB"}},
				{at: "2024-04-12T08:30:00+07:00", to: "wa:6281234567890", ticket: "A", phrases: []string{
					"Tiket {A} kami teruskan ke " + nameDPUPR,
					"paling lambat Jumat, 12 April 2024 pukul 10.00 WIB"}},
				{at: "2024-04-12T09:00:00+07:00", to: "wa:6281234567890", ticket: "A", phrases: []string{
					"sudah kami tambahkan ke tiket {A}"}},
			},
		},
		{
			name: "lines that cannot apply are reported and skipped",
			events: []string{
				`{"at":"2024-04-03T08:00:00+07:00","type":"reply","from":"tg:7","staff":"dpupr","text":"Halo"}`,
				`{"at":"2024-04-03T08:01:00+07:00","type":"message","from":"tg:7",`,
				``,
				`{"at":"2024-04-03T08:02:00+07:00","type":"message","from":"tg:7","text":"sampah di tps belum diangkut"}`,
				`{"at":"2024-04-03T08:03:00+07:00","type":"escalate","from":"tg:7","staff":"dlh"}`,
				`{"type":"message","from":"tg:7","text":"halo"}`,
				`{"at":"2024-04-03T08:05:00+07:00","type":"message","from":"sms:7","text":"halo"}`,
				`{"at":"2024-04-03T08:06:00+07:00","type":"reply","from":"tg:7","text":"tanpa petugas"}`,
				`{"at":"2024-04-03T08:07:00+07:00","type":"resolve","from":"tg:7","staff":"dlh"}`,
				`{"at":"2024-04-03T08:08:00+07:00","type":"reply","from":"tg:7","staff":"dlh","text":"Sudah kami angkut."}`,
			},
			wantStatus: 1,
			wantStderr: []string{
				"line 1: reply event: tg:7 has no open ticket",
				"line 2: invalid event",
				"line 5: unknown event type \"escalate\"",
				"line 6: invalid event: \"at\" is missing",
				"line 7: invalid event: \"from\" \"sms:7\": want <tg|wa|web|fb|ig>:<id>",
				"line 8: reply event: \"staff\" is missing",
				"line 10: reply event: tg:7 has no open ticket",
				"sigap replay: 7 line(s) skipped",
			},
			want: []wantReply{
				{at: "2024-04-03T08:02:00+07:00", to: "tg:7", phrases: welcome},
				{at: "2024-04-03T08:02:00+07:00", to: "tg:7", ticket: "A", phrases: []string{
					"sudah kami teruskan ke Dinas Lingkungan Hidup dengan nomor tiket {A}.",
					"paling lambat Rabu, 3 April 2024 pukul 11.02 WIB"}},
				{at: "2024-04-03T08:07:00+07:00", to: "tg:7", ticket: "A", phrases: []string{"Tiket {A} telah diselesaikan"}},
			},
		},
	}
	kbPath := writeTestKB(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			outPath := filepath.Join(dir, "replies.jsonl")
			status, _, stderr := runInProcess(t, "replay", "--kb", kbPath, "--db", filepath.Join(dir, "r.db"),
				writeLines(t, tt.events), "--out", outPath)
			if status != tt.wantStatus {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tt.wantStatus, stderr)
			}
			gotStderr := strings.Split(strings.TrimSpace(stderr), "\n")
			if stderr == "" {
				gotStderr = nil
			}
			if len(gotStderr) != len(tt.wantStderr) {
				t.Errorf("stderr has %d lines, want %d:\n%s", len(gotStderr), len(tt.wantStderr), stderr)
			}
			for i := range min(len(gotStderr), len(tt.wantStderr)) {
				if !strings.HasPrefix(gotStderr[i], tt.wantStderr[i]) {
					t.Errorf("stderr line %d = %q, want it to start with %q", i+1, gotStderr[i], tt.wantStderr[i])
				}
			}
			checkReplies(t, readReplies(t, outPath), tt.want)
		})
	}
}

// checkReplies compares replay's output with the expected replies.
func checkReplies(t *testing.T, got []replay.Reply, want []wantReply) {
	t.Helper()
	codes := map[string]string{} // label → code
	for i := range max(len(got), len(want)) {
		if i >= len(got) {
			t.Errorf("reply %d missing; want one to %s at %s with %q", i+1, want[i].to, want[i].at, want[i].phrases)
			continue
		}
		g := got[i]
		if i >= len(want) {
			t.Errorf("unexpected reply %d: %+v", i+1, g)
			continue
		}
		w := want[i]
		if wantAt, err := time.Parse(time.RFC3339, w.at); err != nil {
			t.Fatal(err)
		} else if !g.At.Equal(wantAt) {
			t.Errorf("reply %d at %s, want %s", i+1, g.At.Format(time.RFC3339), w.at)
		}
		if g.To != w.to {
			t.Errorf("reply %d to %q, want %q", i+1, g.To, w.to)
		}
		switch code, seen := codes[w.ticket]; {
		case w.ticket == "" && g.Ticket != "":
			t.Errorf("reply %d belongs to ticket %s, want none", i+1, g.Ticket)
		case w.ticket == "":
		case !ticketCodePattern.MatchString(g.Ticket):
			t.Errorf("reply %d ticket %q, want a code like TST-7K3QX", i+1, g.Ticket)
		case !seen:
			for label, other := range codes {
				if other == g.Ticket {
					t.Errorf("reply %d: ticket %s is already ticket %s, want a new one", i+1, g.Ticket, label)
				}
			}
			codes[w.ticket] = g.Ticket
		case code != g.Ticket:
			t.Errorf("reply %d ticket %s, want %s (ticket %s)", i+1, g.Ticket, code, w.ticket)
		}
		for _, p := range w.phrases {
			for label, code := range codes {
				p = strings.ReplaceAll(p, "{"+label+"}", code)
			}
			if !strings.Contains(g.Text, p) {
				t.Errorf("reply %d text lacks %q:\n%s", i+1, p, g.Text)
			}
		}
	}
}

// tableCounts counts the rows of the tables a replay writes to.
func tableCounts(t *testing.T, dbPath string) map[string]int {
	t.Helper()
	store, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	db, _ := store.SharedSQL()
	counts := map[string]int{}
	for _, table := range []string{"citizens", "tickets", "messages", "outbox", "audit", "faq_answers", "examples"} {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		counts[table] = n
	}
	return counts
}

func TestReplayTwiceDuplicatesNothing(t *testing.T) {
	// Two tickets in turn for one citizen, so that a staff event applied
	// again would land on the second ticket; an FAQ answer; a transfer.
	events := []string{
		`{"at":"2024-04-01T09:00:00+07:00","type":"message","from":"tg:2001","name":"Ani","text":"jam berapa puskesmas buka?"}`,
		`{"at":"2024-04-01T09:05:00+07:00","type":"message","from":"tg:2001","text":"jalan di desa kami rusak parah dan berlubang"}`,
		`{"at":"2024-04-01T09:30:00+07:00","type":"reply","from":"tg:2001","staff":"dpupr","text":"Kami cek lokasinya."}`,
		`{"at":"2024-04-02T10:00:00+07:00","type":"resolve","from":"tg:2001","staff":"dpupr"}`,
		`{"at":"2024-04-03T10:00:00+07:00","type":"message","from":"tg:2001","text":"sampah di tps belum diangkut"}`,
		`{"at":"2024-04-03T10:10:00+07:00","type":"transfer","from":"tg:2001","opd":"DINKES","staff":"dlh"}`,
		`{"at":"2024-04-03T10:30:00+07:00","type":"reply","from":"tg:2001","staff":"dinkes","text":"Baik, kami teruskan."}`,
	}
	kbPath := writeTestKB(t)
	dir := t.TempDir()
	dbPath, eventsPath := storagetest.DB(t), writeLines(t, events)

	status, _, stderr := runInProcess(t, "replay", "--kb", kbPath, "--db", dbPath, eventsPath)
	if status != 0 {
		t.Fatalf("first replay: exit status %d; stderr:\n%s", status, stderr)
	}
	first := tableCounts(t, dbPath)
	if first["tickets"] != 2 || first["faq_answers"] != 1 {
		t.Fatalf("first replay: %d tickets and %d FAQ answers, want 2 and 1", first["tickets"], first["faq_answers"])
	}

	outPath := filepath.Join(dir, "again.jsonl")
	status, _, stderr = runInProcess(t, "replay", "--kb", kbPath, "--db", dbPath, eventsPath, "--out", outPath)
	if status != 0 {
		t.Errorf("second replay: exit status %d, want 0; stderr:\n%s", status, stderr)
	}
	if again := tableCounts(t, dbPath); !equalCounts(first, again) {
		t.Errorf("second replay changed the database: rows before %v, after %v", first, again)
	}
	if replies := readReplies(t, outPath); len(replies) != 0 {
		t.Errorf("second replay sent %d messages, want none: %+v", len(replies), replies)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestReplayStampsSimulatedTime checks that what replay stores carries
// the events' times, not the machine's.
func TestReplayStampsSimulatedTime(t *testing.T) {
	at := time.Date(2024, 4, 3, 14, 30, 0, 0, time.FixedZone("WIB", 7*3600))
	events := []string{
		`{"at":"2024-04-03T14:30:00+07:00","type":"message","from":"tg:3001","name":"Joko","text":"jalan di desa kami rusak parah dan berlubang"}`,
	}
	dbPath := storagetest.DB(t)
	if status, _, stderr := runInProcess(t, "replay", "--kb", writeTestKB(t), "--db", dbPath, writeLines(t, events)); status != 0 {
		t.Fatalf("exit status %d; stderr:\n%s", status, stderr)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(ctx, func(tx sigap.Tx) error {
		c, err := tx.CitizenByAddress(ctx, sigap.Address{Channel: sigap.Telegram, ID: "3001"})
		if err != nil {
			return err
		}
		if !c.CreatedAt.Equal(at) {
			t.Errorf("citizen created at %s, want %s", c.CreatedAt, at)
		}
		tk, err := tx.OpenTicket(ctx, c.ID)
		if err != nil {
			return err
		}
		if !tk.CreatedAt.Equal(at) || tk.OPD != "DPUPR" {
			t.Errorf("ticket in %s created at %s, want DPUPR at %s", tk.OPD, tk.CreatedAt, at)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
