package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// pngBytes is the start of a PNG file: enough for the content sniffer.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR foto lubang")

// pdfBytes is the start of a PDF file.
var pdfBytes = []byte("%PDF-1.4\n1 0 obj jadwal perbaikan")

// postMultipart posts fields and, when name is set, a file as a browser's
// multipart form does.
func (c *client) postMultipart(path string, fields map[string]string, field, name string, content []byte) (int, string, http.Header) {
	c.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if field != "" {
		f, _ := w.CreateFormFile(field, name)
		f.Write(content)
	}
	w.Close()
	req, _ := http.NewRequest("POST", c.e.ts.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp := c.do(req)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp.Header
}

// listJSON is /api/tickets' answer.
type listJSON struct {
	Tickets []ticketJSON `json:"tickets"`
	Total   int          `json:"total"`
	Next    string       `json:"next"`
}

func (l listJSON) codes() []string {
	var out []string
	for _, t := range l.Tickets {
		out = append(out, t.Code)
	}
	return out
}

func (e *testEnv) setStaff(username string, edit func(*sigap.Staff)) {
	e.t.Helper()
	ctx := context.Background()
	err := e.db.Update(ctx, func(tx sigap.Tx) error {
		s, err := tx.StaffByUsername(ctx, username)
		if err != nil {
			return err
		}
		edit(s)
		return tx.UpdateStaff(ctx, s)
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) outbox() []sigap.Outbound {
	e.t.Helper()
	ctx := context.Background()
	var due []sigap.Outbound
	err := e.db.View(ctx, func(tx sigap.Tx) error {
		var err error
		due, err = tx.DueOutbound(ctx, e.clock.Now().Add(time.Hour), 1000, nil)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return due
}

func TestAPITicketsSearchFiltersAndPages(t *testing.T) {
	e := newTestEnv(t)
	budi := e.citizenAsks("wa:6281234567890", "Budi Santoso", "6281234567890", "KTP saya hilang di pasar")
	e.clock.Add(time.Minute)
	siti := e.citizenAsks("tg:2002", "Siti Aminah", "", "Puskesmas Sruweng tutup lebih awal")
	e.clock.Add(time.Minute)
	rina := e.citizenAsks("tg:2003", "Rina", "", "ktp anak saya belum jadi, sudah sebulan")
	kepala := e.loggedIn("kepala")
	kepala.postJSON("/api/tickets/"+rina+"/assign", map[string]string{"username": "sari"}, nil)

	list := func(query string) listJSON {
		t.Helper()
		var l listJSON
		if status := kepala.getJSON("/api/tickets"+query, &l); status != 200 {
			t.Fatalf("GET /api/tickets%s: %d", query, status)
		}
		return l
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"?q=ktp", []string{budi, rina}},
		{"?q=KTP+pasar", []string{budi}},                           // every word must match
		{"?q=pùskesmas", []string{siti}},                           // accents ignored
		{"?q=sruw", []string{siti}},                                // prefixes match
		{"?q=aminah", []string{siti}},                              // the citizen's name
		{"?q=" + strings.TrimPrefix(siti, "TST-"), []string{siti}}, // the code
		{"?q=ktp&opd=DINKES", nil},
		{"?assignee=sari", []string{rina}},
		{"?assignee=none", []string{budi, siti}},
		{"?channel=wa", []string{budi}},
		{"?channel=tg&q=ktp", []string{rina}},
		{"?sla=ok", []string{budi, rina, siti}},
		{"?sla=late", nil},
		{"?from=2024-04-03&to=2024-04-04", []string{budi, rina, siti}},
		{"?from=2024-04-04", nil},
	} {
		if got := list(tt.query).codes(); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: %q, want %q", tt.query, got, tt.want)
		}
	}
	// "me" is whoever asks.
	var mine listJSON
	e.loggedIn("sari").getJSON("/api/tickets?assignee=me", &mine)
	if got := mine.codes(); len(got) != 1 || got[0] != rina {
		t.Errorf("sari's own: %q, want %s", got, rina)
	}

	// Pages of two: the total on each, a cursor to the next, none after
	// the last.
	first := list("?limit=2")
	if first.Total != 3 || len(first.Tickets) != 2 || first.Next == "" {
		t.Fatalf("first page: %d of %d, next %q", len(first.Tickets), first.Total, first.Next)
	}
	second := list("?limit=2&after=" + url.QueryEscape(first.Next))
	if second.Total != 3 || len(second.Tickets) != 1 || second.Next != "" {
		t.Fatalf("second page: %d of %d, next %q", len(second.Tickets), second.Total, second.Next)
	}
	if got := append(first.codes(), second.codes()...); strings.Join(got, ",") != strings.Join(list("").codes(), ",") {
		t.Errorf("the pages %q differ from the list %q", got, list("").codes())
	}

	for _, bad := range []string{"?sla=bogus", "?channel=fax", "?limit=0", "?limit=101", "?after=nonsense", "?q=" + strings.Repeat("a", 201), "?from=kemarin"} {
		if status := kepala.getJSON("/api/tickets"+bad, nil); status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, status)
		}
	}
	// The queue page searches the same way.
	_, page, _ := kepala.get("/queue?q=ktp+pasar")
	if !strings.Contains(page, budi) || strings.Contains(page, rina) {
		t.Errorf("the queue's search for ktp pasar: want %s and not %s", budi, rina)
	}
	// Its channel filter offers every channel, Instagram and Facebook too.
	for _, opt := range []string{`<option value="fb">Facebook</option>`, `<option value="ig">Instagram</option>`} {
		if !strings.Contains(page, opt) {
			t.Errorf("the queue's channel filter lacks %s", opt)
		}
	}
	if status := kepala.getJSON("/api/tickets?channel=ig", nil); status != http.StatusOK {
		t.Errorf("channel=ig: %d, want 200", status)
	}
}

func TestQueuePagesAreBounded(t *testing.T) {
	e := newTestEnv(t)
	for i := range 53 {
		e.citizenAsks(fmt.Sprintf("tg:%d", 3000+i), "Warga", "", "ktp hilang")
	}
	_, page, _ := e.loggedIn("sari").get("/queue")
	if n := strings.Count(page, `<tr id="t-`); n != 50 {
		t.Errorf("the first page lists %d tickets, want 50", n)
	}
	if !strings.Contains(page, "Tiket 1–50 dari <strong data-total>53</strong>") || !strings.Contains(page, "Berikutnya") {
		t.Errorf("the first page does not say 1–50 of 53 with a next page")
	}
	next := between(page, `<a class="button" href="`, `">Berikutnya`)
	_, page, _ = e.loggedIn("sari").get(strings.ReplaceAll(next, "&amp;", "&"))
	if n := strings.Count(page, `<tr id="t-`); n != 3 || !strings.Contains(page, "Tiket 51–53 dari") {
		t.Errorf("the second page lists %d tickets, want 3 as 51–53", n)
	}
	if strings.Contains(page, "Sebelumnya") || !strings.Contains(page, "Halaman pertama") {
		t.Errorf("the second page links to the first only, as its previous is the first")
	}
	// Pages of 20 (limit): the third page goes back to the second, which
	// goes back to the first.
	get := func(link string) string {
		t.Helper()
		_, page, _ := e.loggedIn("sari").get(strings.ReplaceAll(link, "&amp;", "&"))
		return page
	}
	page = get("/queue?limit=20")
	page = get(linkTo(page, "Berikutnya"))
	second := page
	page = get(linkTo(page, "Berikutnya"))
	if !strings.Contains(page, "Tiket 41–53 dari") {
		t.Fatalf("the third page of 20 does not say 41–53")
	}
	prev := linkTo(page, "← Sebelumnya")
	if prev == "" {
		t.Fatalf("the third page has no link to the previous one")
	}
	if back := get(prev); !strings.Contains(back, "Tiket 21–40 dari") || firstRow(back) != firstRow(second) {
		t.Errorf("Sebelumnya from the third page shows %q first, want the second page (21–40) again", firstRow(back))
	}
	var l listJSON
	e.loggedIn("sari").getJSON("/api/tickets?limit=100", &l)
	if len(l.Tickets) != 53 {
		t.Errorf("limit=100 gave %d", len(l.Tickets))
	}
}

// linkTo is the address of the page's link whose text begins with label.
func linkTo(page, label string) string {
	i := strings.Index(page, `">`+label)
	if i < 0 {
		return ""
	}
	return page[strings.LastIndex(page[:i], `href="`)+len(`href="`) : i]
}

// firstRow is the id of a queue page's first ticket row.
func firstRow(page string) string { return between(page, `<tr id="`, `"`) }

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	out, _, _ := strings.Cut(rest, to)
	return out
}

func TestAssignAPI(t *testing.T) {
	e := newTestEnv(t)
	e.addStaff("rudi", sigap.RoleAgent, "DISDUKCAPIL")
	e.setStaff("rudi", func(s *sigap.Staff) { s.TelegramChatID = "9100" })
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	sari := e.loggedIn("sari")
	path := "/api/tickets/" + code
	var r struct {
		Ticket ticketJSON `json:"ticket"`
	}
	for _, tt := range []struct {
		user string
		want int
	}{{"dina", 400}, {"nobody", 400}, {"", 400}} {
		if got := sari.postJSON(path+"/assign", map[string]string{"username": tt.user}, nil); got != tt.want {
			t.Errorf("assign to %q: %d, want %d", tt.user, got, tt.want)
		}
	}
	if got := sari.postJSON(path+"/assign", map[string]string{"username": "rudi"}, &r); got != 200 || r.Ticket.Assignee != "rudi" || r.Ticket.AssigneeName != "Ibu rudi" {
		t.Fatalf("assign to rudi: %d %+v", got, r.Ticket)
	}
	var told []string
	for _, o := range e.outbox() {
		if o.To.String() == "tg:9100" {
			told = append(told, o.Text)
		}
	}
	if len(told) != 1 || !strings.Contains(told[0], code) || !strings.Contains(told[0], "Ibu sari") {
		t.Errorf("rudi was told %q, want one message naming %s and who gave it", told, code)
	}
	var released struct {
		Ticket ticketJSON `json:"ticket"`
	}
	if got := sari.postJSON(path+"/unassign", nil, &released); got != 200 || released.Ticket.Assignee != "" || released.Ticket.Code != code {
		t.Errorf("unassign: %d %+v", got, released.Ticket)
	}
	// The form does the same and says so.
	c, _ := loginForm(t, e, "sari", testPassword)
	if status, _, h := c.postForm("/tickets/"+code+"/assign", url.Values{"csrf": {c.csrf}, "username": {"rudi"}}); status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "ok=assign") {
		t.Errorf("assign form: %d → %s", status, h.Get("Location"))
	}
	_, page, _ := c.get("/tickets/" + code + "?ok=assign")
	if !strings.Contains(page, "<dt>Ditangani</dt><dd>Ibu rudi</dd>") || !strings.Contains(page, "diberikan kepada rekan") {
		t.Errorf("the ticket page does not show rudi by name and the assignment in its history")
	}
}

func TestMergeAPIAndTicketPage(t *testing.T) {
	e := newTestEnv(t)
	kept := e.citizenAsks("tg:1001", "Budi", "", "ktp hilang saat banjir")
	dup := e.citizenAsks("wa:6281111", "Siti", "6281111", "ktp saya hanyut kena banjir")
	kepala := e.loggedIn("kepala")
	var r struct {
		Ticket ticketDetailJSON `json:"ticket"`
	}
	if got := kepala.postJSON("/api/tickets/"+kept+"/merge", map[string]any{"tickets": []string{dup}}, &r); got != 200 {
		t.Fatalf("merge: %d", got)
	}
	if len(r.Ticket.Tickets) != 1 || r.Ticket.Tickets[0].Code != dup || r.Ticket.Merged != 1 {
		t.Errorf("merged ticket's detail: %+v", r.Ticket.Tickets)
	}
	var l listJSON
	kepala.getJSON("/api/tickets?status=all", &l)
	if l.Total != 1 || len(l.Tickets) != 1 || l.Tickets[0].Code != kept || l.Tickets[0].Merged != 1 {
		t.Errorf("list after merge: %d of %d, %+v", len(l.Tickets), l.Total, l.codes())
	}
	var d ticketDetailJSON
	kepala.getJSON("/api/tickets/"+dup, &d)
	if d.MergedInto != kept {
		t.Errorf("the duplicate's merged_into %q, want %s", d.MergedInto, kept)
	}
	// Its page leads to the ticket kept, where both citizens' messages are.
	c, _ := loginForm(t, e, "kepala", testPassword)
	status, _, h := c.get("/tickets/" + dup)
	if status != http.StatusSeeOther || h.Get("Location") != "/tickets/"+kept+"?ok=merged" {
		t.Fatalf("the merged ticket's page: %d → %q", status, h.Get("Location"))
	}
	_, page, _ := c.get("/tickets/" + kept)
	for _, want := range []string{"ktp saya hanyut kena banjir", "Siti", "menghimpun 1 laporan", dup} {
		if !strings.Contains(page, want) {
			t.Errorf("the ticket kept's page lacks %q", want)
		}
	}
	if got := kepala.postJSON("/api/tickets/"+kept+"/merge", map[string]any{"tickets": []string{"TST-ZZZZZ"}}, nil); got != 400 {
		t.Errorf("merge an unknown ticket: %d, want 400", got)
	}
}

func TestReplyWithAFile(t *testing.T) {
	e := newTestEnv(t)
	chat, page := chatCitizen(t, e)
	chat.postForm("/chat/send", url.Values{"csrf": {hidden(page, "csrf")}, "msgid": {hidden(page, "msgid")}, "text": {"ktp saya hilang"}})
	code := e.openTicket(chatAddress(t, e, chat))
	sari := e.loggedIn("sari")
	path := "/api/tickets/" + code + "/reply"
	for _, tt := range []struct {
		name, file string
		content    []byte
		want       int
		says       string
	}{
		{"a text file", "catatan.txt", []byte("bukan foto"), 400, "tidak didukung"},
		{"a photo too large", "besar.png", append(append([]byte{}, pngBytes...), bytes.Repeat([]byte{0}, 6<<20)...), 400, "terlalu besar"},
		{"over the upload limit", "raksasa.pdf", append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte{0}, 11<<20)...), http.StatusRequestEntityTooLarge, "terlalu besar"},
	} {
		status, body, _ := sari.postMultipart(path, map[string]string{"text": "lampiran"}, "file", tt.file, tt.content)
		if status != tt.want || !strings.Contains(body, tt.says) {
			t.Errorf("%s: %d %s, want %d saying %q", tt.name, status, body, tt.want, tt.says)
		}
	}
	saved := func() []string {
		var files []string
		filepath.WalkDir(filepath.Join(e.dir, "data", "media", "outbox"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, p)
			}
			return nil
		})
		return files
	}
	if files := saved(); len(files) != 0 {
		t.Errorf("refused uploads left files: %q", files)
	}
	status, body, _ := sari.postMultipart(path, map[string]string{"text": "Ini denah kantor kami."}, "file", "Denah Kantor.pdf", pdfBytes)
	if status != 200 {
		t.Fatalf("reply with a PDF: %d %s", status, body)
	}
	files := saved()
	if len(files) != 1 || filepath.Base(files[0]) != "Denah-Kantor.pdf" {
		t.Fatalf("saved %q, want the PDF under its own name", files)
	}
	var sent *sigap.Outbound
	for _, o := range e.outbox() {
		if o.MediaRef != "" {
			sent = &o
		}
	}
	// The reference is relative to the data folder, as the adapters
	// resolve it.
	ref, _ := filepath.Rel(filepath.Join(e.dir, "data"), files[0])
	if sent == nil || sent.MediaRef != filepath.ToSlash(ref) || sent.MediaKind != sigap.KindDocument || !strings.HasSuffix(sent.Text, "Ini denah kantor kami.") {
		t.Fatalf("outbound %+v, want the PDF %s with the reply as its caption", sent, ref)
	}
	// The reply form takes a photo the same way, without text.
	c, _ := loginForm(t, e, "sari", testPassword)
	status, _, h := c.postMultipart("/tickets/"+code+"/reply", map[string]string{"csrf": c.csrf}, "file", "lubang.png", pngBytes)
	if status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "ok=reply") {
		t.Fatalf("reply form with a photo: %d → %q", status, h.Get("Location"))
	}
	_, page, _ = c.get("/tickets/" + code)
	if !strings.Contains(page, `<img class="photo" src="/media/`) {
		t.Error("the ticket page does not show the photo sent")
	}
	// The citizen sees both on the web chat, and only their own.
	_, chatPage, _ := chat.get("/chat")
	links := mediaLinks(chatPage)
	if len(links) != 2 {
		t.Fatalf("the chat page links %q, want the PDF and the photo", links)
	}
	for _, l := range links {
		if status, _, _ := chat.get(l); status != 200 {
			t.Errorf("the citizen gets %s: %d", l, status)
		}
		if status, _, _ := e.client().get(l); status != http.StatusNotFound {
			t.Errorf("another browser gets %s: %d, want 404", l, status)
		}
	}
}

// mediaLinks are the /chat/media/ links of a page.
func mediaLinks(page string) []string {
	var out []string
	for _, part := range strings.Split(page, `href="/chat/media/`)[1:] {
		id, _, _ := strings.Cut(part, `"`)
		out = append(out, "/chat/media/"+id)
	}
	return out
}

func TestChatCitizenSendsAPhoto(t *testing.T) {
	e := newTestEnv(t)
	c, page := chatCitizen(t, e)
	fields := map[string]string{"csrf": hidden(page, "csrf"), "msgid": hidden(page, "msgid"), "text": "Ini foto jalan berlubang, ktp saya juga hilang"}
	if status, body, _ := c.postMultipart("/chat/send", fields, "photo", "dokumen.pdf", pdfBytes); status != http.StatusBadRequest || !strings.Contains(body, "Hanya foto") {
		t.Errorf("a PDF from the chat: %d, want 400 saying only photos", status)
	}
	_, page, _ = c.get("/chat")
	fields["csrf"], fields["msgid"] = hidden(page, "csrf"), hidden(page, "msgid")
	if status, _, _ := c.postMultipart("/chat/send", fields, "photo", "jalan.png", pngBytes); status != http.StatusSeeOther {
		t.Fatalf("a photo from the chat: %d", status)
	}
	code := e.openTicket(chatAddress(t, e, c))
	var d ticketDetailJSON
	e.loggedIn("sari").getJSON("/api/tickets/"+code, &d)
	var photo *messageJSON
	for i, m := range d.Messages {
		if m.Kind == "photo" {
			photo = &d.Messages[i]
		}
	}
	if photo == nil || photo.MediaURL == "" || photo.Text != fields["text"] {
		t.Fatalf("the ticket's thread %+v lacks the photo with its caption", d.Messages)
	}
	// Only a photo, no text, is a message too.
	_, page, _ = c.get("/chat")
	only := map[string]string{"csrf": hidden(page, "csrf"), "msgid": hidden(page, "msgid")}
	if status, _, _ := c.postMultipart("/chat/send", only, "photo", "lagi.png", pngBytes); status != http.StatusSeeOther {
		t.Errorf("a photo without text: %d", status)
	}
	if _, page, _ = c.get("/chat"); len(mediaLinks(page)) != 2 {
		t.Errorf("the chat page shows %d photos, want 2", len(mediaLinks(page)))
	}
}

// readEvent reads the stream up to the next event of the given name and
// returns its data.
func readEvent(t *testing.T, r *bufio.Reader, name string) string {
	t.Helper()
	event := ""
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("waiting for a %s event: %v", name, err)
		}
		line = strings.TrimSpace(line)
		if e, ok := strings.CutPrefix(line, "event: "); ok {
			event = e
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok && event == name {
			return d
		}
	}
}

func TestQueueGetsChangedRows(t *testing.T) {
	e := newTestEnv(t)
	sari := e.loggedIn("sari")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/events?rows=1&status=open", nil)
	resp := sari.do(req)
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	row := func() rowEvent {
		var ev rowEvent
		if err := json.Unmarshal([]byte(readEvent(t, r, "row")), &ev); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	// Another OPD's ticket is not heard of; sari's own is, as the row the
	// queue's template renders.
	e.citizenAsks("tg:2002", "Siti", "", "puskesmas tutup")
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	ev := row()
	if ev.Code != code || !strings.HasPrefix(ev.HTML, `<tr id="t-`+code+`" data-order="`) || !strings.Contains(ev.HTML, "ktp saya hilang") || ev.Order == "" {
		t.Fatalf("first row event %+v, want the row of %s", ev, code)
	}
	// Claimed, the row names who works it.
	sari.postJSON("/api/tickets/"+code+"/claim", nil, nil)
	if ev := row(); ev.Code != code || !strings.Contains(ev.HTML, "oleh Ibu sari") {
		t.Errorf("after claiming: %+v, want the row by Ibu sari", ev)
	}
	// Resolved, it leaves the open list; transferred away, it leaves too
	// and is never heard of again by this agent.
	sari.postJSON("/api/tickets/"+code+"/resolve", nil, nil)
	if ev := row(); ev.Code != code || ev.HTML != "" {
		t.Errorf("after resolving: %+v, want the row removed", ev)
	}
	sari.postJSON("/api/tickets/"+code+"/reopen", nil, nil)
	if ev := row(); ev.Code != code || ev.HTML == "" {
		t.Errorf("after reopening: %+v, want the row back", ev)
	}
	sari.postJSON("/api/tickets/"+code+"/transfer", map[string]string{"opd": "DINKES", "reason": "kesehatan"}, nil)
	if ev := row(); ev.Code != code || ev.HTML != "" {
		t.Errorf("after the transfer away: %+v, want the row removed", ev)
	}
	next := e.citizenAsks("tg:1002", "Rina", "", "ktp anak saya")
	e.loggedIn("dina").postJSON("/api/tickets/"+code+"/reply", map[string]string{"text": "Baik."}, nil)
	if ev := row(); ev.Code != next {
		t.Errorf("the next event is of %s: a change in another OPD's ticket reached the agent", ev.Code)
	}
}

func TestProfileOwnRepliesAndTelegramTickets(t *testing.T) {
	e := newTestEnv(t)
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	c, _ := loginForm(t, e, "sari", testPassword)
	if status, _, _ := c.postForm("/profile/canned", url.Values{"csrf": {c.csrf}, "label": {"Minta lokasi"}, "text": {"Mohon kirim lokasi lengkapnya, Bapak/Ibu."}}); status != http.StatusSeeOther {
		t.Fatalf("add a ready reply: %d", status)
	}
	if status, page, _ := c.postForm("/profile/canned", url.Values{"csrf": {c.csrf}, "label": {""}, "text": {"tanpa judul"}}); status != 400 || !strings.Contains(page, "wajib diisi") || !strings.Contains(page, "tanpa judul") {
		t.Errorf("a ready reply without a label: %d; want 400, the reason and the text kept", status)
	}
	_, page, _ := c.get("/tickets/" + code)
	if !strings.Contains(page, `<optgroup label="Jawaban saya"><option value="Mohon kirim lokasi lengkapnya, Bapak/Ibu.">Minta lokasi</option>`) {
		t.Error("the reply form does not offer the staff member's own reply")
	}
	_, page, _ = c.get("/profile")
	id := between(page, `name="id" value="`, `"`)
	if status, _, _ := c.postForm("/profile/canned", url.Values{"csrf": {c.csrf}, "action": {"delete"}, "id": {id}}); status != http.StatusSeeOther {
		t.Errorf("delete: %d", status)
	}
	if _, page, _ = c.get("/profile"); strings.Contains(page, "<strong>Minta lokasi</strong>") {
		t.Error("the deleted reply is still on the profile")
	}
	// New tickets on Telegram need a linked account.
	if status, page, _ := c.postForm("/profile/telegram", url.Values{"csrf": {c.csrf}, "action": {"tickets_on"}}); status != 400 || !strings.Contains(page, "Tautkan") {
		t.Errorf("tickets on Telegram without a link: %d", status)
	}
	e.setStaff("sari", func(s *sigap.Staff) { s.TelegramChatID = "555" })
	c, _ = loginForm(t, e, "sari", testPassword)
	if status, _, _ := c.postForm("/profile/telegram", url.Values{"csrf": {c.csrf}, "action": {"tickets_on"}}); status != http.StatusSeeOther {
		t.Fatalf("tickets on Telegram: %d", status)
	}
	if _, page, _ = c.get("/profile"); !strings.Contains(page, "Hentikan pesan tiket baru") {
		t.Error("the profile does not show new tickets on Telegram as on")
	}
	e.citizenAsks("tg:1009", "Rina", "", "ktp anak saya belum jadi")
	found := false
	for _, o := range e.outbox() {
		found = found || (o.To.String() == "tg:555" && strings.Contains(o.Text, "ktp anak saya belum jadi"))
	}
	if !found {
		t.Error("a new DISDUKCAPIL ticket did not reach sari's Telegram")
	}
}

func TestAdminChangesRoleAndOPD(t *testing.T) {
	e := newTestEnv(t)
	c, _ := loginForm(t, e, "admin", testPassword)
	dina := e.loggedIn("dina")
	if status, _, _ := c.postForm("/admin/staff/dina", url.Values{"csrf": {c.csrf}, "action": {"role"}, "role": {"agent"}, "opd": {"DISDUKCAPIL"}}); status != http.StatusSeeOther {
		t.Fatalf("rotate dina: %d", status)
	}
	if got := dina.getJSON("/api/tickets", nil); got != http.StatusUnauthorized {
		t.Errorf("dina's session after the rotation: %d, want 401 (sign in again as what she is now)", got)
	}
	var l listJSON
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	e.loggedIn("dina").getJSON("/api/tickets", &l)
	if got := l.codes(); len(got) != 1 || got[0] != code {
		t.Errorf("dina now sees %q, want the DISDUKCAPIL ticket %s", got, code)
	}
	for _, tt := range []struct {
		name string
		form url.Values
	}{
		{"an agent without an OPD", url.Values{"action": {"role"}, "role": {"agent"}}},
		{"the admin's own demotion", url.Values{"action": {"role"}, "role": {"supervisor"}}},
	} {
		tt.form.Set("csrf", c.csrf)
		user := "dina"
		if strings.Contains(tt.name, "own") {
			user = "admin"
		}
		if status, _, _ := c.postForm("/admin/staff/"+user, tt.form); status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", tt.name, status)
		}
	}
	_, page, _ := c.get("/admin")
	if !strings.Contains(page, ">terhubung</span>") {
		t.Error("the admin page does not name the channel's state in Indonesian")
	}
}

func TestOverviewShowsRatingsTheIndonesianWay(t *testing.T) {
	e := newTestEnv(t)
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	sari := e.loggedIn("sari")
	sari.postJSON("/api/tickets/"+code+"/reply", map[string]string{"text": "Silakan ke kantor."}, nil)
	sari.postJSON("/api/tickets/"+code+"/resolve", nil, nil)
	ctx := context.Background()
	if err := e.bot.Receive(ctx, sigap.Inbound{From: sigap.Address{Channel: sigap.Telegram, ID: "1001"}, PlatformID: "rate", Kind: sigap.KindText, Text: "2"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(3 * time.Hour)
	second := e.citizenAsks("tg:1002", "Siti", "", "ktp anak")
	_ = second
	_, page, _ := e.loggedIn("kepala").get("/overview?from=2024-04-01&to=2024-05-01")
	for _, want := range []string{
		"2,0 (1)",                // the mean rating and how many rated
		`href="/tickets/` + code, // the low rating links its ticket
		"nilai 2",                //
		"Ibu sari",               // staff by name
		"Minggu 14",              // the week in Indonesian
		"0,0%",                   // a decimal comma: the unanswered second one is late
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the overview lacks %q", want)
		}
	}
	var rep struct {
		Total struct {
			CSATCount int      `json:"csat_count"`
			CSATAvg   *float64 `json:"csat_avg"`
		} `json:"total"`
		LowRatings []struct{ Code string } `json:"low_ratings"`
	}
	e.loggedIn("kepala").getJSON("/api/reports?from=2024-04-01&to=2024-05-01", &rep)
	if rep.Total.CSATCount != 1 || rep.Total.CSATAvg == nil || *rep.Total.CSATAvg != 2 || len(rep.LowRatings) != 1 || rep.LowRatings[0].Code != code {
		t.Errorf("the report's ratings: %+v", rep)
	}
}

func TestIndonesianFigures(t *testing.T) {
	for in, want := range map[int]string{0: "0", 999: "999", 1000: "1.000", 20431: "20.431", 1234567: "1.234.567", -4500: "-4.500"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%d) = %q, want %q", in, got, want)
		}
	}
	v := 74.56
	if got := percentText(&v); got != "74,6%" {
		t.Errorf("percentText(74.56) = %q", got)
	}
	for d, want := range map[time.Duration]string{0: "", 4 * time.Hour: "4 jam", 150 * time.Minute: "2 jam 30 menit", 45 * time.Minute: "45 menit", 20 * time.Second: "kurang dari 1 menit"} {
		if got := durationText(d); got != want {
			t.Errorf("durationText(%s) = %q, want %q", d, got, want)
		}
	}
	for in, want := range map[string]time.Duration{
		"2 jam 30 menit": 150 * time.Minute, "90 menit": 90 * time.Minute, "1,5 jam": 90 * time.Minute,
		"2j 30m": 150 * time.Minute, "4h": 4 * time.Hour, "1 hari": 8 * time.Hour, "2 jam dan 15 menit": 135 * time.Minute,
	} {
		if got, ok := parseDuration(in); !ok || got != want {
			t.Errorf("parseDuration(%q) = %s, %v; want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "besok", "2 jam lagi", "jam"} {
		if _, ok := parseDuration(bad); ok {
			t.Errorf("parseDuration(%q) accepted", bad)
		}
	}
	if got := weekText("2024-W09"); got != "Minggu 9" {
		t.Errorf("weekText = %q", got)
	}
}

// When the desk may have missed changes (another instance's, while it was
// not listening), every open queue hears "missed" and reloads, an agent's
// as well as another OPD's: the event names no ticket.
func TestQueueHearsMissedChanges(t *testing.T) {
	e := newTestEnv(t)
	for _, who := range []string{"sari", "dina"} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/events?rows=1&status=open", nil)
		resp := e.loggedIn(who).do(req)
		r := bufio.NewReader(resp.Body)
		// The stream watches the desk before it answers with its headers.
		e.desk.MissedElsewhere()
		if got := readEvent(t, r, "missed"); got != "{}" {
			t.Errorf("%s's queue: missed event data %q, want {}", who, got)
		}
		resp.Body.Close()
		cancel()
	}
}
