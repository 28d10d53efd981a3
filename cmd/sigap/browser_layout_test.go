package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// viewport is a screen the dashboard is tried on.
type viewport struct {
	name          string
	width, height int64
	phone         bool
}

var (
	phoneScreen   = viewport{"phone", 390, 844, true}
	desktopScreen = viewport{"desktop", 1280, 800, false}
)

// touchTargets are the controls a finger must hit: each at least 44 by 44
// CSS pixels where shown. A checkbox's target is its label.
const touchTargets = `button, a.button, input:not([type=hidden]):not([type=checkbox]), select, summary,
	.top nav a, .top a.who, label.check, table.queue a.code, .crumbs a, .low-ratings a.code`

// layoutCheck measures the page as shown: whether anything makes it
// scroll sideways (and what), the controls smaller than a touch target,
// and whether the tables are laid out as cards.
const layoutCheck = `() => {
	const w = document.documentElement.clientWidth;
	const wide = [];
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (r.width > 0 && Math.round(r.right) > w && !el.closest(".scroll-x, .top nav")) {
			wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).replace(/ /g, ".") : "") + " ends at " + Math.round(r.right));
		}
	}
	const small = [];
	for (const el of document.querySelectorAll(TARGETS)) {
		const r = el.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		if (r.height < 43.5 || r.width < 43.5) {
			small.push(el.tagName.toLowerCase() + " " + JSON.stringify((el.textContent || el.name || el.type || "").trim().slice(0, 30)) + " " + Math.round(r.width) + "x" + Math.round(r.height));
		}
	}
	const heads = [...document.querySelectorAll("table thead")].map(h => getComputedStyle(h).display);
	return JSON.stringify({scrollWidth: document.documentElement.scrollWidth, width: w, wide: wide.slice(0, 8), small: small.slice(0, 12), heads});
}`

type layout struct {
	ScrollWidth int      `json:"scrollWidth"`
	Width       int      `json:"width"`
	Wide        []string `json:"wide"`
	Small       []string `json:"small"`
	Heads       []string `json:"heads"`
}

// checkLayout fails when the page scrolls sideways, and on a phone when a
// control is smaller than a touch target or a table is not shown as cards.
func (tb *tab) checkLayout(page string, vp viewport) {
	tb.t.Helper()
	js := strings.Replace(layoutCheck, "TARGETS", "`"+touchTargets+"`", 1)
	raw := tb.poll("the layout of "+page, js)
	var l layout
	if err := json.Unmarshal([]byte(raw), &l); err != nil {
		tb.t.Fatal(err)
	}
	if l.ScrollWidth > l.Width || len(l.Wide) > 0 {
		tb.t.Errorf("%s on a %s (%d px) is %d px wide: it scrolls sideways; too wide: %q", page, vp.name, l.Width, l.ScrollWidth, l.Wide)
	}
	if !vp.phone {
		for _, d := range l.Heads {
			if d == "none" {
				tb.t.Errorf("%s on a %s: a table lost its header row", page, vp.name)
			}
		}
		return
	}
	if len(l.Small) > 0 {
		tb.t.Errorf("%s on a phone: controls under 44 px: %q", page, l.Small)
	}
	for _, d := range l.Heads {
		if d != "none" {
			tb.t.Errorf("%s on a phone: a table is not laid out as cards (its header row shows)", page)
		}
	}
}

// replyOnScreen fails unless the reply box and its button, scrolled to,
// lie wholly on the screen with the button's text uncut.
func (tb *tab) replyOnScreen(vp viewport) {
	tb.t.Helper()
	tb.do("scroll to the reply form", chromedp.ScrollIntoView(chromedp.CSS(`#balas button[type="submit"]`)))
	got := tb.poll("the reply form's place", `() => {
		const w = document.documentElement.clientWidth, h = window.innerHeight;
		const box = document.getElementById("reply-text").getBoundingClientRect();
		const b = document.querySelector('#balas button[type="submit"]');
		const r = b.getBoundingClientRect();
		const inside = x => x.left >= 0 && x.right <= w;
		return JSON.stringify({box: inside(box), button: inside(r) && r.top >= 0 && r.bottom <= h, cut: b.scrollWidth > b.clientWidth, text: b.textContent.trim()});
	}`)
	var place struct {
		Box, Button, Cut bool
		Text             string
	}
	json.Unmarshal([]byte(got), &place)
	if !place.Box || !place.Button || place.Cut || place.Text != "Kirim balasan" {
		tb.t.Errorf("the reply form on a %s: box on screen %v, button on screen %v, its text cut %v (%q)", vp.name, place.Box, place.Button, place.Cut, place.Text)
	}
}

// TestBrowserPagesFitPhoneAndDesktop opens every staff page and the web
// chat at 390 px, as on a phone, and at 1280 px: no page scrolls
// sideways; on the phone every control is a 44 px touch target, the
// tables are cards, and the reply box and its button are on screen. With
// SIGAP_SCREENSHOTS set to a folder it saves the phone screenshots of the
// README there (docs/screenshots/*-phone.png).
func TestBrowserPagesFitPhoneAndDesktop(t *testing.T) {
	needBinary(t)
	needChromium(t)
	shots := os.Getenv("SIGAP_SCREENSHOTS")
	ctx := testContext(t, 120*time.Second)
	dbPath := filepath.Join(t.TempDir(), "sigap.db")
	const password = "kebumen-beriman-1"
	addStaff(ctx, t, dbPath, password, "--username", "sari", "--name", "Sari Wulandari", "--role", "admin")
	overview := "/overview"
	if shots != "" {
		overview += "?" + replayHistory(ctx, t, dbPath).Encode()
	}
	p := startServe(t, dbPath, "")
	p.waitHealthy(ctx)
	api := newAPIClient(ctx, t, p)
	api.call("POST", "/api/login", map[string]string{"username": "sari", "password": password})
	codes := seedTickets(ctx, t, p, api)
	open := codes[len(codes)-1] // answered, not resolved

	browser := startBrowser(ctx, t)
	for _, vp := range []viewport{phoneScreen, desktopScreen} {
		admin := newTab(browser, p, "admin on a "+vp.name)
		admin.do("the "+vp.name+" screen", chromedp.EmulateViewport(vp.width, vp.height, screenOptions(vp)...))
		admin.do("log in",
			chromedp.Navigate(p.url+"/login"),
			chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "sari"),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
			clickAndLoad(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS("#queue table.queue")),
		)
		for _, page := range []struct{ name, path, shot string }{
			{"the queue", "/queue", "queue"},
			{"the queue, every status", "/queue?status=all", ""},
			{"a ticket", "/tickets/" + open, "ticket"},
			{"the overview", overview, "overview"},
			{"the admin page", "/admin", "admin"},
			{"the page Usulan", "/admin/usulan", ""},
			{"the profile", "/profile", ""},
		} {
			admin.do("open "+page.name, chromedp.Navigate(p.url+page.path), chromedp.WaitVisible(chromedp.CSS("main")))
			admin.checkLayout(page.name, vp)
			if shots != "" && vp.phone && page.shot != "" {
				admin.screenshot(shots, page.shot+"-phone.png", chromedp.CaptureScreenshot())
			}
			if page.name == "a ticket" {
				admin.replyOnScreen(vp)
			}
		}
		// The queue's filters open on a phone without widening it.
		admin.do("open the filters", chromedp.Navigate(p.url+"/queue"), chromedp.Click(chromedp.CSS(".more-filters summary")),
			chromedp.WaitVisible(chromedp.CSS(`.filter-grid select[name="sla"]`)))
		admin.checkLayout("the queue with its filters open", vp)
		admin.checkConsole()

		citizen := newTab(browser, p, "citizen on a "+vp.name)
		citizen.do("the "+vp.name+" screen", chromedp.EmulateViewport(vp.width, vp.height, screenOptions(vp)...))
		citizen.do("open /chat and ask", chromedp.Navigate(p.url+"/chat"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name="text"]`), roadComplaint),
			clickAndLoad(chromedp.CSS(`form.chat-form button[type="submit"]`)))
		citizen.checkLayout("the web chat", vp)
		if shots != "" && vp.phone {
			citizen.screenshot(shots, "chat-phone.png", chromedp.CaptureScreenshot())
		}
		citizen.checkConsole()
	}
}

// screenOptions emulate a phone's touch screen for the phone viewport.
func screenOptions(vp viewport) []chromedp.EmulateViewportOption {
	if !vp.phone {
		return nil
	}
	return []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait, chromedp.EmulateScale(2)}
}
