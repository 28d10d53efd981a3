package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/replay"
	"github.com/pemkab-kebumen/sigap/sla"
)

// chromiumPath is where Debian's chromium package, which .ci/run installs,
// puts the browser.
const chromiumPath = "/usr/bin/chromium"

// browserStep bounds one step of a browser test, so that a page that never
// shows what the test waits for fails with the step's name.
const browserStep = 15 * time.Second

// needChromium stops a browser test when Chromium is missing: in CI (CI
// set), where .ci/run installs it, that is a failure; on a developer's
// machine without it the test skips and says why.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("needs headless Chromium at %s, which .ci/run installs (apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("needs headless Chromium at %s (apt-get install chromium); CI is unset, so this skips: %v", chromiumPath, err)
	}
}

// TestBrowserStaffAnswersWebChat drives the real binary from two browsers
// with cookies of their own: a citizen asks on /chat, a DPUPR agent logs
// in, finds the ticket in the queue, sees another citizen's new ticket
// join the queue without a reload, replies with a photo and resolves, and
// the citizen's open chat page shows the reply, the photo and the closing
// notice without a reload. With SIGAP_SCREENSHOTS set to a folder, it
// also seeds a few more tickets and saves the README's screenshots there.
func TestBrowserStaffAnswersWebChat(t *testing.T) {
	needBinary(t)
	needChromium(t)
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
	var history url.Values
	if shots != "" {
		history = replayHistory(ctx, t, dbPath)
	}
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
	// Another citizen's question joins the open queue as a row of its own,
	// without a reload.
	other := chatAsk(ctx, t, p, "Sri Rahayu", "Jalan kabupaten di dusun kami berlubang dalam, motor sering jatuh")
	staff.do("the live row of the new ticket", chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#queue tr#t-%s`, other))))
	if row := staff.text(fmt.Sprintf(`#queue tr#t-%s`, other)); !strings.Contains(row, "Sri Rahayu") {
		staff.fatalf("the live row of %s does not name its citizen: %q", other, row)
	}
	staff.do("open the ticket", clickAndLoad(ticketLink), chromedp.WaitVisible(chromedp.ID("reply-text")))

	// 3. The reply reaches the citizen's open page, named after the OPD,
	// with the photo attached.
	const reply = "Terima kasih laporannya, Bapak/Ibu. Tim kami akan meninjau lokasi pada hari Kamis."
	staff.do("send the reply with a photo",
		chromedp.SendKeys(chromedp.ID("reply-text"), reply),
		chromedp.SetUploadFiles(chromedp.CSS(`#balas input[type="file"]`), []string{testPhoto(t)}),
		clickAndLoad(chromedp.CSS(`#balas button[type="submit"]`)),
	)
	staff.waitText("the reply in the ticket's thread", "#thread", reply)
	if shots != "" {
		staff.screenshot(shots, "ticket.png", fullPage)
	}
	citizen.waitText("the reply on the chat page", "#thread", (bot.Texts{}).StaffReply(dpupr.Name, reply))
	citizen.poll("the photo shown on the chat page",
		`() => { const img = document.querySelector("#thread img.photo"); return img && img.complete && img.naturalWidth > 0 ? "shown" : ""; }`)

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
		supervisorScreenshots(ctx, t, browser, p, dbPath, shots, history)
	}

	for _, tb := range []*tab{citizen, staff} {
		tb.checkConsole()
	}
}

// supervisorScreenshots seeds tickets through /chat and the JSON API, then
// saves the queue and the overview of the history's period as an admin
// sees them.
func supervisorScreenshots(ctx context.Context, t *testing.T, browser context.Context, p *serveProcess, dbPath, dir string, history url.Values) {
	t.Helper()
	const adminPassword = "kebumen-beriman-1"
	addStaff(ctx, t, dbPath, adminPassword, "--username", "sari", "--name", "Sari Wulandari", "--role", "admin")
	api := newAPIClient(ctx, t, p)
	api.call("POST", "/api/login", map[string]string{"username": "sari", "password": adminPassword})
	seedTickets(ctx, t, p, api)

	admin := newTab(browser, p, "admin")
	admin.do("log in as admin",
		chromedp.Navigate(p.url+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "sari"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), adminPassword),
		clickAndLoad(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#queue table.queue")),
	)
	admin.screenshot(dir, "queue.png", chromedp.CaptureScreenshot())
	admin.do("open the overview", chromedp.Navigate(p.url+"/overview?"+history.Encode()), chromedp.WaitVisible(chromedp.CSS("main")))
	admin.screenshot(dir, "overview.png", fullPage)
	admin.checkConsole()
}

// testPhoto writes a small PNG, a photo a staff member attaches.
func testPhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for x := range 120 {
		for y := range 80 {
			img.Set(x, y, color.RGBA{R: uint8(x * 2), G: 120, B: uint8(y * 3), A: 255})
		}
	}
	path := filepath.Join(t.TempDir(), "lokasi.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// seedTickets asks a few questions through /chat and answers some of them
// through the JSON API, as the client api (signed in) may; it returns
// their codes.
func seedTickets(ctx context.Context, t *testing.T, p *serveProcess, api *apiClient) []string {
	t.Helper()
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
	var codes []string
	for _, q := range questions {
		code := chatAsk(ctx, t, p, q.name, q.text)
		codes = append(codes, code)
		if q.answer != "" {
			api.call("POST", "/api/tickets/"+code+"/reply", map[string]string{"text": q.answer})
		}
		if q.resolve {
			api.call("POST", "/api/tickets/"+code+"/resolve", nil)
		}
	}
	return codes
}

// addStaff runs `sigap staff add` with the password on stdin.
func addStaff(ctx context.Context, t *testing.T, dbPath, password string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, sigapBinary, append([]string{"staff", "add", "--db", dbPath, "--create"}, args...)...)
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
	t   testing.TB
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

// historyOPD is how one agency's desk behaves in the screenshots' history:
// what citizens ask it, what its staff answer, and how fast.
type historyOPD struct {
	code, staff string
	share       int           // questions per hundred tickets
	median      time.Duration // typical first response, in working time
	late        float64       // share of first responses after the target
	askWhere    bool          // staff sometimes ask the citizen where it is
	topics      []historyTopic
}

// historyTopic is a question and the staff's answer to it. A %s in the
// question, where present, is a village.
type historyTopic struct{ ask, answer string }

// historyOPDs are the agencies citizens write to most. Most questions
// route to their OPD at once; the others land at the triage desk
// (DISKOMINFO) or elsewhere, and the triage staff transfer them.
var historyOPDs = []historyOPD{
	{code: "DPUPR", staff: "budi", share: 20, median: 2 * time.Hour, late: 0.18, askWhere: true, topics: []historyTopic{
		{"Jalan kabupaten di Desa %s berlubang besar, sudah dua motor jatuh minggu ini",
			"Terima kasih laporannya, Bapak/Ibu. Tim kami akan meninjau lokasi minggu ini dan menjadwalkan penambalan."},
		{"Jembatan di Desa %s retak dan goyang kalau dilewati truk, mohon diperiksa",
			"Tim teknis kami akan memeriksa jembatan tersebut besok. Sementara ini kami pasang rambu batas muatan."},
		{"Gorong-gorong di Desa %s tersumbat, jalan tergenang setiap hujan",
			"Laporan sudah kami teruskan ke UPT wilayah. Pembersihan gorong-gorong dikerjakan dalam tiga hari kerja."},
		{"Saluran irigasi di Desa %s jebol, air tidak sampai ke sawah",
			"Petugas irigasi kami akan menutup tanggul yang jebol bersama kelompok tani minggu ini, Bapak/Ibu."},
		{"Aspal jalan menuju pasar Desa %s mengelupas dan banyak lubang",
			"Ruas tersebut sudah masuk daftar pemeliharaan tahun ini, Bapak/Ibu. Terima kasih atas informasinya."},
		{"Talud di pinggir jalan Desa %s longsor sebagian, mohon segera diperbaiki",
			"Tim kami akan meninjau talud tersebut dan memasang pengaman sementara. Mohon pengendara berhati-hati."},
		{"Bekas galian kabel di pinggir jalan dibiarkan terbuka, bahaya untuk pengendara",
			"Kami sudah meminta pelaksana galian menutup lubang tersebut paling lambat besok, Bapak/Ibu."},
		{"Genangan air di depan sekolah tidak pernah surut sejak musim hujan",
			"Tim drainase kami akan memeriksa saluran di sekitar sekolah tersebut minggu ini."},
	}},
	{code: "DISPERKIMLH", staff: "ratna", share: 16, median: 90 * time.Minute, late: 0.1, askWhere: true, topics: []historyTopic{
		{"Sampah di TPS Desa %s menumpuk dan bau, sudah seminggu tidak diangkut",
			"Terima kasih, Bapak/Ibu. Armada angkut sampah kami jadwalkan ke lokasi besok pagi."},
		{"Lampu jalan di depan balai Desa %s mati sudah dua minggu",
			"Petugas PJU kami akan memeriksa dan mengganti lampu tersebut minggu ini."},
		{"Sungai di Desa %s tercemar limbah pabrik tahu, airnya hitam dan bau",
			"Petugas lingkungan hidup kami akan mengambil sampel air dan memeriksa pengolahan limbah pabrik tersebut."},
		{"Rumah orang tua saya di Desa %s hampir roboh, bisa diusulkan bedah rumah?",
			"Bisa, Bapak/Ibu. Usulan bedah rumah diajukan melalui pemerintah desa; petugas kami akan memverifikasi rumahnya."},
		{"PJU di jalan Desa %s berkedip dan sering mati malam hari",
			"Laporan sudah kami catat, Bapak/Ibu. Petugas PJU kami akan memeriksa jaringannya dalam dua hari kerja."},
	}},
	{code: "DISDUKCAPIL", staff: "hendra", share: 14, median: 40 * time.Minute, late: 0.05, topics: []historyTopic{
		{"KTP-el saya sudah dua bulan belum jadi padahal sudah rekam di kecamatan",
			"Mohon maaf atas keterlambatannya, Bapak/Ibu. KTP-el dapat diambil di kecamatan mulai besok dengan membawa bukti perekaman."},
		{"Nama di kartu keluarga saya salah ketik, sudah lapor ke desa tapi belum diperbaiki",
			"Data sudah kami perbaiki, Bapak/Ibu. Silakan cetak KK baru di kecamatan dengan membawa KK lama."},
		{"Akta kelahiran anak saya belum terbit padahal berkas sudah lengkap sebulan lalu",
			"Akta kelahiran anak Bapak/Ibu sudah terbit dan dapat diambil di kantor Disdukcapil atau diunduh melalui tautan yang kami kirim lewat desa."},
		{"Data NIK di KTP dan kartu keluarga saya berbeda, mohon dibantu perbaikannya",
			"Data NIK Bapak/Ibu sudah kami padankan. Silakan cetak ulang KTP-el di kecamatan."},
		{"Blangko KTP di kecamatan kosong terus, kapan bisa cetak?",
			"Blangko sudah kami kirim ke kecamatan hari ini, Bapak/Ibu. Pencetakan dapat dilakukan mulai besok."},
	}},
	{code: "DINKES", staff: "yuni", share: 10, median: 50 * time.Minute, late: 0.1, topics: []historyTopic{
		{"Puskesmas di kecamatan kami sering tutup sebelum jam pelayanan selesai, pasien disuruh pulang",
			"Terima kasih masukannya, Bapak/Ibu. Kami sudah meminta kepala puskesmas menertibkan jam pelayanan."},
		{"Antrean di puskesmas lama sekali, dokter puskesmas baru datang siang",
			"Kami sudah menegur puskesmas tersebut dan meminta jadwal dokter diumumkan di ruang tunggu."},
		{"Kegiatan posyandu balita di dusun kami berhenti tiga bulan, mohon diaktifkan lagi",
			"Puskesmas setempat akan menjadwalkan ulang posyandu bersama kader desa bulan ini."},
		{"Bidan di pustu kami jarang ada di tempat, ibu hamil kesulitan periksa",
			"Laporan sudah kami teruskan ke puskesmas induk; jadwal jaga bidan pustu akan ditempel di pintu pustu."},
		{"Ada lima warga Desa %s kena demam berdarah, mohon tindakan puskesmas",
			"Petugas puskesmas akan melakukan penyelidikan epidemiologi ke lokasi besok pagi."},
		{"Ambulans puskesmas lama sekali datang saat ada warga pingsan",
			"Mohon maaf, Bapak/Ibu. Kami sedang memeriksa catatan panggilan ambulans tersebut bersama puskesmas."},
		{"Banyak nyamuk dan genangan di lahan kosong sebelah rumah, takut ada yang sakit",
			"Petugas puskesmas akan memeriksa jentik di lokasi. Mohon bantu menguras dan menutup tempat air."},
	}},
	{code: "DISTAPANG", staff: "slamet", share: 10, median: 150 * time.Minute, late: 0.25, topics: []historyTopic{
		{"Stok pupuk subsidi di kios Desa %s kosong sejak dua minggu lalu",
			"Penyaluran pupuk ke kios tersebut dijadwalkan minggu ini, Bapak/Ibu."},
		{"Sawah di Desa %s diserang hama wereng, mohon penyuluh datang",
			"Petugas pengamat hama dan penyuluh kecamatan akan datang ke lokasi bersama kelompok tani."},
		{"Kartu tani saya tidak bisa dipakai menebus pupuk di kios",
			"Data kartu tani Bapak/Ibu sudah kami periksa; silakan bawa kartu dan KTP ke penyuluh kecamatan untuk aktivasi ulang."},
		{"Hama tikus merusak padi petani Desa %s, mohon bantuan pengendalian",
			"Kami akan mengirim bantuan umpan tikus melalui kelompok tani dan menjadwalkan gropyokan bersama."},
		{"Sapi warga Desa %s banyak yang sakit, mohon petugas kesehatan hewan datang",
			"Dokter hewan puskeswan terdekat akan datang ke lokasi besok pagi, Bapak/Ibu."},
	}},
	{code: "DISHUB", staff: "eko", share: 7, median: 105 * time.Minute, late: 0.1, askWhere: true, topics: []historyTopic{
		{"Lampu merah di perempatan %s mati sejak kemarin sore",
			"Teknisi kami sedang menuju lokasi, Bapak/Ibu. Terima kasih laporannya."},
		{"Juru parkir di depan pasar %s minta tarif lebih dari karcis",
			"Laporan sudah kami teruskan ke koordinator parkir untuk ditertibkan."},
		{"Rambu lalu lintas di tikungan tajam roboh tertabrak truk, mohon dipasang lagi",
			"Rambu tersebut akan kami pasang kembali minggu ini, Bapak/Ibu."},
		{"Bus dari terminal Kebumen ke Gombong sering ngetem lama sekali",
			"Petugas terminal kami akan menertibkan waktu tunggu bus tersebut."},
	}},
	{code: "DINSOS", staff: "lestari", share: 8, median: 2 * time.Hour, late: 0.15, topics: []historyTopic{
		{"Sudah diusulkan ke DTKS sejak tahun lalu tapi belum pernah menerima bansos",
			"Data Bapak/Ibu sudah kami periksa dan kami usulkan pada pemutakhiran bulan ini."},
		{"Bantuan PKH ibu saya tiga bulan ini tidak cair",
			"Pendamping PKH kecamatan akan menghubungi keluarga Bapak/Ibu untuk memeriksa rekeningnya."},
		{"Kartu KIS bapak saya mendadak tidak aktif saat berobat",
			"Kepesertaan KIS bapak Bapak/Ibu sudah kami usulkan aktif kembali; prosesnya sekitar satu minggu."},
		{"Ada lansia hidup sendiri dan sakit di Desa %s, mohon dibantu",
			"Pendamping sosial kecamatan akan berkunjung bersama puskesmas besok, Bapak/Ibu."},
		{"Tetangga saya penyandang disabilitas belum pernah dapat bantuan sosial",
			"Petugas kami akan mendata tetangga Bapak/Ibu melalui pemerintah desa minggu ini."},
	}},
	{code: "PERUMDAM", staff: "wahyu", share: 7, median: 40 * time.Minute, late: 0.08, askWhere: true, topics: []historyTopic{
		{"Air PDAM di Desa %s tidak mengalir sejak kemarin pagi",
			"Ada perbaikan pipa transmisi, Bapak/Ibu. Aliran kembali normal nanti sore."},
		{"Pipa PDAM bocor di pinggir jalan Desa %s, airnya terbuang",
			"Tim teknik kami menuju lokasi hari ini. Terima kasih laporannya."},
		{"Tagihan air bulan ini naik dua kali lipat padahal pemakaian biasa",
			"Petugas kami akan memeriksa ulang angka meteran Bapak/Ibu dan mengoreksi tagihan bila salah catat."},
		{"Air PDAM keruh kecoklatan sudah tiga hari",
			"Air baku sedang keruh karena hujan; kami menambah pengolahan dan menguras pipa di wilayah Bapak/Ibu."},
	}},
	{code: "BPBD", staff: "teguh", share: 4, median: 20 * time.Minute, late: 0.05, topics: []historyTopic{
		{"Tanah longsor menutup jalan Desa %s setelah hujan semalam",
			"Tim reaksi cepat BPBD sudah berangkat ke lokasi dengan alat berat, Bapak/Ibu. Mohon tetap waspada."},
		{"Pohon tumbang menimpa rumah warga Desa %s karena angin kencang",
			"Tim kami dan relawan sedang menuju lokasi. Bila ada korban, segera hubungi 112."},
		{"Banjir setinggi lutut masuk rumah warga Desa %s, mohon bantuan evakuasi",
			"Perahu dan relawan sudah kami kirim ke lokasi. Mohon utamakan lansia dan anak-anak."},
	}},
	{code: "DISKOMINFO", staff: "dimas", share: 4, median: time.Hour, late: 0.1, topics: []historyTopic{
		{"Pelayanan di kantor kemarin sangat lama dan petugasnya tidak ramah",
			"Mohon maaf atas ketidaknyamanannya, Bapak/Ibu. Keluhan sudah kami sampaikan kepada pimpinan kantor yang bersangkutan."},
		{"Mohon ditindaklanjuti keluhan warga di dusun kami, sudah lama tidak ada kabar",
			"Keluhan mana yang Bapak/Ibu maksud? Bila ada nomor tiket sebelumnya, mohon kirimkan agar kami telusuri."},
	}},
}

// historyFAQs are questions the FAQ answers at once.
var historyFAQs = []string{
	"Bagaimana cara membayar PBB?",
	"Puskesmas buka jam berapa?",
	"Bagaimana cara membuat kartu kuning AK1?",
	"Bagaimana cara mendapatkan pupuk bersubsidi?",
	"IGD RSUD buka 24 jam?",
	"Bagaimana cara mendaftar bansos PKH?",
	"Apa syarat mengurus PBG atau IMB rumah?",
	"Jadwal imunisasi bayi di puskesmas kapan?",
}

var (
	historyVillages = []string{"Kaleng", "Tanjungsari", "Wonosari", "Jatimulyo", "Sidomulyo", "Kedungwinangun",
		"Candiwulan", "Grenggeng", "Jladri", "Argopeni", "Logede", "Tambakmulyo", "Kaibon", "Pejengkolan",
		"Kewayuhan", "Karangsari", "Sumberadi", "Klegenrejo", "Bumirejo", "Jatisari", "Kutosari", "Gemeksekti"}
	historyFirstNames = []string{"Siti", "Agus", "Dewi", "Joko", "Rina", "Slamet", "Sri", "Bambang", "Wati",
		"Heru", "Nur", "Yanto", "Endang", "Tri", "Umi", "Darsono", "Ratih", "Suparno", "Lina", "Imam", "Fitri", "Sugeng"}
	historyLastNames = []string{"Rahayu", "Prasetyo", "Lestari", "Susilo", "Wibowo", "Handayani", "Santoso",
		"Purwanti", "Nugroho", "Hidayat", "Mulyani", "Saputra", "Kurniawan", "Wahyuni"}
)

// deskHistory makes six weeks of a regency desk in use, as `sigap replay`
// events in time order: tickets in [from, to), answered mostly in working
// hours, some late, a few transferred, asked back or never answered, and
// most resolved. Nothing happens at or after to, so the last days' tickets
// are still waiting when the server starts.
func deskHistory(rng *rand.Rand, k *sigap.KB, cal *sla.Calendar, from, to time.Time) []replay.Event {
	var events []replay.Event
	days := int(to.Sub(from).Hours()/24 + 0.5)
	weekLoad := make([]float64, days/7+1) // some weeks are busier
	weekPace := make([]float64, days/7+1) // and some slower to answer
	for i := range weekLoad {
		weekLoad[i] = 0.7 + 0.6*rng.Float64()
		weekPace[i] = 0.6 + 0.9*rng.Float64()
	}
	dayWeight := map[time.Weekday]float64{time.Monday: 1.3, time.Tuesday: 1.1, time.Wednesday: 1, time.Thursday: 1,
		time.Friday: 0.9, time.Saturday: 0.6, time.Sunday: 0.5}
	// Citizens write from early morning to late evening.
	hourWeight := []float64{0.1, 0.05, 0.05, 0.05, 0.2, 0.5, 1, 1.5, 2, 2, 1.8, 1.5, 1.2, 1.2, 1.2, 1.1, 1, 1, 1.2, 1.5, 1.6, 1.3, 0.8, 0.3}
	pick := func(weights []float64) int {
		total := 0.0
		for _, w := range weights {
			total += w
		}
		x := rng.Float64() * total
		for i, w := range weights {
			if x -= w; x < 0 {
				return i
			}
		}
		return len(weights) - 1
	}
	var dayWeights []float64
	for d := range days {
		day := from.AddDate(0, 0, d)
		dayWeights = append(dayWeights, dayWeight[day.Weekday()]*weekLoad[d/7])
	}
	var shares []float64
	for _, o := range historyOPDs {
		shares = append(shares, float64(o.share))
	}

	const citizens = 150
	for i := range citizens {
		d := pick(dayWeights)
		asked := from.AddDate(0, 0, d).Add(time.Duration(pick(hourWeight))*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
		ev := replay.Event{At: asked, Type: "message", Name: historyFirstNames[rng.IntN(len(historyFirstNames))] + " " + historyLastNames[rng.IntN(len(historyLastNames))]}
		switch x := rng.Float64(); {
		case x < 0.55:
			ev.From = fmt.Sprintf("wa:62812%08d", rng.IntN(1e8))
		case x < 0.85:
			ev.From = fmt.Sprintf("tg:%d", 100000000+rng.IntN(900000000))
		default:
			ev.From = fmt.Sprintf("web:h%06d", i)
			if rng.IntN(3) == 0 {
				ev.Name = "" // the web chat does not ask for a name
			}
		}
		add := func(e replay.Event) {
			if e.At.Before(to) {
				e.From = ev.From
				events = append(events, e)
			}
		}
		// One in ten asks what the FAQ answers at once.
		if rng.IntN(10) == 0 {
			ev.Text = historyFAQs[rng.IntN(len(historyFAQs))]
			events = append(events, ev)
			add(replay.Event{At: asked.Add(time.Duration(1+rng.IntN(10)) * time.Minute), Type: "message", Text: "1"})
			continue
		}
		o := historyOPDs[pick(shares)]
		topic := o.topics[rng.IntN(len(o.topics))]
		ev.Text = topic.ask
		if strings.Contains(ev.Text, "%s") {
			ev.Text = fmt.Sprintf(ev.Text, historyVillages[rng.IntN(len(historyVillages))])
		}
		events = append(events, ev)
		target := k.Policy(o.code).FirstResponse
		first := time.Duration(float64(o.median) * weekPace[d/7] * math.Exp(0.6*rng.NormFloat64()))
		if rng.Float64() < o.late {
			first = time.Duration(float64(target) * (1.1 + 2*rng.Float64()))
		} else {
			first = min(max(first, 5*time.Minute), target*19/20)
		}
		// The triage desk moves what landed in the wrong queue; for what
		// landed right the transfer changes nothing.
		add(replay.Event{At: cal.Add(asked, time.Minute+time.Duration(rng.Int64N(int64(first/2)))), Type: "transfer", Staff: "dimas", OPD: o.code,
			Reason: "Bukan kewenangan kami; kami teruskan ke OPD yang menangani."})
		// A few of the last fortnight's are never answered, besides those
		// of the last days that are still waiting.
		recent := to.Sub(asked) < 14*24*time.Hour
		if recent && rng.IntN(10) == 0 {
			continue
		}
		at := cal.Add(asked, first).Add(time.Duration(rng.IntN(60)) * time.Second)
		if o.askWhere && rng.IntN(6) == 0 {
			add(replay.Event{At: at, Type: "reply", Staff: o.staff, Wait: true,
				Text: "Mohon sebutkan alamat lengkap atau patokan lokasinya, Bapak/Ibu, agar petugas kami mudah menemukannya."})
			at = at.Add(time.Duration(10+rng.IntN(300)) * time.Minute)
			add(replay.Event{At: at, Type: "message", Text: fmt.Sprintf("Dusun Krajan RT %02d RW %02d, dekat masjid, sebelah timur balai desa.", 1+rng.IntN(6), 1+rng.IntN(4))})
			at = cal.Add(at, time.Duration(20+rng.IntN(120))*time.Minute)
		}
		add(replay.Event{At: at, Type: "reply", Staff: o.staff, Text: topic.answer})
		// Older tickets are almost all closed; the last fortnight's not yet.
		resolved := 0.98
		if recent {
			resolved = 0.6
		}
		if rng.Float64() < resolved {
			add(replay.Event{At: cal.Add(at, time.Duration(10+rng.IntN(16*60))*time.Minute), Type: "resolve", Staff: o.staff})
		}
	}
	for i := range events {
		events[i].At = events[i].At.Truncate(time.Second)
	}
	slices.SortStableFunc(events, func(a, b replay.Event) int { return a.At.Compare(b.At) })
	return events
}

// replayHistory replays six weeks of desk history into the database,
// ending a few days ago, and returns the overview's from and to for them.
func replayHistory(ctx context.Context, t *testing.T, dbPath string) url.Values {
	t.Helper()
	k := kb.Default()
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		t.Fatal(err)
	}
	// Whole weeks, so that every bar of the weekly charts is a full week.
	now := time.Now().In(cal.Location()).AddDate(0, 0, -2)
	to := time.Date(now.Year(), now.Month(), now.Day()-(int(now.Weekday())+6)%7, 0, 0, 0, 0, now.Location())
	from := to.AddDate(0, 0, -42)
	events := deskHistory(rand.New(rand.NewPCG(20241104, 1)), k, cal, from, to)
	var lines bytes.Buffer
	enc := json.NewEncoder(&lines)
	for _, ev := range events {
		if err := enc.Encode(ev); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "history.jsonl")
	if err := os.WriteFile(path, lines.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, sigapBinary, "replay", "--db", dbPath, path)
	cmd.Env = serveEnv("")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sigap replay of %d events: %v\n%s", len(events), err, out)
	}
	return url.Values{"from": {from.Format(time.DateOnly)}, "to": {to.Format(time.DateOnly)}}
}
