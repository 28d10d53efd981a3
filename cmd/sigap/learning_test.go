package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/bot/telegram/telegramtest"
	"github.com/pemkab-kebumen/sigap/bot/webchat"
)

// marketKB is a regency whose market office has one FAQ, on what a stall
// costs, and whose street lights have none.
const marketKB = `
prefix: PSR
triage_opd: SETDA
calendar:
  timezone: Asia/Jakarta
  hours: {mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00"}
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
  - code: DISPERINDAG
    name: Dinas Perdagangan
    description: pasar daerah, pedagang, retribusi pasar
    keywords: [pasar, los, kios]
faqs:
  - id: pasar-retribusi
    opd: DISPERINDAG
    questions: ["Berapa retribusi los di pasar daerah?"]
    answer: Retribusi los pasar daerah Rp2.000 per hari, dibayar kepada petugas pasar dengan karcis resmi.
`

// TestLearningFromUse runs the whole service and both loops of learning
// from use, on sentences of this test: a citizen's "1" → a candidate on
// the page Usulan → an admin's approval → the next citizen's question
// like it is answered from the FAQ; and questions that keep arriving with
// no FAQ → their group on Usulan → "Tulis FAQ dari ini" → the FAQ saved →
// the same question now gets it.
func TestLearningFromUse(t *testing.T) {
	ctx := testContext(t, 60*time.Second)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	kbFile := filepath.Join(t.TempDir(), "kb.yaml")
	if err := os.WriteFile(kbFile, []byte(marketKB), 0o600); err != nil {
		t.Fatal(err)
	}
	m := startMain(t, tg, func(c *Config) { c.KB = kbFile })
	waitFor(ctx, t, "the web chat to start", func() bool { return m.WebChat.State().State == webchat.StateConnected })
	citizens := &chatCitizens{t: t, ctx: ctx, m: m}
	answer := (bot.Texts{}).FAQAnswer("Retribusi los pasar daerah Rp2.000 per hari, dibayar kepada petugas pasar dengan karcis resmi.")
	const stallWithFee, stallOnly = "sewa lapak dagang di pasar, retribusi los berapa sehari?", "sewa lapak dagang di pasar berapa sehari?"

	if got := citizens.say(1, stallWithFee); !containsText(got, answer) {
		t.Fatalf("%q got %q, want the FAQ answer", stallWithFee, got)
	}
	citizens.say(1, "1")
	if got := citizens.say(2, stallOnly); containsText(got, answer) {
		t.Fatalf("precondition: %q was answered from the FAQ before anything was learnt", stallOnly)
	}
	admin := adminClient(ctx, t, m)
	get := func(path string) string { return string(apiGet(ctx, t, admin, m, path)) }
	page := get("/admin/usulan")
	id := candidateID.FindStringSubmatch(page)
	if !strings.Contains(page, stallWithFee) || id == nil {
		t.Fatalf("Usulan does not offer %q:\n%s", stallWithFee, page)
	}
	postForm(ctx, t, admin, m, page, "/admin/usulan", url.Values{"action": {"approve"}, "id": {id[1]}})
	if got := citizens.say(3, stallOnly); !containsText(got, answer) {
		t.Errorf("after the approval %q got %q, want the FAQ answer", stallOnly, got)
	}

	lights := []string{"lampu jalan mati, lapor ke mana ya?", "kalau lampu penerangan jalan di dusun mati, melapornya ke mana?",
		"lampu jalan depan rumah mati bagaimana cara lapornya?"}
	for i, q := range lights {
		if got := citizens.say(11+i, q); !containsText(got, "Dinas Perumahan dan Permukiman") {
			t.Fatalf("precondition: %q got %q, want a ticket of the street lights' OPD", q, got)
		}
	}
	page = get("/admin/usulan")
	lead := draftLink.FindStringSubmatch(page)
	if !strings.Contains(page, "3 tiket") || lead == nil {
		t.Fatalf("Usulan does not show the street lights' three questions:\n%s", page)
	}
	form := get("/admin/faqs/new?dari=" + lead[1])
	faqID := faqIDField.FindStringSubmatch(form)
	questions := questionsField.FindStringSubmatch(form)
	if faqID == nil || questions == nil || !strings.Contains(form, `value="DISPERKIM" selected`) {
		t.Fatalf("the draft FAQ form lacks its ID, questions or OPD:\n%s", form)
	}
	answerText := "Laporkan lampu jalan yang mati lewat layanan ini dengan nama dusun; petugas memperbaikinya dalam tiga hari kerja."
	postForm(ctx, t, admin, m, form, "/admin/faqs/new", url.Values{"id": {faqID[1]}, "opd": {"DISPERKIM"},
		"questions": {html.UnescapeString(questions[1])}, "answer": {answerText}})
	if got := citizens.say(21, lights[0]); !containsText(got, (bot.Texts{}).FAQAnswer(answerText)) {
		t.Errorf("after the FAQ was written %q got %q, want its answer", lights[0], got)
	}
}

var (
	candidateID    = regexp.MustCompile(`name="id" value="(\d+)">\s*<button name="action" value="approve"`)
	draftLink      = regexp.MustCompile(`href="/admin/faqs/new\?dari=([A-Z0-9-]+)"`)
	faqIDField     = regexp.MustCompile(`<input name="id" value="([^"]+)"`)
	questionsField = regexp.MustCompile(`(?s)<textarea name="questions"[^>]*>(.*?)</textarea>`)
	csrfField      = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// chatCitizens write to Main through its web chat, one chat each.
type chatCitizens struct {
	t   *testing.T
	ctx context.Context
	m   *Main
	seq int
}

// say sends text from the chat of citizen n and returns the bot's replies
// to it, which are in the chat's thread once the message is handled.
func (c *chatCitizens) say(n int, text string) []string {
	c.t.Helper()
	c.seq++
	from := sigap.Address{Channel: sigap.Web, ID: fmt.Sprintf("%032x", n)}
	thread := func() []sigap.Message {
		msgs, err := sigap.Read(c.ctx, c.m.Store, func(tx sigap.Tx) ([]sigap.Message, error) {
			citizen, err := tx.CitizenByAddress(c.ctx, from)
			if sigap.ErrorCode(err) == sigap.ENOTFOUND {
				return nil, nil
			} else if err != nil {
				return nil, err
			}
			return tx.CitizenMessages(c.ctx, citizen.ID, 100)
		})
		if err != nil {
			c.t.Fatal(err)
		}
		return msgs
	}
	before := len(thread())
	in := sigap.Inbound{From: from, PlatformID: fmt.Sprint("learn-", c.seq), Kind: sigap.KindText, Text: text, At: time.Now()}
	if err := c.m.WebChat.Receive(c.ctx, in); err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for _, msg := range thread()[before:] {
		if msg.Author == sigap.AuthorBot {
			out = append(out, msg.Text)
		}
	}
	return out
}

// postForm submits a form of the dashboard as the browser does, with the
// CSRF token of page, and wants the change saved: a redirect, followed.
func postForm(ctx context.Context, t *testing.T, client *http.Client, m *Main, page, path string, form url.Values) {
	t.Helper()
	token := csrfField.FindStringSubmatch(page)
	if token == nil {
		t.Fatalf("no CSRF token on the page before POST %s", path)
	}
	form.Set("csrf", token[1])
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+m.Addr.String()+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || !strings.Contains(resp.Request.URL.RawQuery, "ok=") {
		t.Fatalf("POST %s: %d at %s, want the page saying it is saved\n%s", path, resp.StatusCode, resp.Request.URL, b)
	}
}
