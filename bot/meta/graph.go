package meta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

// graphError is the error object of a Graph API answer.
type graphError struct {
	Status  int    `json:"-"`
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    int    `json:"code"`
	Subcode int    `json:"error_subcode"`
	TraceID string `json:"fbtrace_id"`
	// wait is what Meta's usage headers say about when calls may resume.
	wait time.Duration
}

func (e *graphError) Error() string {
	s := fmt.Sprintf("Graph API error %d", e.Code)
	if e.Subcode != 0 {
		s += fmt.Sprintf("/%d", e.Subcode)
	}
	return s + ": " + e.Message
}

// Error codes Meta documents for the Graph API and the Send API.
const (
	codeTokenInvalid = 190 // expired, revoked, or the password changed
	codePermission   = 10  // also: sent outside the allowed window
	codeUnavailable  = 551 // the person cannot receive messages now
	codeNoUser       = 100 // invalid parameter, such as no matching user
)

// tokenInvalid: the token is expired or revoked. No retry helps until an
// admin sets a new one.
func (e *graphError) tokenInvalid() bool { return e.Code == codeTokenInvalid || e.Code == 102 }

// rateLimited covers the app, user, page and business-use-case limits:
// 4, 17, 32, 613 and 80001…80014.
func (e *graphError) rateLimited() bool {
	switch {
	case e.Code == 4, e.Code == 17, e.Code == 32, e.Code == 613:
		return true
	}
	return e.Code >= 80001 && e.Code <= 80014
}

// windowClosed: Meta no longer lets the page write to the person, for
// this message type, or the comment's private reply is spent or too old.
func (e *graphError) windowClosed() bool {
	return e.Code == codePermission &&
		(e.Subcode == 2018278 || e.Subcode == 2534022 || strings.Contains(strings.ToLower(e.Message), "outside of allowed window"))
}

// permanent: sending the same again gets the same answer.
func (e *graphError) permanent() bool {
	if e.tokenInvalid() || e.rateLimited() {
		return false
	}
	switch {
	case e.Code == codePermission, e.Code == codeUnavailable, e.Code == codeNoUser, e.Code >= 200 && e.Code < 300:
		return true
	}
	return e.Status >= 400 && e.Status < 500 && e.Code != 1 && e.Code != 2
}

// errTokenRefused is in the error of a send held back because Meta
// refused the account's token.
var errTokenRefused = errors.New("the access token was refused by Meta")

// tokenProbeEvery is how often a send still tries an account whose token
// Meta refused, in case the refusal was Meta's passing fault; a new token
// needs a restart anyway.
const tokenProbeEvery = 10 * time.Minute

// defaultRateWait is the pause after a rate-limit error whose headers do
// not say how long.
const defaultRateWait = time.Minute

// call makes one Graph API call with acc's token and decodes the answer
// into out (when not nil). It keeps acc's state: a refused token, a rate
// limit (sends to the account then wait without calling), a failure or a
// success. Errors follow sigap.Sender, with a *graphError inside when
// Meta answered.
func (a *Adapter) call(ctx context.Context, acc *account, method, path string, body, out any) error {
	if err := a.heldBack(acc); err != nil {
		return err
	}
	req, err := a.request(ctx, acc, method, path, body)
	if err != nil {
		return &sigap.PermanentError{Err: err}
	}
	resp, err := a.client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			a.setState(acc, StateError, err.Error())
		}
		return fmt.Errorf("meta: %s %s: %w", method, pathOnly(path), err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err == nil && resp.StatusCode < 300 {
		if out != nil {
			err = json.Unmarshal(raw, out)
		}
		if err == nil {
			a.setState(acc, StateConnected, "")
			return nil
		}
	}
	if err != nil {
		a.setState(acc, StateError, err.Error())
		return fmt.Errorf("meta: %s %s: %w", method, pathOnly(path), err)
	}
	return a.failed(acc, method, path, resp, raw)
}

// heldBack refuses a call the account's state forbids for now: a refused
// token (but for a probe now and then), a rate-limit pause.
func (a *Adapter) heldBack(acc *account) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	switch {
	case acc.state == StateTokenInvalid && now.Sub(acc.probed) < tokenProbeEvery:
		return fmt.Errorf("meta: account %s: %w (%s); set a new one in SIGAP_META_PAGES and restart", acc.id, errTokenRefused, acc.detail)
	case now.Before(acc.pausedUntil):
		wait := acc.pausedUntil.Sub(now)
		return &sigap.RetryAfterError{Wait: wait, Err: fmt.Errorf("meta: account %s is rate limited by Meta", acc.id)}
	case acc.state == StateTokenInvalid:
		acc.probed = now
	}
	return nil
}

// request builds a call: the token rides in the Authorization header, so
// that it never shows in a URL an error quotes.
func (a *Adapter) request(ctx context.Context, acc *account, method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("meta: encode %s: %w", pathOnly(path), err)
		}
		rd = bytes.NewReader(b)
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	u := a.api + "/" + path + sep + "appsecret_proof=" + url.QueryEscape(a.appSecretProof(acc.token))
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("meta: %s %s: %w", method, pathOnly(path), err)
	}
	req.Header.Set("Authorization", "Bearer "+acc.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// failed turns an error answer into the error Send returns, and updates
// the account's state.
func (a *Adapter) failed(acc *account, method, path string, resp *http.Response, raw []byte) error {
	var body struct {
		Error *graphError `json:"error"`
	}
	if json.Unmarshal(raw, &body) != nil || body.Error == nil {
		err := fmt.Errorf("meta: %s %s: HTTP %d without a Graph API error", method, pathOnly(path), resp.StatusCode)
		a.setState(acc, StateError, err.Error())
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return err
		}
		return &sigap.PermanentError{Err: err}
	}
	ge := body.Error
	ge.Status, ge.wait = resp.StatusCode, usageWait(resp.Header)
	err := fmt.Errorf("meta: %s %s: %w", method, pathOnly(path), ge)
	switch {
	case ge.tokenInvalid():
		a.mu.Lock()
		acc.probed = a.now()
		a.mu.Unlock()
		a.setState(acc, StateTokenInvalid, ge.Message)
		return err // kept in the outbox until the token is fixed
	case ge.rateLimited():
		wait := ge.wait
		if wait <= 0 {
			wait = defaultRateWait
		}
		a.mu.Lock()
		acc.pausedUntil = a.now().Add(wait)
		a.mu.Unlock()
		a.setState(acc, StateRateLimited, ge.Error())
		return &sigap.RetryAfterError{Wait: wait, Err: err}
	case ge.permanent():
		return &sigap.PermanentError{Err: err} // about this message, not the account
	}
	a.setState(acc, StateError, ge.Error())
	return err
}

// usageWait reads when Meta lets calls resume from its usage headers:
// estimated_time_to_regain_access, in minutes, of any business use case.
func usageWait(h http.Header) time.Duration {
	raw := h.Get("X-Business-Use-Case-Usage")
	if raw == "" {
		return 0
	}
	var usage map[string][]struct {
		Minutes int `json:"estimated_time_to_regain_access"`
	}
	if json.Unmarshal([]byte(raw), &usage) != nil {
		return 0
	}
	longest := 0
	for _, list := range usage {
		for _, u := range list {
			longest = max(longest, u.Minutes)
		}
	}
	return time.Duration(longest) * time.Minute
}

// pathOnly drops the query of a call's path for errors and logs.
func pathOnly(path string) string {
	p, _, _ := strings.Cut(path, "?")
	return p
}

// asGraphError returns the Graph API error inside err, if any.
func asGraphError(err error) (*graphError, bool) {
	var ge *graphError
	return ge, errors.As(err, &ge)
}
