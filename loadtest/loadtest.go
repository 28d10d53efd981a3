// Package loadtest offers web chat messages to a running sigap serve at a
// set rate, as many citizens would, and measures how long each POST takes:
// the load generator behind sigap-load and the web chat benchmark. It
// talks only to a server on this machine (a loopback address) and runs for
// a bounded time at a bounded rate, so it cannot be turned on a
// production server by mistake.
package loadtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds of a run.
const (
	MaxRate     = 20_000          // messages per second
	MaxDuration = 5 * time.Minute // of one run
	// postTimeout is when a POST counts as failed.
	postTimeout = 10 * time.Second
)

// Config is one run.
type Config struct {
	// URL is the server's base URL, such as http://127.0.0.1:8080.
	URL string
	// Rate is how many messages a second are offered, whatever the server
	// answers (an open loop, as citizens do not wait for one another).
	Rate float64
	// Duration is how long messages are offered.
	Duration time.Duration
	// Conversations is how many citizens write, each in a browser of its
	// own that opened /chat first; 0 is enough for each to write at most
	// ten messages a minute, below the flood limit.
	Conversations int
	// Texts are what citizens write, in turn: a question, then follow-ups.
	// Empty uses a road complaint and two follow-ups.
	Texts []string
}

// Result is what a run measured.
type Result struct {
	Offered, OK, Failed int
	// Held counts messages the server kept for an admin instead of
	// answering (its web chat flood limits): not a failure, but not the
	// conversation's work either, so a rate with any does not count.
	Held int
	// Rate is the messages answered a second, failed ones not counted.
	Rate          float64
	P50, P90, P99 time.Duration
	Max           time.Duration
	// FirstError is the first failure seen, for the operator.
	FirstError string
}

func (r Result) String() string {
	s := fmt.Sprintf("offered %d, ok %d, held %d, failed %d, %.0f msgs/s, p50 %v, p90 %v, p99 %v, max %v",
		r.Offered, r.OK, r.Held, r.Failed, r.Rate, r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond),
		r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond))
	if r.FirstError != "" {
		s += "; first error: " + r.FirstError
	}
	return s
}

var defaultTexts = []string{
	"jalan di desa kami rusak parah dan berlubang",
	"lubangnya ada di depan balai desa",
	"sudah dua minggu belum diperbaiki",
}

// check refuses a run that is not bounded or not local.
func (c *Config) check() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("loadtest: url %q: want http://127.0.0.1:PORT", c.URL)
	}
	ips, err := net.LookupIP(u.Hostname())
	if err != nil {
		return fmt.Errorf("loadtest: url %q: %w", c.URL, err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("loadtest: url %q is not on this machine (%s): load only a local server", c.URL, ip)
		}
	}
	switch {
	case c.Rate <= 0 || c.Rate > MaxRate:
		return fmt.Errorf("loadtest: rate %g: want more than 0 and at most %d messages a second", c.Rate, MaxRate)
	case c.Duration <= 0 || c.Duration > MaxDuration:
		return fmt.Errorf("loadtest: duration %v: want more than 0 and at most %v", c.Duration, MaxDuration)
	case c.Conversations < 0:
		return fmt.Errorf("loadtest: conversations %d: want 0 or more", c.Conversations)
	}
	if c.Conversations == 0 {
		// Ten messages a minute each, at most.
		c.Conversations = max(1, int(c.Rate*6))
	}
	if len(c.Texts) == 0 {
		c.Texts = defaultTexts
	}
	return nil
}

// Run opens the conversations, then offers messages at the configured
// rate for the configured time, and waits for the last answer.
func Run(ctx context.Context, c Config) (Result, error) {
	if err := c.check(); err != nil {
		return Result{}, err
	}
	transport := &http.Transport{MaxIdleConnsPerHost: 1024, IdleConnTimeout: time.Minute}
	defer transport.CloseIdleConnections()
	convs, err := openConversations(ctx, c, transport)
	if err != nil {
		return Result{}, err
	}
	return offer(ctx, c, convs), nil
}

// offer sends a message every 1/Rate seconds to the next free
// conversation. Latency counts from when the message was due, so a server
// that falls behind is not excused by the generator waiting for it.
func offer(ctx context.Context, c Config, convs []*conversation) Result {
	free := make(chan *conversation, len(convs))
	for _, cv := range convs {
		free <- cv
	}
	gap := time.Duration(float64(time.Second) / c.Rate)
	total := int(c.Rate * c.Duration.Seconds())
	var mu sync.Mutex
	var lat []time.Duration
	var failed, held atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	offered := 0
	for ; offered < total && ctx.Err() == nil; offered++ {
		due := start.Add(time.Duration(offered) * gap)
		time.Sleep(time.Until(due))
		var cv *conversation
		select {
		case cv = <-free:
		case <-ctx.Done():
		}
		if cv == nil {
			break
		}
		wg.Go(func() {
			defer func() { free <- cv }()
			err := cv.post(ctx, c.Texts)
			if errors.Is(err, errHeld) {
				held.Add(1)
				return
			}
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			d := time.Since(due)
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := Result{Offered: offered, OK: len(lat), Held: int(held.Load()), Failed: int(failed.Load()),
		Rate: float64(len(lat)) / elapsed.Seconds()}
	if s, ok := firstErr.Load().(string); ok {
		r.FirstError = s
	}
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		r.P50, r.P90, r.P99, r.Max = lat[n*50/100], lat[n*90/100], lat[min(n-1, n*99/100)], lat[n-1]
	}
	return r
}

// conversation is one citizen's browser: its cookies, the form's token,
// and how far it is in its texts.
type conversation struct {
	client *http.Client
	base   string
	csrf   string
	next   int
}

var (
	csrfField  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	msgIDField = regexp.MustCompile(`name="msgid" value="([^"]+)"`)
)

// openConversations loads /chat in each browser, a few at a time, as the
// run's warm-up: the page sets the conversation's cookies and its form.
func openConversations(ctx context.Context, c Config, transport http.RoundTripper) ([]*conversation, error) {
	convs := make([]*conversation, c.Conversations)
	errs := make(chan error, 1)
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for i := range convs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			cv, err := openConversation(ctx, c.URL, transport)
			if err != nil {
				select {
				case errs <- err:
				default:
				}
				return
			}
			convs[i] = cv
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
		return convs, nil
	}
}

func openConversation(ctx context.Context, base string, transport http.RoundTripper) (*conversation, error) {
	jar, _ := cookiejar.New(nil)
	cv := &conversation{base: strings.TrimRight(base, "/"), client: &http.Client{
		Transport: transport, Jar: jar, Timeout: postTimeout,
		// The answer to a POST is a redirect back to the chat; what is
		// measured is the POST.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cv.base+"/chat", nil)
	if err != nil {
		return nil, err
	}
	resp, err := cv.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("loadtest: open /chat: %w", err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("loadtest: open /chat: %w", err)
	}
	m := csrfField.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil || msgIDField.Find(page) == nil {
		return nil, fmt.Errorf("loadtest: open /chat: status %d and no chat form", resp.StatusCode)
	}
	cv.csrf = string(m[1])
	return cv, nil
}

// post sends the conversation's next text, as the chat form does.
func (cv *conversation) post(ctx context.Context, texts []string) error {
	form := url.Values{"csrf": {cv.csrf}, "msgid": {randomID()}, "text": {texts[cv.next%len(texts)]}}
	cv.next++
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cv.base+"/chat/send", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := cv.client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("POST /chat/send: status %d, want 303", resp.StatusCode)
	}
	if strings.Contains(resp.Header.Get("Location"), "held=1") {
		return errHeld
	}
	return nil
}

// errHeld is a message the server held: the redirect back to the chat
// says so, as the page then tells the citizen.
var errHeld = errors.New("held by the web chat limits")

// randomID is a fresh message id, as the chat page gives each form.
func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ErrNoRate says even the lowest rate tried missed the latency target.
var ErrNoRate = errors.New("loadtest: no rate met the latency target")

// FindRate looks for the highest rate at which the 99th percentile of POST
// times stays within limit and nothing fails or is held: it doubles the rate from
// start until a run misses, then halves the gap twice. Each run offers
// messages for step, to conversations opened as they are needed and kept
// from one run to the next.
func FindRate(ctx context.Context, c Config, start float64, step, limit time.Duration) (best Result, rate float64, err error) {
	c.Duration, c.Rate = step, start
	if err := c.check(); err != nil {
		return Result{}, 0, err
	}
	transport := &http.Transport{MaxIdleConnsPerHost: 1024, IdleConnTimeout: time.Minute}
	defer transport.CloseIdleConnections()
	var pool []*conversation
	conversations := c.Conversations
	try := func(r float64) (Result, bool, error) {
		c := c
		c.Rate, c.Conversations = r, conversations
		if err := c.check(); err != nil {
			return Result{}, false, err
		}
		if more := c.Conversations - len(pool); more > 0 {
			c2 := c
			c2.Conversations = more
			opened, err := openConversations(ctx, c2, transport)
			if err != nil {
				return Result{}, false, err
			}
			pool = append(pool, opened...)
		}
		res := offer(ctx, c, pool[:c.Conversations])
		return res, res.Failed == 0 && res.Held == 0 && res.OK > 0 && res.P99 <= limit, nil
	}
	// A first run, not counted, opens connections and warms the server's
	// caches, as its first minutes of traffic would.
	if _, _, err := try(start); err != nil {
		return best, 0, err
	}
	lo, hi := 0.0, 0.0 // the highest rate that met the target, the lowest that missed
	var missed Result
	for r := start; r <= MaxRate; r *= 2 {
		res, ok, err := try(r)
		if err != nil {
			return best, lo, err
		}
		if !ok {
			hi, missed = r, res
			break
		}
		lo, best = r, res
	}
	for i := 0; i < 2 && lo > 0 && hi > 0; i++ {
		mid := (lo + hi) / 2
		res, ok, err := try(mid)
		if err != nil {
			return best, lo, err
		}
		if ok {
			lo, best = mid, res
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return missed, 0, fmt.Errorf("%w: at %.0f msgs/s: %v", ErrNoRate, start, missed)
	}
	return best, lo, nil
}
