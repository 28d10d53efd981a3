package meta_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap/internal/clocktest"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/bot/meta"
	"github.com/pemkab-kebumen/sigap/bot/meta/metatest"
	"github.com/pemkab-kebumen/sigap/desk"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/sla"
	"github.com/pemkab-kebumen/sigap/storage"
	"github.com/pemkab-kebumen/sigap/storage/storagetest"
)

const (
	appSecret   = "app-secret-for-tests"
	verifyToken = "verify-token-for-tests"
	page        = "1001"              // the regency's Facebook Page
	igAccount   = "17841400000000001" // the regency's Instagram account
	dinkesIG    = "17841400000000002" // Dinkes' own Instagram account
)

var tokens = map[string]string{page: "page-token", igAccount: "ig-token", dinkesIG: "dinkes-token"}

var ticketCode = regexp.MustCompile(`KBM-[A-Z0-9]{5}`)

// harness runs the channel against the fake Graph API, with the real
// conversation, desk, outbox and router on a real SQLite file.
type harness struct {
	t       *testing.T
	ctx     context.Context
	db      *storage.DB
	clock   *clocktest.Clock
	graph   *metatest.Server
	adapter *meta.Adapter
	desk    *desk.Desk
	outbox  *desk.Outbox
	hook    *httptest.Server
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := context.Background()
	h := &harness{t: t, ctx: ctx, db: storagetest.Open(t),
		clock: clocktest.New(time.Date(2024, 4, 3, 9, 15, 0, 0, time.FixedZone("WIB", 7*3600)))}
	h.graph = metatest.NewServer(appSecret, tokens)
	t.Cleanup(h.graph.Close)
	k := kb.Default()
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	live := sigap.NewLiveKB(k)
	router, err := bot.NewLiveRouter(ctx, h.db, live, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.desk = desk.New(desk.Config{Store: h.db, KB: live, Calendar: cal, Now: h.clock.Now, Texts: bot.Texts{Loc: cal.Location()}})
	b := bot.New(bot.Config{Store: h.db, Desk: h.desk, Router: router, Now: h.clock.Now})
	h.adapter, err = meta.New(meta.Config{AppSecret: appSecret, VerifyToken: verifyToken, Accounts: tokens,
		OPDs: map[string]string{dinkesIG: "DINKES"}, API: h.graph.URL(), Store: h.db, Now: h.clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicNote: bot.Texts{}.CommentPublicNote()})
	if err != nil {
		t.Fatal(err)
	}
	senders := map[sigap.Channel]sigap.Sender{}
	mux := http.NewServeMux()
	for _, c := range h.adapter.Channels() {
		senders[c.Channel()] = c
		if hc, ok := c.(sigap.HTTPChannel); ok {
			hc.Routes(mux, b)
		}
	}
	h.outbox = &desk.Outbox{Store: h.db, Senders: senders, Now: h.clock.Now, Parallel: 1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h.hook = httptest.NewServer(mux)
	t.Cleanup(h.hook.Close)
	return h
}

// post sends a webhook body with a signature header ("" for none) and
// returns the status.
func (h *harness) post(body []byte, signature string) int {
	h.t.Helper()
	req, _ := http.NewRequestWithContext(h.ctx, http.MethodPost, h.hook.URL+"/meta/webhook", bytes.NewReader(body))
	if signature != "" {
		req.Header.Set(meta.SignatureHeader, signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// deliver posts a signed body, wants 200, and runs the outbox once.
func (h *harness) deliver(body []byte) {
	h.t.Helper()
	if got := h.post(body, metatest.Sign(appSecret, body)); got != http.StatusOK {
		h.t.Fatalf("signed webhook: %d, want 200", got)
	}
	h.drain()
}

func (h *harness) drain() {
	h.t.Helper()
	if _, err := h.outbox.Drain(h.ctx); err != nil {
		h.t.Fatal(err)
	}
}

// count counts the rows of a table.
func (h *harness) count(table string) int {
	h.t.Helper()
	db, _ := h.db.SharedSQL()
	var n int
	if err := db.QueryRowContext(h.ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// failure is the reason the outbox gave up on its message to an address,
// "" while none failed.
func (h *harness) failure(to string) string {
	h.t.Helper()
	a, _ := sigap.ParseAddress(to)
	db, _ := h.db.SharedSQL()
	var reason string
	err := db.QueryRowContext(h.ctx, `SELECT last_error FROM outbox WHERE to_channel = $1 AND to_id = $2 AND failed_at IS NOT NULL
		ORDER BY id DESC LIMIT 1`, a.Channel, a.ID).Scan(&reason)
	if err != nil {
		return ""
	}
	return reason
}

// openTicket returns the open ticket of an address.
func (h *harness) openTicket(to string) *sigap.Ticket {
	h.t.Helper()
	a, _ := sigap.ParseAddress(to)
	t, err := sigap.Read(h.ctx, h.db, func(tx sigap.Tx) (*sigap.Ticket, error) {
		c, err := tx.CitizenByAddress(h.ctx, a)
		if err != nil {
			return nil, err
		}
		return tx.OpenTicket(h.ctx, c.ID)
	})
	if err != nil {
		h.t.Fatalf("open ticket of %s: %v", to, err)
	}
	return t
}

// reply answers the address's open ticket as an admin and runs the outbox.
func (h *harness) reply(to, text string) {
	h.t.Helper()
	code := h.openTicket(to).Code
	admin := &sigap.Staff{Username: "admin", Role: sigap.RoleAdmin}
	if err := h.desk.Reply(h.ctx, admin, code, desk.Answer{Text: text}); err != nil {
		h.t.Fatal(err)
	}
	h.drain()
}

func TestVerification(t *testing.T) {
	h := newHarness(t)
	for _, tt := range []struct {
		query string
		code  int
		body  string
	}{
		{"hub.mode=subscribe&hub.verify_token=" + verifyToken + "&hub.challenge=1158201444", http.StatusOK, "1158201444"},
		{"hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444", http.StatusForbidden, ""},
		{"hub.mode=unsubscribe&hub.verify_token=" + verifyToken + "&hub.challenge=1", http.StatusForbidden, ""},
		{"", http.StatusForbidden, ""},
	} {
		resp, err := http.Get(h.hook.URL + "/meta/webhook?" + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.code || (tt.body != "" && string(b) != tt.body) {
			t.Errorf("GET ?%s: %d %q, want %d %q", tt.query, resp.StatusCode, b, tt.code, tt.body)
		}
	}
}

func TestUnsignedOrWronglySignedWebhookIsRefusedAndStoresNothing(t *testing.T) {
	h := newHarness(t)
	body := metatest.InstagramDM(igAccount, "9001", "mid.1", "jalan di desa kami rusak parah", h.clock.Now())
	for name, sig := range map[string]string{
		"unsigned":                   "",
		"signed with another secret": metatest.Sign("another-secret", body),
		"not hex":                    "sha256=zz",
		"no algorithm":               strings.TrimPrefix(metatest.Sign(appSecret, body), "sha256="),
		"signature of another body":  metatest.Sign(appSecret, append(body, ' ')),
	} {
		if got := h.post(body, sig); got != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, got)
		}
	}
	h.drain()
	for _, table := range []string{"citizens", "messages", "meta_contacts", "outbox"} {
		if n := h.count(table); n != 0 {
			t.Errorf("%s has %d rows after refused calls", table, n)
		}
	}
	if len(h.graph.Messages()) != 0 {
		t.Errorf("sent %+v after refused calls", h.graph.Messages())
	}
}

// TestDirectMessagesAnsweredOnTheirChannel: an Instagram DM and a Facebook
// Messenger message each get the welcome and a ticket code, sent through
// the Send API of the account they reached, as RESPONSE; a redelivered
// event is answered once.
func TestDirectMessagesAnsweredOnTheirChannel(t *testing.T) {
	h := newHarness(t)
	ig := metatest.InstagramDM(igAccount, "9001", "mid.ig.1", "jalan di desa kami rusak parah, kapan diperbaiki?", h.clock.Now())
	h.deliver(ig)
	fb := metatest.Messenger(page, "5001", "mid.fb.1", "lampu jalan depan pasar mati sudah seminggu", h.clock.Now())
	h.deliver(fb)
	h.deliver(ig) // Meta redelivers
	msgs := h.graph.Messages()
	if len(msgs) != 4 {
		t.Fatalf("sent %d messages, want a welcome and an acknowledgement each: %+v", len(msgs), msgs)
	}
	for i, want := range []struct{ account, to string }{{igAccount, "9001"}, {igAccount, "9001"}, {page, "5001"}, {page, "5001"}} {
		m := msgs[i]
		if m.Account != want.account || m.RecipientID != want.to || m.MessagingType != "RESPONSE" || m.Tag != "" {
			t.Errorf("message %d: %+v, want to %s through %s as RESPONSE", i, m, want.to, want.account)
		}
	}
	if msgs[0].Text != (bot.Texts{}).Welcome() || !ticketCode.MatchString(msgs[1].Text) || !ticketCode.MatchString(msgs[3].Text) {
		t.Errorf("want a welcome, then a ticket code on each channel: %q, %q, %q", msgs[0].Text, msgs[1].Text, msgs[3].Text)
	}
	if n := h.count("messages WHERE author = 'citizen'"); n != 2 {
		t.Errorf("%d citizen messages stored, want 2", n)
	}
}

// TestStartChecksTokens: at the start each account's token is tried, so
// that the admin page shows a refused one before anyone writes; the
// channel's state is its worst account's.
func TestStartChecksTokens(t *testing.T) {
	h := newHarness(t)
	h.graph.Name(page, "Pemkab Kebumen")
	h.graph.Expire(tokens[dinkesIG])
	channels := h.adapter.Channels()
	for _, c := range channels {
		if err := c.Start(h.ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(channels[0].Stop)
	states := map[string]sigap.AccountState{}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		checking := 0
		for _, s := range h.adapter.Accounts() {
			states[s.ID] = s
			if s.State == meta.StateChecking {
				checking++
			}
		}
		if checking == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("accounts still being checked: %+v", states)
		}
	}
	if s := states[page]; s.State != meta.StateConnected || s.Name != "Pemkab Kebumen" {
		t.Errorf("the Page: %+v, want connected with its name", s)
	}
	if s := states[dinkesIG]; s.State != meta.StateTokenInvalid || s.OPD != "DINKES" || !strings.Contains(s.Detail, "expired") {
		t.Errorf("Dinkes' account: %+v, want token_invalid with Meta's words", s)
	}
	if st := channels[0].State(); st.State != meta.StateTokenInvalid || !strings.Contains(st.Detail, dinkesIG) {
		t.Errorf("channel state %+v, want token_invalid naming the account", st)
	}
}

// TestStaffReplyWithinTheWindows: a staff reply goes as RESPONSE within 24
// hours of the citizen's last message, with the HUMAN_AGENT tag within 7
// days, and past that it fails for good, saying why and what to do.
func TestStaffReplyWithinTheWindows(t *testing.T) {
	h := newHarness(t)
	h.deliver(metatest.Messenger(page, "5001", "mid.1", "jalan di desa kami rusak parah", h.clock.Now()))
	h.clock.Add(2 * time.Hour)
	h.reply("fb:5001", "Baik, kami survei besok.")
	h.clock.Add(2 * 24 * time.Hour)
	h.reply("fb:5001", "Perbaikan dijadwalkan minggu depan.")
	h.clock.Add(6 * 24 * time.Hour)
	h.reply("fb:5001", "Sudah selesai diperbaiki.")
	msgs := h.graph.Messages()
	if len(msgs) != 4 {
		t.Fatalf("sent %d messages, want the welcome, the acknowledgement and two replies: %+v", len(msgs), msgs)
	}
	if m := msgs[2]; m.MessagingType != "RESPONSE" || !strings.Contains(m.Text, "survei") {
		t.Errorf("reply after 2 hours: %+v, want RESPONSE", m)
	}
	if m := msgs[3]; m.MessagingType != "MESSAGE_TAG" || m.Tag != "HUMAN_AGENT" {
		t.Errorf("reply after 2 days: %+v, want the HUMAN_AGENT tag", m)
	}
	reason := h.failure("fb:5001")
	if !strings.Contains(reason, "jendela balasan Meta sudah tertutup") || !strings.Contains(reason, "8 hari") {
		t.Errorf("reply after 8 days: failure %q, want the closed window and its age", reason)
	}
}

// TestWindowClosedByMetaFailsForGood: when Meta says the window closed,
// the reply is not retried.
func TestWindowClosedByMetaFailsForGood(t *testing.T) {
	h := newHarness(t)
	h.deliver(metatest.InstagramDM(igAccount, "9001", "mid.1", "halo", h.clock.Now()))
	h.clock.Add(30 * time.Hour)
	h.graph.Fail("messages", metatest.Failure{Code: 10, Subcode: 2534022, Message: "This message is sent outside of allowed window."})
	a, _ := sigap.ParseAddress("ig:9001")
	err := h.adapter.Channels()[1].Send(h.ctx, sigap.Outbound{ID: 99, To: a, Text: "jawaban petugas"})
	var perm *sigap.PermanentError
	if !errors.As(err, &perm) || !strings.Contains(err.Error(), "jendela balasan") {
		t.Errorf("Send: %v, want a permanent error about the window", err)
	}
}

// TestCommentQuestionGetsPrivateAndPublicReply: a question under an
// Instagram post gets one private reply with the ticket code and due time,
// and a short public reply that says so with nothing personal; a
// redelivery changes nothing; the commenter's direct messages then carry
// the staff reply.
func TestCommentQuestionGetsPrivateAndPublicReply(t *testing.T) {
	h := newHarness(t)
	h.graph.Commenter("c.1", "9001")
	body := metatest.InstagramComment(igAccount, "9001", "warga_kebumen", "media.1", "c.1",
		"jalan di desa sumberadi rusak parah kapan diperbaiki min?", h.clock.Now())
	h.deliver(body)
	h.deliver(body)
	msgs, public := h.graph.Messages(), h.graph.PublicReplies()
	if len(msgs) != 1 || msgs[0].CommentID != "c.1" || msgs[0].Account != igAccount || msgs[0].RecipientID != "" {
		t.Fatalf("messages %+v, want one private reply to comment c.1", msgs)
	}
	if !ticketCode.MatchString(msgs[0].Text) || !strings.Contains(msgs[0].Text, "paling lambat") {
		t.Errorf("private reply %q, want the ticket code and the due time", msgs[0].Text)
	}
	if len(public) != 1 || public[0].CommentID != "c.1" || public[0].Edge != "replies" || public[0].Text != (bot.Texts{}).CommentPublicNote() {
		t.Fatalf("public replies %+v, want the public note under c.1", public)
	}
	if ticketCode.MatchString(public[0].Text) || strings.Contains(public[0].Text, "warga_kebumen") {
		t.Errorf("the public note %q shows personal data", public[0].Text)
	}
	// No free comment and no direct message yet: the staff reply cannot
	// go, and the ticket says how to reach the citizen.
	h.reply("ig:9001@media.1", "Jalan akan kami perbaiki bulan depan.")
	if reason := h.failure("ig:9001@media.1"); !strings.Contains(reason, "Balas di bawah komentar") || !strings.Contains(reason, "media.1") {
		t.Errorf("reply with no way to the citizen: failure %q", reason)
	}
	// The citizen answers the private reply by direct message: the next
	// staff reply goes there.
	h.deliver(metatest.InstagramDM(igAccount, "9001", "mid.dm.1", "ok", h.clock.Now()))
	before := len(h.graph.Messages())
	h.reply("ig:9001@media.1", "Jalan akan kami perbaiki bulan depan.")
	msgs = h.graph.Messages()[before:]
	if len(msgs) != 1 || msgs[0].RecipientID != "9001" || msgs[0].MessagingType != "RESPONSE" || !strings.Contains(msgs[0].Text, "bulan depan") {
		t.Errorf("staff reply after the citizen wrote by DM: %+v", msgs)
	}
}

// TestFacebookCommentRepliesUnderTheComment: on a Page, the public note
// goes to the comment's comments edge; the Page's own comments are not
// questions.
func TestFacebookCommentRepliesUnderTheComment(t *testing.T) {
	h := newHarness(t)
	h.deliver(metatest.FacebookComment(page, "7001", "Budi", page+"_55", "55_1", "syarat bikin ktp apa aja min?", h.clock.Now()))
	h.deliver(metatest.FacebookComment(page, page, "Pemkab Kebumen", page+"_55", "55_2", "Silakan cek pesan masuk ya", h.clock.Now()))
	msgs, public := h.graph.Messages(), h.graph.PublicReplies()
	if len(msgs) != 1 || msgs[0].CommentID != "55_1" || !strings.Contains(msgs[0].Text, "KTP") {
		t.Errorf("messages %+v, want the FAQ answer as a private reply to 55_1", msgs)
	}
	if len(public) != 1 || public[0].Edge != "comments" || public[0].CommentID != "55_1" {
		t.Errorf("public replies %+v, want one under 55_1", public)
	}
	if n := h.count("citizens"); n != 1 {
		t.Errorf("%d citizens, want the commenter only", n)
	}
}

// TestPraiseIsLeftAlone: praise, greetings and emoji under a post get no
// reply of any kind and open no ticket.
func TestPraiseIsLeftAlone(t *testing.T) {
	h := newHarness(t)
	for i, text := range []string{"mantap min 👍", "sukses terus kebumen", "🔥🔥🔥", "selamat pagi", "@budi_s liat nih"} {
		h.deliver(metatest.InstagramComment(igAccount, "9001", "warga", "media.1", "c."+string(rune('a'+i)), text, h.clock.Now()))
	}
	if msgs, public := h.graph.Messages(), h.graph.PublicReplies(); len(msgs)+len(public) != 0 {
		t.Errorf("replied to praise: %+v %+v", msgs, public)
	}
	if n := h.count("tickets"); n != 0 {
		t.Errorf("%d tickets opened for praise", n)
	}
	if n := h.count("messages WHERE author = 'citizen'"); n != 5 {
		t.Errorf("%d comments stored, want all 5", n)
	}
}

// TestOPDAccountIsARoutingHint: an unclear question on Dinkes' own account
// goes to Dinkes, not to the triage desk.
func TestOPDAccountIsARoutingHint(t *testing.T) {
	h := newHarness(t)
	h.deliver(metatest.InstagramDM(dinkesIG, "9002", "mid.1", "mohon info jadwal minggu depan", h.clock.Now()))
	h.deliver(metatest.InstagramDM(igAccount, "9003", "mid.2", "mohon info jadwal minggu depan", h.clock.Now()))
	if got := h.openTicket("ig:9002").OPD; got != "DINKES" {
		t.Errorf("on Dinkes' account: %s, want DINKES", got)
	}
	if got := h.openTicket("ig:9003").OPD; got != "DISKOMINFO" {
		t.Errorf("on the regency's account: %s, want the triage desk", got)
	}
}

// TestExpiredTokenIsSeenAsSuch: error 190 marks the account and its
// channel, keeps the replies in the outbox, and the desk's channel watch
// warns supervisors once; the other accounts go on.
func TestExpiredTokenIsSeenAsSuch(t *testing.T) {
	h := newHarness(t)
	err := h.db.Update(h.ctx, func(tx sigap.Tx) error {
		return tx.CreateStaff(h.ctx, &sigap.Staff{Username: "kepala", Name: "Kepala", Role: sigap.RoleSupervisor,
			TelegramChatID: "777", CreatedAt: h.clock.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	h.graph.Expire(tokens[igAccount])
	h.deliver(metatest.InstagramDM(igAccount, "9001", "mid.1", "jalan di desa kami rusak parah", h.clock.Now()))
	h.clock.Add(time.Minute)
	h.drain() // held back without calling Meta
	var st sigap.AccountState
	for _, s := range h.adapter.Accounts() {
		if s.ID == igAccount {
			st = s
		}
	}
	if st.State != meta.StateTokenInvalid || st.Channel != sigap.Instagram {
		t.Errorf("account state %+v, want token_invalid on ig", st)
	}
	if ch := h.adapter.Channels()[1].State(); ch.State != meta.StateTokenInvalid || !strings.Contains(ch.Detail, igAccount) {
		t.Errorf("Instagram channel state %+v", ch)
	}
	if n := h.count("outbox WHERE to_channel = 'ig' AND sent_at IS NULL AND failed_at IS NULL"); n != 2 {
		t.Errorf("%d replies wait in the outbox, want the welcome and the acknowledgement", n)
	}
	h.clock.Add(desk.ChannelDownAfter)
	for range 2 {
		if _, err := h.desk.WatchChannels(h.ctx, []sigap.ChannelState{h.adapter.Channels()[1].State()}); err != nil {
			t.Fatal(err)
		}
	}
	db, _ := h.db.SharedSQL()
	var warnings []string
	rows, err := db.QueryContext(h.ctx, `SELECT text FROM outbox WHERE to_channel = 'tg' AND to_id = '777'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var text string
		rows.Scan(&text)
		warnings = append(warnings, text)
	}
	rows.Close()
	if len(warnings) != 1 || !strings.Contains(warnings[0], "Instagram") || !strings.Contains(warnings[0], "token_invalid") {
		t.Errorf("supervisor warned %q, want once of Instagram's refused token", warnings)
	}
	h.deliver(metatest.Messenger(page, "5001", "mid.2", "lampu jalan mati", h.clock.Now()))
	if msgs := h.graph.Messages(); len(msgs) != 2 || msgs[0].Account != page {
		t.Errorf("the Page's replies: %+v, want them sent", msgs)
	}
	if st := h.adapter.Channels()[0].State(); st.State == meta.StateTokenInvalid {
		t.Errorf("Facebook state %+v: the refused token is Instagram's", st)
	}
}

// TestRateLimitBacksOff: a rate-limit error pauses the account for the
// time Meta's usage header says; the reply goes once it has passed.
func TestRateLimitBacksOff(t *testing.T) {
	h := newHarness(t)
	h.graph.Fail("messages", metatest.Failure{Code: 80006, Message: "There have been too many messages sent",
		Usage: `{"1001":[{"type":"messenger","call_count":100,"estimated_time_to_regain_access":5}]}`})
	h.deliver(metatest.Messenger(page, "5001", "mid.1", "halo", h.clock.Now()))
	if msgs := h.graph.Messages(); len(msgs) != 0 {
		t.Fatalf("sent %+v while rate limited", msgs)
	}
	if st := h.adapter.Channels()[0].State(); st.State != meta.StateRateLimited {
		t.Errorf("state %+v, want rate_limited", st)
	}
	h.clock.Add(4 * time.Minute)
	h.drain()
	if msgs := h.graph.Messages(); len(msgs) != 0 {
		t.Errorf("sent %+v before the pause ended", msgs)
	}
	h.clock.Add(2 * time.Minute)
	h.drain()
	if msgs := h.graph.Messages(); len(msgs) != 1 {
		t.Errorf("sent %+v after the pause, want the welcome", msgs)
	}
}

func TestParsePagesAndOPDs(t *testing.T) {
	pages, err := meta.ParsePages(" 1001=EAAB-token , 17841400000000001=IGQ-token")
	if err != nil || len(pages) != 2 || pages["1001"] != "EAAB-token" || pages["17841400000000001"] != "IGQ-token" {
		t.Errorf("ParsePages: %v %v", pages, err)
	}
	for _, bad := range []string{"1001", "page=token", "1001=", "1001=secret value", "1001=x,1001=y"} {
		_, err := meta.ParsePages(bad)
		if sigap.ErrorCode(err) != sigap.EINVALID || strings.Contains(err.Error(), "secret") {
			t.Errorf("ParsePages(%q): %v, want EINVALID without the token", bad, err)
		}
	}
	opds, err := meta.ParseOPDs("17841400000000002=DINKES")
	if err != nil || opds["17841400000000002"] != "DINKES" {
		t.Errorf("ParseOPDs: %v %v", opds, err)
	}
	if _, err := meta.New(meta.Config{AppSecret: "s", VerifyToken: "v", Accounts: map[string]string{"1": "t"},
		OPDs: map[string]string{"2": "DINKES"}, Store: storagetest.Open(t)}); sigap.ErrorCode(err) != sigap.EINVALID {
		t.Errorf("an OPD for an account without a token: %v, want EINVALID", err)
	}
}

// TestEchoesAndAttachments: the account's own sends echoed back are not
// citizens' messages; a photo is saved under the data folder, a location
// keeps its coordinates.
func TestEchoesAndAttachments(t *testing.T) {
	h := newHarness(t)
	photo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("\xff\xd8 jpeg")) }))
	t.Cleanup(photo.Close)
	dir := t.TempDir()
	var err error
	h.adapter, err = meta.New(meta.Config{AppSecret: appSecret, VerifyToken: verifyToken, Accounts: tokens,
		API: h.graph.URL(), Store: h.db, Now: h.clock.Now, DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var got []sigap.Inbound
	recv := receiverFunc(func(_ context.Context, in sigap.Inbound) error { got = append(got, in); return nil })
	mux := http.NewServeMux()
	h.adapter.Channels()[0].(sigap.HTTPChannel).Routes(mux, recv)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ts := h.clock.Now().UnixMilli()
	body := []byte(`{"object":"page","entry":[{"id":"` + page + `","time":` + itoa(ts) + `,"messaging":[
		{"sender":{"id":"` + page + `"},"recipient":{"id":"5001"},"timestamp":` + itoa(ts) + `,"message":{"mid":"m.echo","text":"halo","is_echo":true}},
		{"sender":{"id":"5001"},"recipient":{"id":"` + page + `"},"timestamp":` + itoa(ts) + `,"read":{"watermark":1}},
		{"sender":{"id":"5001"},"recipient":{"id":"` + page + `"},"timestamp":` + itoa(ts) + `,"message":{"mid":"m.2","text":"ini fotonya",
			"attachments":[{"type":"image","payload":{"url":"` + photo.URL + `/p.jpg"}},{"type":"location","payload":{"coordinates":{"lat":-7.67,"long":109.65}}}]}}]}]}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/meta/webhook", bytes.NewReader(body))
	req.Header.Set(meta.SignatureHeader, metatest.Sign(appSecret, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(got) != 3 {
		t.Fatalf("status %d, received %+v; want 200 and the text, the photo and the location", resp.StatusCode, got)
	}
	if got[0].Kind != sigap.KindText || got[0].PlatformID != "m.2" || got[0].Text != "ini fotonya" {
		t.Errorf("text: %+v", got[0])
	}
	if got[1].Kind != sigap.KindPhoto || got[1].PlatformID != "m.2#1" || !strings.HasPrefix(got[1].MediaRef, "media/facebook/") {
		t.Errorf("photo: %+v, want a reference under media/facebook/", got[1])
	} else if _, err := os.Stat(filepath.Join(dir, got[1].MediaRef)); err != nil {
		t.Errorf("photo %s not saved under the data folder %s: %v", got[1].MediaRef, dir, err)
	}
	if got[2].Kind != sigap.KindLocation || got[2].Lat != -7.67 || got[2].Lon != 109.65 || got[2].PlatformID != "m.2#2" {
		t.Errorf("location: %+v", got[2])
	}
}

type receiverFunc func(context.Context, sigap.Inbound) error

func (f receiverFunc) Receive(ctx context.Context, in sigap.Inbound) error { return f(ctx, in) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestRefusedPrivateReplyMovesOn: when Meta refuses a comment's private
// reply for good, the reply fails saying so, and sent again it takes the
// citizen's newer comment instead of the refused one.
func TestRefusedPrivateReplyMovesOn(t *testing.T) {
	h := newHarness(t)
	comment := func(id string) {
		body := metatest.InstagramComment(igAccount, "9001", "warga", "media.1", id, "mantap", h.clock.Now())
		if got := h.post(body, metatest.Sign(appSecret, body)); got != http.StatusOK {
			t.Fatalf("comment %s: %d", id, got)
		}
	}
	comment("c.1")
	thread, _ := sigap.ParseAddress("ig:9001@media.1")
	out := sigap.Outbound{To: thread, Text: "Jawaban petugas."}
	if err := h.db.Update(h.ctx, func(tx sigap.Tx) error { return tx.Enqueue(h.ctx, &out) }); err != nil {
		t.Fatal(err)
	}
	h.graph.Fail("messages", metatest.Failure{Code: 10, Message: "(#10) This comment cannot be replied to privately"})
	send := h.adapter.Channels()[1].Send
	err := send(h.ctx, out)
	var perm *sigap.PermanentError
	if !errors.As(err, &perm) || !strings.Contains(err.Error(), "c.1") {
		t.Fatalf("Send: %v, want a permanent error naming the comment", err)
	}
	comment("c.2")
	if err := send(h.ctx, out); err != nil {
		t.Fatalf("sent again after a new comment: %v", err)
	}
	if msgs := h.graph.Messages(); len(msgs) != 1 || msgs[0].CommentID != "c.2" {
		t.Errorf("messages %+v, want the private reply to c.2", msgs)
	}
}
