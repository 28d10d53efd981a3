package learning_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/learning"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

// marketKB is a small regency: a market office whose one FAQ says what a
// stall costs, a social office, street lights, waste.
const marketKB = `
prefix: TST
triage_opd: SETDA
calendar:
  timezone: Asia/Jakarta
  hours: {mon: "07:30-16:00", tue: "07:30-16:00", wed: "07:30-16:00", thu: "07:30-16:00", fri: "07:30-11:00"}
sla:
  first_response: 4h
  resolution: 24h
opds:
  - code: SETDA
    name: Sekretariat Daerah
    description: pertanyaan umum yang belum jelas tujuannya
  - code: DISPERKIM
    name: Dinas Perumahan dan Permukiman
    description: penerangan jalan umum, rumah tidak layak huni
    keywords: [lampu jalan, pju, rtlh]
  - code: DINSOS
    name: Dinas Sosial
    description: bantuan sosial bagi warga kurang mampu
    keywords: [bansos, pkh, blt]
  - code: DLH
    name: Dinas Lingkungan Hidup
    description: sampah, kebersihan, pencemaran
    keywords: [sampah, limbah]
  - code: DISPERINDAG
    name: Dinas Perdagangan
    description: pasar daerah, pedagang, retribusi pasar
    keywords: [pasar, los, kios]
faqs:
  - id: pasar-retribusi
    opd: DISPERINDAG
    questions: ["Berapa retribusi los di pasar daerah?"]
    answer: Retribusi los pasar daerah Rp2.000 per hari, dibayar kepada petugas pasar dengan karcis resmi.
  - id: pkh-daftar
    opd: DINSOS
    questions: ["Bagaimana cara mendaftar PKH?"]
    answer: Daftarkan diri lewat operator desa dengan membawa KTP dan KK; data diusulkan ke DTKS.
`

// env is a learner on a real SQLite file, with the real router on
// marketKB.
type env struct {
	t      testing.TB
	ctx    context.Context
	db     *storage.DB
	live   *sigap.LiveKB
	router *bot.LiveRouter
	l      *learning.Learner
	now    time.Time
	seq    int
	// log is what the router logged: whether it took a KB edit in place.
	log *bytes.Buffer
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), db: storagetest.Open(t), now: time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC), log: &bytes.Buffer{}}
	k, err := kb.Parse("market.yaml", []byte(marketKB))
	if err != nil {
		t.Fatal(err)
	}
	e.live = sigap.NewLiveKB(k)
	logger := slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if e.router, err = bot.NewLiveRouter(e.ctx, e.db, e.live, logger); err != nil {
		t.Fatal(err)
	}
	e.l = learning.New(learning.Config{Store: e.db, KB: e.live, Router: e.router, Now: func() time.Time { return e.now }})
	return e
}

// citizen stores a new citizen.
func (e *env) citizen() *sigap.Citizen {
	e.t.Helper()
	e.seq++
	c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: fmt.Sprint(9000 + e.seq)}}
	e.update(func(tx sigap.Tx) error { _, err := tx.UpsertCitizen(e.ctx, c); return err })
	return c
}

func (e *env) update(fn func(tx sigap.Tx) error) {
	e.t.Helper()
	if err := e.db.Update(e.ctx, fn); err != nil {
		e.t.Fatal(err)
	}
}

// helpful is a new citizen's "1" after faq answered text.
func (e *env) helpful(faq, text string) {
	e.t.Helper()
	c := e.citizen()
	e.update(func(tx sigap.Tx) error { return e.l.Helpful(e.ctx, tx, c, faq, text) })
}

// notHelpful is a new citizen's "2" after faq answered text.
func (e *env) notHelpful(faq, text string) {
	e.t.Helper()
	c := e.citizen()
	e.update(func(tx sigap.Tx) error { return e.l.NotHelpful(e.ctx, tx, c, faq, text) })
}

func (e *env) suggestions() learning.Suggestions {
	e.t.Helper()
	s, err := e.l.Suggestions(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// audit returns the audit log as "action detail" lines, oldest first,
// read from the database: these entries are on no ticket.
func (e *env) audit() []string {
	e.t.Helper()
	handle, _ := e.db.SharedSQL()
	rs, err := handle.QueryContext(e.ctx, `SELECT action, detail FROM audit ORDER BY id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var action, detail string
		if err := rs.Scan(&action, &detail); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, action+" "+detail)
	}
	return out
}

// actions are the audit log's actions.
func (e *env) actions() []sigap.AuditAction {
	e.t.Helper()
	var out []sigap.AuditAction
	for _, line := range e.audit() {
		action, _, _ := strings.Cut(line, " ")
		out = append(out, sigap.AuditAction(action))
	}
	return out
}

func (e *env) decides(text string) sigap.Decision { return e.router.Decide(text) }

const (
	stallWithFee = "sewa lapak dagang di pasar, retribusi los berapa sehari?"
	stallOnly    = "sewa lapak dagang di pasar berapa sehari?"
)

// An approved paraphrase joins its FAQ in the KB in force and in the
// saved KB, audited, and the router answers questions like it at once.
func TestApproveParaphrase(t *testing.T) {
	e := newEnv(t)
	if d := e.decides(stallWithFee); d.FAQ != "pasar-retribusi" {
		t.Fatalf("precondition: %q decided %+v, want the FAQ", stallWithFee, d)
	}
	if d := e.decides(stallOnly); d.Action == sigap.ActionFAQ {
		t.Fatalf("precondition: %q is answered before anything was learnt: %+v", stallOnly, d)
	}
	e.helpful("pasar-retribusi", stallWithFee)
	e.helpful("pasar-retribusi", strings.ToUpper(stallWithFee)) // the same question, counted twice
	got := e.suggestions().Paraphrases
	if len(got) != 1 || got[0].Count != 2 || got[0].Of.ID != "pasar-retribusi" {
		t.Fatalf("candidates %+v, want the question once, confirmed twice", got)
	}
	before := e.live.Get()
	if err := e.l.Approve(e.ctx, sigap.StaffActor("admin"), got[0].ID); err != nil {
		t.Fatal(err)
	}
	if e.live.Get() == before {
		t.Fatal("the KB in force did not change")
	}
	for name, k := range map[string]*sigap.KB{"in force": e.live.Get(), "saved": savedKB(t, e)} {
		if f, _ := k.FAQ("pasar-retribusi"); !slices.Contains(f.Questions, stallWithFee) {
			t.Errorf("the KB %s: questions %q, want the approved one", name, f.Questions)
		}
	}
	if d := e.decides(stallOnly); d.FAQ != "pasar-retribusi" {
		t.Errorf("after the approval %q decided %+v, want the FAQ", stallOnly, d)
	}
	if log := e.log.String(); !strings.Contains(log, "in place") || strings.Contains(log, "rebuilt") {
		t.Errorf("the router did not take the approval in place:\n%s", log)
	}
	if got := e.suggestions().Paraphrases; len(got) != 0 {
		t.Errorf("candidates after the approval: %+v, want none", got)
	}
	if got := e.actions(); !slices.Equal(got, []sigap.AuditAction{sigap.ActionParaphraseApprove}) {
		t.Errorf("audit %v, want the approval", got)
	}
	// A citizen confirming an FAQ question suggests nothing.
	e.helpful("pasar-retribusi", stallWithFee+"  ")
	if got := e.suggestions().Paraphrases; len(got) != 0 {
		t.Errorf("an FAQ question confirmed again is a candidate: %+v", got)
	}
}

func savedKB(t *testing.T, e *env) *sigap.KB {
	t.Helper()
	k, err := kb.Saved(e.ctx, e.db)
	if err != nil || k == nil {
		t.Fatalf("saved KB %v, %v", k, err)
	}
	return k
}

// A rejected candidate leaves the page for good, audited without the
// citizen's words.
func TestRejectParaphrase(t *testing.T) {
	e := newEnv(t)
	e.helpful("pasar-retribusi", "karcis parkir di pasar berapa?")
	got := e.suggestions().Paraphrases
	if len(got) != 1 {
		t.Fatalf("candidates %+v, want one", got)
	}
	if err := e.l.Reject(e.ctx, sigap.StaffActor("admin"), got[0].ID); err != nil {
		t.Fatal(err)
	}
	e.helpful("pasar-retribusi", "Karcis parkir di pasar berapa")
	if got := e.suggestions().Paraphrases; len(got) != 0 {
		t.Errorf("a rejected question asked again is a candidate: %+v", got)
	}
	if err := e.l.Approve(e.ctx, sigap.StaffActor("admin"), got[0].ID); sigap.ErrorCode(err) != sigap.ECONFLICT {
		t.Errorf("approving a rejected candidate: %v, want ECONFLICT", err)
	}
	if log := e.audit(); len(log) != 1 || !strings.HasPrefix(log[0], string(sigap.ActionParaphraseReject)) || strings.Contains(log[0], "parkir") {
		t.Errorf("audit %q, want one rejection that does not quote the citizen", log)
	}
}

// What is no paraphrase is not suggested: an unknown FAQ, a story, a
// phone or identity number, an empty text.
func TestHelpfulSkips(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct{ faq, text string }{
		{"tidak-ada", "retribusi los pasar berapa?"},
		{"pasar-retribusi", strings.Repeat("saya pedagang sayur di pasar sejak lama dan ", 10) + "retribusinya berapa?"},
		{"pasar-retribusi", "retribusi los atas nama 3305123456780001 berapa?"},
		{"pasar-retribusi", "kios saya nomor 0812-3456-7890 bayar berapa"},
		{"pasar-retribusi", "  "},
	} {
		e.helpful(tt.faq, tt.text)
	}
	if got := e.suggestions().Paraphrases; len(got) != 0 {
		t.Errorf("candidates %+v, want none", got)
	}
}

// A "2" stops the FAQ answering that question at once, and after a
// restart; deleting the negative example gives the FAQ back.
func TestNegativeExample(t *testing.T) {
	e := newEnv(t)
	question := "retribusi los pasar berapa sehari?"
	if d := e.decides(question); d.FAQ != "pasar-retribusi" {
		t.Fatalf("precondition: %q decided %+v, want the FAQ", question, d)
	}
	e.notHelpful("pasar-retribusi", question)
	if d := e.decides(question); d.Action == sigap.ActionFAQ {
		t.Errorf("after a 2 %q decided %+v, want no FAQ answer", question, d)
	}
	restarted, err := bot.NewLiveRouter(e.ctx, e.db, e.live, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := restarted.Decide(question); d.Action == sigap.ActionFAQ {
		t.Errorf("after a restart %q decided %+v: the stored negative example was not replayed", question, d)
	}
	if d := e.decides("Bagaimana cara mendaftar PKH?"); d.FAQ != "pkh-daftar" {
		t.Errorf("another FAQ's question: %+v, want it answered still", d)
	}
	negs := e.suggestions().Negatives
	if len(negs) != 1 || negs[0].Of.ID != "pasar-retribusi" || negs[0].Text != question {
		t.Fatalf("negatives %+v, want the one", negs)
	}
	if err := e.l.DeleteNegative(e.ctx, sigap.StaffActor("admin"), negs[0].ID); err != nil {
		t.Fatal(err)
	}
	if d := e.decides(question); d.FAQ != "pasar-retribusi" {
		t.Errorf("after deleting the negative %q decided %+v, want the FAQ", question, d)
	}
	if got := e.actions(); !slices.Equal(got, []sigap.AuditAction{sigap.ActionNegativeDelete}) {
		t.Errorf("audit %v, want the deletion", got)
	}
	// The FAQ's own question teaches nothing: the citizen wanted more.
	e.notHelpful("pasar-retribusi", "Berapa retribusi los di pasar daerah?")
	if negs := e.suggestions().Negatives; len(negs) != 0 {
		t.Errorf("negatives %+v after a 2 on the FAQ's own question, want none", negs)
	}
}

// Approving a question that was a negative example of the same FAQ takes
// the negative back: the admin said the FAQ answers it.
func TestApproveTakesBackTheNegative(t *testing.T) {
	e := newEnv(t)
	question := "retribusi los pasar berapa sehari?"
	e.notHelpful("pasar-retribusi", question)
	e.helpful("pasar-retribusi", question)
	got := e.suggestions().Paraphrases
	if len(got) != 1 {
		t.Fatalf("candidates %+v, want one", got)
	}
	if err := e.l.Approve(e.ctx, sigap.StaffActor("admin"), got[0].ID); err != nil {
		t.Fatal(err)
	}
	if negs := e.suggestions().Negatives; len(negs) != 0 {
		t.Errorf("negatives %+v, want the approved question's gone", negs)
	}
	if d := e.decides(question); d.FAQ != "pasar-retribusi" {
		t.Errorf("%q decided %+v, want the FAQ", question, d)
	}
}

// ask stores a ticket a citizen's question opened at e.now minus ago.
func (e *env) ask(opd, question string, ago time.Duration) string {
	e.t.Helper()
	c := e.citizen()
	e.seq++
	t := &sigap.Ticket{Code: fmt.Sprintf("TST-%04d", e.seq), CitizenID: c.ID, OPD: opd, Status: sigap.StatusOpen,
		Subject: question, CreatedAt: e.now.Add(-ago), UpdatedAt: e.now.Add(-ago)}
	e.update(func(tx sigap.Tx) error { return tx.CreateTicket(e.ctx, t) })
	return t.Code
}

// The questions no FAQ answers are grouped by what they ask, the largest
// group first, each with the OPD holding most of it; writing the FAQ a
// group lacks, from its draft, answers its questions, and the group goes.
func TestUnansweredGroups(t *testing.T) {
	e := newEnv(t)
	h := time.Hour
	lights := []string{
		e.ask("SETDA", "kalau lampu penerangan jalan di dusun mati, melapornya ke mana?", 50*h),
		e.ask("DISPERKIM", "lampu jalan depan rumah saya 081234567890 mati, bagaimana cara lapor?", 30*h),
		e.ask("DISPERKIM", "lampu jalan mati lapor ke mana ya", 2*h),
	}
	e.ask("DISPERKIM", "lampu jalan di perempatan mati total", 3*h) // a report: no question for an FAQ
	aid := []string{
		e.ask("DINSOS", "kapan bantuan BLT dana desa cair?", 40*h),
		e.ask("DINSOS", "BLT DD bulan ini belum cair min, kenapa?", 20*h),
		e.ask("DINSOS", "pencairan blt dana desa kapan ya", 10*h),
		e.ask("DINSOS", "Pencairan BLT dana desa kapan ya?", 9*h),
	}
	waste := []string{
		e.ask("DLH", "sampah di pinggir sungai menumpuk, siapa yang mengangkut?", 5*h),
		e.ask("DLH", "tumpukan sampah dekat sungai kapan diangkut?", 4*h),
	}
	e.ask("SETDA", "anjing liar berkeliaran di pasar, siapa yang menangani?", 3*h) // alone: no group
	e.ask("DISPERINDAG", "Berapa retribusi los di pasar daerah ini?", 1*h)         // an FAQ answers it
	groups, err := e.l.Unanswered(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		lead, opd string
		count     int
	}
	var got []want
	for _, g := range groups {
		got = append(got, want{g.Lead, g.OPD, g.Count})
	}
	if w := []want{{aid[3], "DINSOS", 4}, {lights[2], "DISPERKIM", 3}, {waste[1], "DLH", 2}}; !slices.Equal(got, w) {
		t.Fatalf("groups %+v, want %+v", got, w)
	}
	if q := groups[0].Questions; len(q) != 3 {
		t.Errorf("questions %q, want the three distinct ones", q)
	}
	if q := groups[1].Questions; len(q) != 3 || !strings.Contains(q[1], "[nomor]") || strings.Contains(q[1], "0812") {
		t.Errorf("questions %q, want the phone number hidden", q)
	}
	if !slices.Contains(groups[1].Words, "lampu") {
		t.Errorf("words %q of the street lights, want lampu among them", groups[1].Words)
	}

	// A question that came since the last visit joins its group.
	e.ask("DLH", "sampah numpuk di bantaran sungai, yang angkut siapa ya?", 0)
	groups, _ = e.l.Unanswered(e.ctx)
	if i := slices.IndexFunc(groups, func(g learning.Group) bool { return g.OPD == "DLH" }); len(groups) != 3 || i < 0 || groups[i].Count != 3 {
		t.Errorf("groups after one more waste question: %+v, want it in the waste group", groups)
	}

	draft, err := e.l.Draft(e.ctx, lights[0])
	if err != nil {
		t.Fatal(err)
	}
	if draft.OPD != "DISPERKIM" || len(draft.Questions) != 3 || draft.ID == "" {
		t.Fatalf("draft %+v, want the group's OPD and questions and an ID", draft)
	}
	draft.Answer = "Laporkan lampu penerangan jalan yang mati lewat layanan ini dengan nama dusun; petugas memperbaikinya dalam tiga hari kerja."
	k := *e.live.Get()
	k.FAQs = append(slices.Clone(k.FAQs), draft)
	if err := kb.Edit(e.ctx, e.db, e.live, sigap.StaffActor("admin"), &k, "faq "+draft.ID); err != nil {
		t.Fatal(err)
	}
	if d := e.decides("lampu jalan mati lapor ke mana ya"); d.FAQ != draft.ID {
		t.Errorf("the group's question after the FAQ was written: %+v, want FAQ %s", d, draft.ID)
	}
	if groups, _ := e.l.Unanswered(e.ctx); len(groups) != 2 || groups[1].Lead == lights[2] {
		t.Errorf("groups after the FAQ was written: %+v, want the street lights gone", groups)
	}
	if _, err := e.l.Draft(e.ctx, lights[0]); sigap.ErrorCode(err) != sigap.ENOTFOUND {
		t.Errorf("a draft of a group an FAQ answers now: %v, want ENOTFOUND", err)
	}
}

// BenchmarkUnanswered times a visit of the Usulan page over 5,000 recent
// questions no FAQ answers: the first visit reads and decides them all,
// a later one only those that came since (here none). The floor is the
// read of the questions alone, without deciding them, in the same run.
func BenchmarkUnanswered(b *testing.B) {
	e := newEnv(b)
	topics := []string{"lampu jalan", "bantuan blt", "sampah sungai", "anjing liar", "jalan berlubang", "air sumur"}
	e.update(func(tx sigap.Tx) error {
		c := &sigap.Citizen{Address: sigap.Address{Channel: sigap.Telegram, ID: "1"}}
		if _, err := tx.UpsertCitizen(e.ctx, c); err != nil {
			return err
		}
		for i := range 5000 {
			at := e.now.Add(-time.Duration(i) * time.Minute)
			t := &sigap.Ticket{Code: fmt.Sprintf("TST-%05d", i), CitizenID: c.ID, OPD: "SETDA", Status: sigap.StatusOpen,
				Subject: fmt.Sprintf("%s di dusun %d kapan ditangani ya?", topics[i%len(topics)], i), CreatedAt: at, UpdatedAt: at}
			if err := tx.CreateTicket(e.ctx, t); err != nil {
				return err
			}
		}
		return nil
	})
	since := e.now.Add(-learning.Window)
	start := time.Now()
	if _, err := sigap.Read(e.ctx, e.db, func(tx sigap.Tx) ([]sigap.Ticket, error) { return tx.UnansweredQuestions(e.ctx, since, 5000) }); err != nil {
		b.Fatal(err)
	}
	floor := time.Since(start)
	start = time.Now()
	if _, err := e.l.Unanswered(e.ctx); err != nil {
		b.Fatal(err)
	}
	first := time.Since(start)
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.l.Unanswered(e.ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(first.Microseconds())/1000, "first-visit-ms")
	b.ReportMetric(float64(floor.Microseconds())/1000, "floor-read-ms")
}

// A citizen's "2" teaches the router at once, and the Usulan page, which
// reuses what it read of each question, sees the change at once too: the
// questions the FAQ no longer answers form a group on the next visit.
func TestUnansweredAfterNegative(t *testing.T) {
	e := newEnv(t)
	question := "retribusi los pasar berapa sehari?"
	e.ask("DISPERINDAG", question, 3*time.Hour)
	e.ask("DISPERINDAG", "retribusi los di pasar berapa sehari ya?", 2*time.Hour)
	if groups, _ := e.l.Unanswered(e.ctx); len(groups) != 0 {
		t.Fatalf("groups %+v while the FAQ answers both, want none", groups)
	}
	e.notHelpful("pasar-retribusi", question)
	groups, err := e.l.Unanswered(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].OPD != "DISPERINDAG" || groups[0].Count != 2 {
		t.Errorf("groups %+v after the 2, want the two questions the FAQ no longer answers", groups)
	}
}
