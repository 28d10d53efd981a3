package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/kb"
)

// chromiumPath is where Debian's chromium package, which .ci/run installs,
// puts the browser.
const chromiumPath = "/usr/bin/chromium"

// browserStep bounds one step of a browser test, so that a page that never
// shows what the test waits for fails with the step's name.
const browserStep = 15 * time.Second

// TestBrowserStaffAnswersWebChat drives the real binary from two browsers
// with cookies of their own: a citizen asks on /chat, a DPUPR agent logs
// in, finds the ticket in the queue, replies and resolves, and the
// citizen's open chat page shows the reply and the closing notice without
// a reload. With SIGAP_SCREENSHOTS set to a folder, it also seeds a few
// more tickets and saves the README's screenshots there.
func TestBrowserStaffAnswersWebChat(t *testing.T) {
	needBinary(t)
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("needs headless Chromium at %s (apt-get install chromium; .ci/run installs it): %v", chromiumPath, err)
	}
	shots := os.Getenv("SIGAP_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx := testContext(t, 60*time.Second)
	dpupr, ok := kb.Default().OPD("DPUPR")
	if !ok {
		t.Fatal("the embedded KB has no DPUPR")
	}

	dbPath := filepath.Join(t.TempDir(), "sigap.db")
	const agentPassword = "jalan-mulus-2024"
	addStaff(ctx, t, dbPath, agentPassword, "--username", "budi", "--name", "Budi Santoso", "--role", "agent", "--opd", "DPUPR")
	p := startServe(t, dbPath, "")
	p.waitHealthy(ctx)

	browser := startBrowser(ctx, t)
	citizen := newTab(browser, p, "citizen")
	staff := newTab(browser, p, "staff")

	// 1. The citizen asks; the page acknowledges with a ticket code.
	citizen.do("open /chat and send the question",
		chromedp.Navigate(p.url+"/chat"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="text"]`), roadComplaint),
		clickAndLoad(chromedp.CSS(`form.chat-form button[type="submit"]`)),
	)
	code := citizen.poll("the acknowledgement with a ticket code",
		`() => { const m = document.getElementById("thread").textContent.match(/nomor tiket (KBM-[0-9A-Z]{5})/); return m ? m[1] : ""; }`)
	if !ticketCode.MatchString(code) {
		citizen.fatalf("acknowledged ticket code %q is not a KBM-XXXXX code", code)
	}
	if thread := citizen.text("#thread"); !strings.Contains(thread, dpupr.Name) {
		citizen.fatalf("the acknowledgement does not name %q: %s", dpupr.Name, thread)
	}

	// 2. Staff log in at / and open the ticket from the queue.
	ticketLink := chromedp.CSS(fmt.Sprintf(`#queue a[href="/tickets/%s"]`, code))
	staff.do("log in",
		chromedp.Navigate(p.url+"/"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "budi"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), agentPassword),
		clickAndLoad(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(ticketLink),
	)
	row := staff.text(fmt.Sprintf(`#queue tr:has(a[href="/tickets/%s"])`, code))
	if !strings.Contains(row, "DPUPR") || !strings.Contains(row, "berlubang") {
		staff.fatalf("queue row of %s does not show DPUPR and the question: %q", code, row)
	}
	staff.do("open the ticket", clickAndLoad(ticketLink), chromedp.WaitVisible(chromedp.ID("reply-text")))

	// 3. The reply reaches the citizen's open page, named after the OPD.
	const reply = "Terima kasih laporannya, Bapak/Ibu. Tim kami akan meninjau lokasi pada hari Kamis."
	staff.do("send the reply",
		chromedp.SendKeys(chromedp.ID("reply-text"), reply),
		clickAndLoad(chromedp.CSS(`#balas button[type="submit"]`)),
	)
	staff.waitText("the reply in the ticket's thread", "#thread", reply)
	if shots != "" {
		staff.screenshot(shots, "ticket.png", fullPage)
	}
	citizen.waitText("the reply on the chat page", "#thread", (bot.Texts{}).StaffReply(dpupr.Name, reply))

	// 4. Resolving shows on the ticket and sends the closing notice.
	staff.do("resolve",
		clickAndLoad(chromedp.CSS(fmt.Sprintf(`form[action="/tickets/%s/resolve"] button`, code))),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`form[action="/tickets/%s/reopen"]`, code))),
	)
	if status := staff.text(".head .status"); status != "Selesai" {
		staff.fatalf("ticket status after resolving is %q, want Selesai", status)
	}
	citizen.waitText("the closing notice on the chat page", "#thread", (bot.Texts{}).Resolved(code, dpupr.Name))
	if shots != "" {
		citizen.screenshot(shots, "chat.png", fullPage)
		supervisorScreenshots(ctx, t, browser, p, dbPath, shots)
	}

	for _, tb := range []*tab{citizen, staff} {
		tb.checkConsole()
	}
}

// supervisorScreenshots seeds tickets through /chat and the JSON API, then
// saves the queue and the overview as an admin sees them.
func supervisorScreenshots(ctx context.Context, t *testing.T, browser context.Context, p *serveProcess, dbPath, dir string) {
	t.Helper()
	const adminPassword = "kebumen-beriman-1"
	addStaff(ctx, t, dbPath, adminPassword, "--username", "sari", "--name", "Sari Wulandari", "--role", "admin")
	api := newAPIClient(ctx, t, p)
	api.call("POST", "/api/login", map[string]string{"username": "sari", "password": adminPassword})

	questions := []struct {
		name, text string
		answer     string // a staff reply, if any
		resolve    bool
	}{
		{"Siti Aminah", "Sampah di pinggir jalan Desa Kembaran sudah seminggu tidak diangkut, mohon dibantu", "Petugas angkut sampah dijadwalkan datang besok pagi, Bapak/Ibu.", true},
		{"Agus Prasetyo", "Lampu merah di perempatan Tugu Lawet mati sejak kemarin sore", "Terima kasih, Bapak/Ibu. Teknisi kami sedang menuju lokasi.", false},
		{"Dewi Lestari", "Pohon tumbang menutup jalan di Desa Karanggayam setelah hujan deras semalam", "Tim reaksi cepat sudah membersihkan pohon tersebut. Terima kasih laporannya.", true},
		{"", "Pupuk subsidi sulit didapat petani di Desa Ambal sejak dua minggu terakhir", "", false},
		{"Joko Susilo", "Jembatan di Desa Wonosari retak cukup lebar, mohon segera diperiksa", "", false},
		{"Rina Marlina", "Bagaimana cara mengurus izin reklame baliho untuk toko kami di Gombong?", "Bapak/Ibu dapat mengajukan melalui Mal Pelayanan Publik dengan membawa desain dan foto lokasi.", false},
	}
	for _, q := range questions {
		code := chatAsk(ctx, t, p, q.name, q.text)
		if q.answer != "" {
			api.call("POST", "/api/tickets/"+code+"/reply", map[string]string{"text": q.answer})
		}
		if q.resolve {
			api.call("POST", "/api/tickets/"+code+"/resolve", nil)
		}
	}

	admin := newTab(browser, p, "admin")
	admin.do("log in as admin",
		chromedp.Navigate(p.url+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "sari"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), adminPassword),
		clickAndLoad(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#queue table.queue")),
	)
	admin.screenshot(dir, "queue.png", chromedp.CaptureScreenshot())
	admin.do("open the overview", chromedp.Navigate(p.url+"/overview"), chromedp.WaitVisible(chromedp.CSS("main")))
	admin.screenshot(dir, "overview.png", fullPage)
	admin.checkConsole()
}

// addStaff runs `sigap staff add` with the password on stdin.
func addStaff(ctx context.Context, t *testing.T, dbPath, password string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, sigapBinary, append([]string{"staff", "add", "--db", dbPath}, args...)...)
	cmd.Env = serveEnv("")
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sigap staff add %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// startBrowser starts headless Chromium for the test; it ends with ctx.
func startBrowser(ctx context.Context, t *testing.T) context.Context {
	t.Helper()
	var output lockedBuffer
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox, // the CI container runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// The machine has no network beyond 127.0.0.1: nothing may phone home.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.CombinedOutput(&output),
	)
	t.Cleanup(cancelAlloc)
	browser, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	// The first run starts the browser and binds its life to ctx; steps
	// run later with timeouts of their own.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start %s: %v\n%s", chromiumPath, err, output.String())
	}
	return browser
}

// tab is one person's browser: a tab in a browser context of its own, so
// that the citizen and the staff member do not share cookies.
type tab struct {
	t   *testing.T
	ctx context.Context
	who string
	p   *serveProcess

	mu       sync.Mutex
	problems []string // errors and exceptions the pages reported
}

func newTab(browser context.Context, p *serveProcess, who string) *tab {
	p.t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	p.t.Cleanup(cancel)
	tb := &tab{t: p.t, ctx: ctx, who: who, p: p}
	// The first run opens the tab and binds it to ctx, not to a step's
	// timeout.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		p.t.Fatalf("%s: open a tab: %v", who, err)
	}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				tb.mu.Lock()
				tb.problems = append(tb.problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
				tb.mu.Unlock()
			}
		}
	}()
	return tb
}

// checkConsole fails the test when a page wrote an error to the console,
// e.g. a script that threw or a resource the CSP refused.
func (tb *tab) checkConsole() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, m := range tb.problems {
		tb.t.Errorf("%s's browser console: %s", tb.who, m)
	}
}

// fatalf ends the test with where this tab is and the server's log.
func (tb *tab) fatalf(format string, args ...any) {
	tb.t.Helper()
	where := "unknown page"
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		where = fmt.Sprintf("%s, showing:\n%s", loc, body)
	}
	tb.p.fatalf("%s: "+format+"\n%s's page is %s", append(append([]any{tb.who}, args...), tb.who, where)...)
}

func (tb *tab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.fatalf("%s: %v", step, err)
	}
}

// poll waits until the JavaScript function returns a non-empty string.
func (tb *tab) poll(what, function string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.PollFunction[string](function,
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(browserStep)))
	if err != nil {
		tb.fatalf("waiting for %s: %v", what, err)
	}
	return v
}

// waitText waits until the element's text contains want, comparing with
// runs of white space collapsed, as the page lays the text out. The page
// is never reloaded here: the text must arrive by the page's own updates.
func (tb *tab) waitText(what, selector, want string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[bool](
		`(selector, want) => { const el = document.querySelector(selector); return !!el && el.textContent.replace(/\s+/g, " ").includes(want); }`,
		chromedp.WithPollingArgs(selector, strings.Join(strings.Fields(want), " ")),
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(browserStep)))
	if err != nil {
		tb.fatalf("waiting for %s (%q in %s): %v", what, want, selector, err)
	}
}

// text is the element's rendered text.
func (tb *tab) text(selector string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		tb.fatalf("text of %s: %v", selector, err)
	}
	return strings.TrimSpace(s)
}

// fullPage captures the whole page as a PNG, 1280 pixels wide.
var fullPage = chromedp.FullScreenshot(100)

// screenshot saves the PNG that capture takes, either of the 1280×800
// viewport or of the full page.
func (tb *tab) screenshot(dir, name string, capture chromedp.Action[[]byte]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserStep)
	defer cancel()
	png, err := chromedp.Run(ctx, capture)
	if err != nil {
		tb.fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("saved %s (%d KB)", path, len(png)/1024)
}

// clickAndLoad clicks what submits a form or follows a link, and waits
// until the page it leads to has loaded.
func clickAndLoad(sel chromedp.CSS) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(sel))(ctx, t)
		return chromedp.Void{}, err
	}
}

// chatForm finds the hidden fields of the web chat's form.
var chatForm = regexp.MustCompile(`name="(csrf|msgid)" value="([^"]*)"`)

// chatAsk sends one question through /chat as a new citizen and returns
// the code of the ticket it opened.
func chatAsk(ctx context.Context, t *testing.T, p *serveProcess, name, text string) string {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: browserStep}
	page := func(resp *http.Response, err error) string {
		t.Helper()
		if err != nil {
			p.fatalf("web chat: %v", err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			p.fatalf("web chat: status %d, err %v:\n%s", resp.StatusCode, err, body)
		}
		return string(body)
	}
	form := url.Values{"name": {name}, "text": {text}}
	for _, m := range chatForm.FindAllStringSubmatch(page(client.Get(p.url+"/chat")), -1) {
		form.Set(m[1], m[2])
	}
	answer := page(client.PostForm(p.url+"/chat/send", form))
	m := regexp.MustCompile(`nomor tiket (` + ticketCode.String() + `)`).FindStringSubmatch(answer)
	if m == nil {
		p.fatalf("web chat: %q opened no ticket; page:\n%s", text, answer)
	}
	return m[1]
}

// apiClient calls the dashboard's JSON API with a session cookie.
type apiClient struct {
	ctx    context.Context
	p      *serveProcess
	client *http.Client
}

func newAPIClient(ctx context.Context, t *testing.T, p *serveProcess) *apiClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{ctx: ctx, p: p, client: &http.Client{Jar: jar, Timeout: browserStep}}
}

// call sends body as JSON and fails the test unless the answer is 200.
func (c *apiClient) call(method, path string, body any) {
	c.p.t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		c.p.t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(c.ctx, method, c.p.url+path, bytes.NewReader(data))
	if err != nil {
		c.p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		c.p.fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		c.p.fatalf("%s %s: status %d, err %v: %s", method, path, resp.StatusCode, err, answer)
	}
}
