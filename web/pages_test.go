package web

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newTestEnv(t)
	c := e.client()
	for _, path := range []string{"/login", "/queue", "/api/tickets", "/static/app.css", "/chat", "/nope"} {
		_, _, h := c.get(path)
		for name, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
			"X-Frame-Options":         "DENY",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
	}
}

func TestTemplatesHaveNoInlineScriptOrStyle(t *testing.T) {
	entries, err := assets.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		data, _ := assets.ReadFile("templates/" + en.Name())
		page := string(data)
		for _, bad := range []string{"<script>", "style=", "<style", "onclick=", "onchange=", "onsubmit=", "javascript:"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s contains %q, which the CSP forbids", en.Name(), bad)
			}
		}
	}
}

func TestPagesSendAnonymousVisitorsToLogin(t *testing.T) {
	e := newTestEnv(t)
	c := e.client()
	for _, path := range []string{"/queue", "/tickets/TST-AAAAA", "/overview", "/admin", "/media/1", "/admin/held"} {
		status, _, h := c.get(path)
		if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
			t.Errorf("GET %s: %d → %q, want 303 to /login", path, status, h.Get("Location"))
		}
	}
}

// loginForm signs in through the HTML form, as a browser does.
func loginForm(t *testing.T, e *testEnv, user, password string) (*client, int) {
	t.Helper()
	c := e.client()
	_, page, _ := c.get("/login?next=/overview")
	status, _, h := c.postForm("/login", url.Values{"csrf": {hidden(page, "csrf")}, "username": {user}, "password": {password}, "next": {"/overview"}})
	if status == http.StatusSeeOther && h.Get("Location") != "/overview" {
		t.Errorf("login redirected to %q, want /overview", h.Get("Location"))
	}
	_, queue, _ := c.get("/queue")
	c.csrf = hidden(queue, "csrf")
	return c, status
}

func TestLoginForm(t *testing.T) {
	e := newTestEnv(t)
	if _, status := loginForm(t, e, "kepala", testPassword); status != http.StatusSeeOther {
		t.Errorf("right password: %d, want 303", status)
	}
	if _, status := loginForm(t, e, "kepala", "salah"); status != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", status)
	}
	// Without the form's token the login is refused, even with the right
	// password: another site cannot sign a visitor in to its account.
	c := e.client()
	status, _, _ := c.postForm("/login", url.Values{"username": {"kepala"}, "password": {testPassword}})
	if status != http.StatusForbidden {
		t.Errorf("login form without CSRF token: %d, want 403", status)
	}
	if got := safeNext("//evil.example/x"); got != "/queue" {
		t.Errorf("safeNext(//evil.example/x) = %q, want /queue", got)
	}
}

func TestFormsNeedTheSessionCSRFToken(t *testing.T) {
	e := newTestEnv(t)
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	c, _ := loginForm(t, e, "sari", testPassword)
	if c.csrf == "" {
		t.Fatal("queue page has no CSRF token")
	}
	tests := []struct {
		name, path string
		form       url.Values
		want       int
	}{
		{"reply without token", "/tickets/" + code + "/reply", url.Values{"text": {"halo"}}, 403},
		{"reply with a wrong token", "/tickets/" + code + "/reply", url.Values{"text": {"halo"}, "csrf": {"x" + c.csrf}}, 403},
		{"logout without token", "/logout", url.Values{}, 403},
		{"reply with token", "/tickets/" + code + "/reply", url.Values{"text": {"Baik, Bapak."}, "csrf": {c.csrf}}, 303},
		{"empty reply", "/tickets/" + code + "/reply", url.Values{"text": {" "}, "csrf": {c.csrf}}, 400},
		{"claim", "/tickets/" + code + "/claim", url.Values{"csrf": {c.csrf}}, 303},
	}
	for _, tt := range tests {
		status, body, _ := c.postForm(tt.path, tt.form)
		if status != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, status, tt.want)
		}
		if tt.name == "empty reply" && !strings.Contains(body, "Teks tidak boleh kosong") {
			t.Errorf("%s: page does not say what is wrong", tt.name)
		}
	}
	// The refused forms changed nothing: one staff reply, from the
	// accepted form.
	var d ticketDetailJSON
	c.getJSON("/api/tickets/"+code, &d)
	replies := 0
	for _, m := range d.Messages {
		if m.Author == "staff" {
			replies++
		}
	}
	if replies != 1 || d.Assignee != "sari" {
		t.Errorf("%d staff replies, assignee %q; want 1 and sari", replies, d.Assignee)
	}
}

func TestQueuePage(t *testing.T) {
	e := newTestEnv(t)
	ktp := e.citizenAsks("wa:6281234567890", "Budi", "6281234567890", "ktp saya hilang")
	pusk := e.citizenAsks("tg:2002", "Siti", "", "puskesmas tutup")
	c, _ := loginForm(t, e, "sari", testPassword)
	status, page, _ := c.get("/queue")
	if status != 200 {
		t.Fatalf("queue: %d", status)
	}
	if !strings.Contains(page, ktp) || strings.Contains(page, pusk) {
		t.Errorf("agent's queue: want %s and not %s", ktp, pusk)
	}
	if !strings.Contains(page, "6281******890") || strings.Contains(page, "6281234567890") {
		t.Error("queue must show the phone masked, never in full")
	}
	if !strings.Contains(page, `class="badge ok">Tepat waktu`) {
		t.Error("fresh ticket lacks the on-time badge")
	}
	// 2h target: with 20 minutes left (< 25%) it is due soon, then late.
	e.clock.Add(100 * time.Minute)
	if _, page, _ = c.get("/queue"); !strings.Contains(page, `class="badge soon">Segera jatuh tempo`) {
		t.Error("ticket with 20 of 120 minutes left lacks the due-soon badge")
	}
	e.clock.Add(20 * time.Minute)
	if _, page, _ = c.get("/queue"); !strings.Contains(page, `class="badge late">Terlambat`) {
		t.Error("overdue ticket lacks the late badge")
	}
	// The late filter, as the overview links it.
	if _, page, _ = c.get("/queue?status=all&late=1&from=2024-04-01&to=2024-05-01"); !strings.Contains(page, ktp) {
		t.Error("late filter lost the overdue ticket")
	}
	if _, page, _ = c.get("/queue?status=all&from=2024-05-01&to=2024-06-01"); strings.Contains(page, ktp) {
		t.Error("date filter kept a ticket created outside the range")
	}
	if status, page, _ := c.get("/queue?to=1-5-2024"); status != http.StatusBadRequest || !strings.Contains(page, "to=&#34;1-5-2024&#34;: gunakan format tanggal YYYY-MM-DD.") {
		t.Errorf("bad date: %d; want 400 naming the parameter and the format", status)
	}
}

func TestTicketPage(t *testing.T) {
	e := newTestEnv(t)
	code := e.citizenAsks("wa:6281234567890", "Budi", "6281234567890", "ktp saya hilang")
	// A photo stored by an adapter and a shared location.
	photo := filepath.Join(e.dir, "data", "media", "foto.jpg")
	os.MkdirAll(filepath.Dir(photo), 0o755)
	os.WriteFile(photo, []byte("\xff\xd8\xff jpeg"), 0o644)
	ids := e.addMessages(code,
		sigap.Message{PlatformID: "p1", Kind: sigap.KindPhoto, MediaRef: "media/foto.jpg"},
		sigap.Message{PlatformID: "p2", Kind: sigap.KindLocation, Lat: -7.67, Lon: 109.65})
	sari := e.loggedIn("sari")
	sari.postJSON("/api/tickets/"+code+"/note", map[string]string{"text": "Cek arsip dulu."}, nil)
	status, page, _ := sari.get("/tickets/" + code)
	if status != 200 {
		t.Fatalf("ticket page: %d", status)
	}
	for _, want := range []string{
		"6281234567890", // full number on a ticket the agent works
		`href="/media/` + strconv.FormatInt(ids[0], 10) + `"`,               // photo through its message, checked
		"https://www.openstreetmap.org/?mlat=-7.670000&amp;mlon=109.650000", // location link
		`class="msg note"`,      // notes styled apart
		"Bawa fotokopi KK",      // canned answer from the OPD's FAQ
		`name="wait" value="1"`, // "tunggu warga"
	} {
		if !strings.Contains(page, want) {
			t.Errorf("ticket page lacks %q", want)
		}
	}
	if status, _, _ := e.loggedIn("dina").get("/tickets/" + code); status != http.StatusNotFound {
		t.Errorf("other OPD's ticket page: %d, want 404", status)
	}
	// Showing the full number is audited, once per staff member and ticket
	// within a while (the page reloads itself on every change).
	sari.get("/tickets/" + code)
	sari.getJSON("/api/tickets/"+code, nil)
	e.clock.Add(viewAuditGap)
	sari.get("/tickets/" + code)
	n := 0
	for _, a := range e.ticketAudit(code) {
		if a.Action == sigap.ActionPhoneView && a.Actor == sigap.StaffActor("sari") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d phone views audited, want 2", n)
	}
}

// addMessages files citizen messages under the ticket code and returns
// their ids.
func (e *testEnv) addMessages(code string, msgs ...sigap.Message) []int64 {
	e.t.Helper()
	ctx := context.Background()
	var ids []int64
	err := e.db.Update(ctx, func(tx sigap.Tx) error {
		t, err := tx.TicketByCode(ctx, code)
		if err != nil {
			return err
		}
		c, err := tx.CitizenByID(ctx, t.CitizenID)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			m.CitizenID, m.TicketID, m.Channel, m.Author, m.At = c.ID, t.ID, c.Address.Channel, sigap.AuthorCitizen, e.clock.Now()
			if _, err := tx.AddMessage(ctx, &m); err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return ids
}

func TestMediaOnlyToWhoMaySeeTheTicket(t *testing.T) {
	e := newTestEnv(t)
	media := filepath.Join(e.dir, "data", "media")
	os.MkdirAll(media, 0o755)
	os.WriteFile(filepath.Join(media, "foto.jpg"), []byte("\xff\xd8\xff jpeg"), 0o644)
	os.WriteFile(filepath.Join(media, "page.html"), []byte("<script>alert(1)</script>"), 0o644)
	os.WriteFile(filepath.Join(e.dir, "secret.txt"), []byte("TOP-SECRET-CONTENT"), 0o644)
	os.WriteFile(filepath.Join(e.dir, "data", "sigap-copy.db"), []byte("TOP-SECRET-CONTENT"), 0o644)
	os.Symlink(filepath.Join(e.dir, "secret.txt"), filepath.Join(media, "link.txt"))
	code := e.citizenAsks("wa:6281234567890", "Budi", "6281234567890", "ktp saya hilang")
	ids := e.addMessages(code,
		sigap.Message{PlatformID: "p1", Kind: sigap.KindPhoto, MediaRef: "media/foto.jpg"},
		sigap.Message{PlatformID: "p2", Kind: sigap.KindDocument, MediaRef: "media/page.html"},
		sigap.Message{PlatformID: "p3", Kind: sigap.KindDocument, MediaRef: "media/link.txt"},
		sigap.Message{PlatformID: "p4", Kind: sigap.KindDocument, MediaRef: filepath.Join(e.dir, "secret.txt")},
		sigap.Message{PlatformID: "p5", Kind: sigap.KindDocument, MediaRef: "sigap-copy.db"},
		sigap.Message{PlatformID: "p6", Kind: sigap.KindText, Text: "tanpa berkas"})
	path := func(i int) string { return "/media/" + strconv.FormatInt(ids[i], 10) }
	sari, dina, kepala := e.loggedIn("sari"), e.loggedIn("dina"), e.loggedIn("kepala")
	tests := []struct {
		who         *client
		path, ctype string
		want        int
	}{
		{sari, path(0), "image/jpeg", 200},
		{kepala, path(0), "image/jpeg", 200},
		{dina, path(0), "", 404}, // another OPD's ticket
		{sari, path(1), "application/octet-stream", 200},
		{sari, path(2), "", 404}, // a symlink out of the media folder
		{sari, path(3), "", 404}, // a path outside it
		{sari, path(4), "", 404}, // the data folder above it
		{sari, path(5), "", 404}, // a message without a file
		{sari, "/media/media/foto.jpg", "", 404},
		{sari, "/media/999999", "", 404},
	}
	for _, tt := range tests {
		status, body, h := tt.who.get(tt.path)
		if status != tt.want {
			t.Errorf("GET %s: %d, want %d", tt.path, status, tt.want)
			continue
		}
		if tt.want == 200 && h.Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.path, h.Get("Content-Type"), tt.ctype)
		}
		if strings.Contains(body, "TOP-SECRET-CONTENT") {
			t.Errorf("GET %s leaked a file outside the media folder", tt.path)
		}
	}
	if _, _, h := sari.get(path(1)); h.Get("Content-Disposition") != "attachment" {
		t.Error("a citizen's HTML file must download, not render")
	}
	// Each download is audited on the ticket, once per staff member and
	// file within a while: a page reloading its photos is one view.
	var got []string
	for _, a := range e.ticketAudit(code) {
		if a.Action == sigap.ActionMediaDownload {
			got = append(got, string(a.Actor)+" "+a.Detail)
		}
	}
	want := []string{"staff:sari pesan " + strconv.FormatInt(ids[0], 10), "staff:kepala pesan " + strconv.FormatInt(ids[0], 10),
		"staff:sari pesan " + strconv.FormatInt(ids[1], 10)}
	if !slices.Equal(got, want) {
		t.Errorf("media downloads audited %q, want %q", got, want)
	}
}

// ticketAudit returns the audit log of a ticket.
func (e *testEnv) ticketAudit(code string) []sigap.AuditEntry {
	e.t.Helper()
	ctx := context.Background()
	list, err := sigap.Read(ctx, e.db, func(tx sigap.Tx) ([]sigap.AuditEntry, error) {
		t, err := tx.TicketByCode(ctx, code)
		if err != nil {
			return nil, err
		}
		return tx.TicketAudit(ctx, t.ID)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return list
}

func TestRolePages(t *testing.T) {
	e := newTestEnv(t)
	e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	tests := []struct {
		user, path string
		want       int
	}{
		{"sari", "/overview", 403},
		{"sari", "/admin", 403},
		{"kepala", "/overview", 200},
		{"kepala", "/admin", 403},
		{"admin", "/admin", 200},
		{"admin", "/overview?from=2024-04-01&to=2024-05-01", 200},
		{"admin", "/admin/faqs/ktp-syarat", 200},
		{"admin", "/admin/faqs/nope", 404},
		{"admin", "/admin/opds/DINKES", 200},
	}
	for _, tt := range tests {
		c, _ := loginForm(t, e, tt.user, testPassword)
		if status, body, _ := c.get(tt.path); status != tt.want {
			t.Errorf("%s GET %s: %d, want %d: %.300s", tt.user, tt.path, status, tt.want, body)
		}
	}
	c, _ := loginForm(t, e, "kepala", testPassword)
	_, page, _ := c.get("/overview?from=2024-04-01&to=2024-05-01")
	for _, want := range []string{"DISDUKCAPIL", `href="/queue?from=2024-04-01&amp;opd=DISDUKCAPIL&amp;status=all&amp;to=2024-05-01"`, "<svg", `class="bar"`, "/api/reports?format=csv", "Per kanal"} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	_, page, _ = c.get("/overview?from=2024-04-01&to=2024-05-01&at=2024-04-30T16:00:00%2B07:00")
	if want := `href="/api/reports?at=2024-04-30T16%3A00%3A00%2B07%3A00&amp;format=csv&amp;from=2024-04-01&amp;to=2024-05-01"`; !strings.Contains(page, want) {
		t.Errorf("overview as at a moment links a CSV of another moment; want %s", want)
	}
}

func TestAdminEditsFAQ(t *testing.T) {
	e := newTestEnv(t)
	c, _ := loginForm(t, e, "admin", testPassword)
	form := url.Values{"csrf": {c.csrf}, "opd": {"DISDUKCAPIL"}, "questions": {"syarat ktp\r\ncara bikin ktp"}, "answer": {"Bawa KK asli."}}
	status, _, _ := c.postForm("/admin/faqs/ktp-syarat", form)
	if status != http.StatusSeeOther {
		t.Fatalf("save FAQ: %d", status)
	}
	f, _ := e.kb.Get().FAQ("ktp-syarat")
	if f.Answer != "Bawa KK asli." || len(f.Questions) != 2 || e.savedAnswer("ktp-syarat") != "Bawa KK asli." {
		t.Fatalf("KB in force after edit: %+v, saved answer %q", f, e.savedAnswer("ktp-syarat"))
	}
	// An invalid edit is refused, says why, keeps the draft and changes
	// nothing.
	form.Set("answer", "")
	form.Set("questions", "pertanyaan yang belum dijawab")
	status, page, _ := c.postForm("/admin/faqs/ktp-syarat", form)
	if status != http.StatusBadRequest || !strings.Contains(page, "answer") || !strings.Contains(page, "pertanyaan yang belum dijawab") {
		t.Errorf("invalid FAQ: %d; want 400 naming the field and keeping the draft", status)
	}
	if f, _ := e.kb.Get().FAQ("ktp-syarat"); f.Answer != "Bawa KK asli." || e.savedAnswer("ktp-syarat") != "Bawa KK asli." {
		t.Error("an invalid edit changed the KB")
	}
	// A new FAQ, then its deletion.
	form = url.Values{"csrf": {c.csrf}, "id": {"kk-baru"}, "opd": {"DISDUKCAPIL"}, "questions": {"syarat kk baru"}, "answer": {"Bawa buku nikah."}}
	if status, _, _ := c.postForm("/admin/faqs/new", form); status != http.StatusSeeOther {
		t.Fatalf("new FAQ: %d", status)
	}
	if _, ok := e.kb.Get().FAQ("kk-baru"); !ok {
		t.Fatal("new FAQ not in force")
	}
	if status, _, _ := c.postForm("/admin/faqs/kk-baru", url.Values{"csrf": {c.csrf}, "action": {"delete"}}); status != http.StatusSeeOther {
		t.Fatalf("delete FAQ: %d", status)
	}
	if _, ok := e.kb.Get().FAQ("kk-baru"); ok {
		t.Error("deleted FAQ still in force")
	}
	// An OPD's target.
	form = url.Values{"csrf": {c.csrf}, "name": {"Dinas Kesehatan"}, "first_response": {"1h"}}
	if status, _, _ := c.postForm("/admin/opds/DINKES", form); status != http.StatusSeeOther {
		t.Fatalf("save OPD: %d", status)
	}
	if got := e.kb.Get().Policy("DINKES").FirstResponse; got != time.Hour {
		t.Errorf("DINKES first-response target %s, want 1h", got)
	}
}

func TestAdminManagesStaff(t *testing.T) {
	e := newTestEnv(t)
	c, _ := loginForm(t, e, "admin", testPassword)
	tests := []struct {
		name string
		form url.Values
		want int
	}{
		{"agent", url.Values{"username": {"budi"}, "name": {"Budi"}, "role": {"agent"}, "opd": {"DINKES"}, "password": {"panjang-sekali"}}, 303},
		{"duplicate", url.Values{"username": {"budi"}, "name": {"Budi"}, "role": {"agent"}, "opd": {"DINKES"}, "password": {"panjang-sekali"}}, 409},
		{"agent without OPD", url.Values{"username": {"ani"}, "name": {"Ani"}, "role": {"agent"}, "password": {"panjang-sekali"}}, 400},
		{"short password", url.Values{"username": {"ani"}, "name": {"Ani"}, "role": {"admin"}, "password": {"pendek"}}, 400},
		{"bad role", url.Values{"username": {"ani"}, "name": {"Ani"}, "role": {"raja"}, "password": {"panjang-sekali"}}, 400},
	}
	for _, tt := range tests {
		tt.form.Set("csrf", c.csrf)
		if status, _, _ := c.postForm("/admin/staff", tt.form); status != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, status, tt.want)
		}
	}
	budi := e.client()
	if got := budi.postJSON("/api/login", map[string]string{"username": "budi", "password": "panjang-sekali"}, nil); got != 200 {
		t.Fatalf("new account cannot log in: %d", got)
	}
	if status, _, _ := c.postForm("/admin/staff/budi", url.Values{"csrf": {c.csrf}, "action": {"disable"}}); status != http.StatusSeeOther {
		t.Fatalf("disable: %d", status)
	}
	if got := budi.getJSON("/api/tickets", nil); got != http.StatusUnauthorized {
		t.Errorf("disabled account's session still works: %d", got)
	}
	if status, _, _ := c.postForm("/admin/staff/admin", url.Values{"csrf": {c.csrf}, "action": {"disable"}}); status != http.StatusBadRequest {
		t.Errorf("admin disabling themself: %d, want 400", status)
	}
}

func TestStaffEventsStreamVisibleChanges(t *testing.T) {
	e := newTestEnv(t)
	c := e.loggedIn("sari")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp := c.do(req)
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// The other OPD's ticket comes first; the agent must only see theirs.
	e.citizenAsks("tg:2002", "Siti", "", "puskesmas tutup")
	code := e.citizenAsks("tg:1001", "Budi", "", "ktp saya hilang")
	r := bufio.NewReader(resp.Body)
	var data string
	for data == "" {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := strings.CutPrefix(strings.TrimSpace(line), "data: "); ok {
			data = d
		}
	}
	if !strings.Contains(data, `"code":"`+code+`"`) {
		t.Errorf("first event %s, want the agent's own ticket %s", data, code)
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"6281234567890": "6281******890",
		"628123456":     "6281**456",
		"1234567":       "*******",
		"":              "",
	} {
		if got := maskPhone(in); got != want {
			t.Errorf("maskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAdminRefusesDeletingAnUnsavedFAQ(t *testing.T) {
	e := newTestEnv(t)
	c, _ := loginForm(t, e, "admin", testPassword)
	for _, id := range []string{"belum-ada", "ktp-syarat"} {
		form := url.Values{"csrf": {c.csrf}, "id": {id}, "opd": {"DISDUKCAPIL"}, "questions": {"apa saja"}, "answer": {"Ini jawabannya."}, "action": {"delete"}}
		status, _, _ := c.postForm("/admin/faqs/new", form)
		if status == http.StatusSeeOther || status == http.StatusInternalServerError {
			t.Errorf("delete of a new FAQ %s: %d; want it refused", id, status)
		}
	}
	if _, ok := e.kb.Get().FAQ("ktp-syarat"); !ok || e.savedKB() != nil {
		t.Errorf("a refused delete changed the KB (saved: %v)", e.savedKB() != nil)
	}
}

func TestAdminAddRefusesATakenKey(t *testing.T) {
	e := newTestEnv(t)
	c, _ := loginForm(t, e, "admin", testPassword)
	tests := []struct {
		path string
		form url.Values
		want string
	}{
		{"/admin/opds/new", url.Values{"code": {"dinkes"}, "name": {"Dinas Kesehatan Baru"}}, "OPD DINKES sudah ada."},
		{"/admin/faqs/new", url.Values{"id": {"ktp-syarat"}, "opd": {"DISDUKCAPIL"}, "questions": {"syarat ktp"}, "answer": {"Bawa KK."}}, "FAQ ktp-syarat sudah ada."},
	}
	for _, tt := range tests {
		tt.form.Set("csrf", c.csrf)
		status, page, _ := c.postForm(tt.path, tt.form)
		if status != http.StatusConflict || !strings.Contains(page, tt.want) {
			t.Errorf("POST %s: %d; want 409 saying %q", tt.path, status, tt.want)
		}
	}
	if e.savedKB() != nil {
		t.Errorf("a refused addition saved the KB")
	}
}

func TestSafeNextStaysOnSite(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/overview?from=2024-04-01", "/overview?from=2024-04-01"},
		{"/tickets/TST-AAAAA#balas", "/tickets/TST-AAAAA#balas"},
		{"", "/queue"},
		{"queue", "/queue"},
		{"https://evil.example/", "/queue"},
		{"//evil.example/x", "/queue"},
		{"///evil.example/x", "/queue"},
		{`/\evil.example`, "/queue"},
		// http.Redirect cleans this to /\evil.example, which a browser
		// reads as //evil.example.
		{`/./\evil.example`, "/queue"},
		// Browsers drop tabs and newlines from a URL: //evil.example.
		{"/\t/evil.example", "/queue"},
		{"/\n/evil.example", "/queue"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.next); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
}
