package whatsapp

import (
	"context"
	"errors"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"
)

// whatsmeow reconnects by itself after network trouble, but not after
// WhatsApp ended the session for a reason: another program took the session
// over, WhatsApp refuses this client version, the number is banned for a
// while, WhatsApp refused the connection in a way whatsmeow does not know,
// or a first connection failed in a way whatsmeow deems final. Left there,
// the channel would stay down without a word. The adapter logs each at
// error level, says in the state when it tries again, and tries again: when
// a ban ends, otherwise after a wait that grows from minRedial to
// maxRedial while connections keep failing. Only a logout waits for a
// person (linking again).
const (
	minRedial = time.Minute
	maxRedial = time.Hour
	// stableConnection is how long a connection must have lasted for the
	// next failure to start the waits from minRedial again.
	stableConnection = 10 * time.Minute
	// versionTimeout bounds asking WhatsApp Web for its client version.
	versionTimeout = 10 * time.Second
)

// redial is the supervisor's memory. The adapter's mu guards it.
type redial struct {
	cancel      context.CancelFunc // ends the wait of the retry scheduled, if any
	failures    int                // supervised retries since the last stable connection
	connectedAt time.Time          // zero once a failure counted the connection
}

// cancelRedial drops the retry scheduled, if any: a connection came, or a
// newer cause replaces the old. The caller holds a.mu.
func (a *Adapter) cancelRedial() {
	if a.redial.cancel != nil {
		a.redial.cancel()
		a.redial.cancel = nil
	}
}

// dial opens a new connection. whatsmeow keeps it up through network
// trouble from then on, and retries a first connection that failed for
// lack of network by itself (InitialAutoReconnect).
func (a *Adapter) dial() {
	a.mu.Lock()
	wa := a.wa
	a.mu.Unlock()
	conn, _ := a.newConnection()
	err := wa.ConnectContext(conn)
	switch {
	case err == nil, errors.Is(err, whatsmeow.ErrAlreadyConnected), conn.Err() != nil:
		return
	case errors.Is(err, store.ErrDeviceDeleted):
		a.setState(StateLoggedOut, "the session was deleted: run 'sigap whatsapp link'")
		return
	}
	a.retryLater(StateDisconnected, "cannot connect: "+oneLine(err.Error()), 0)
}

// retryLater records why the connection is down and, once Start ran,
// connects again after wait, or after the next backoff when wait is 0.
func (a *Adapter) retryLater(state, detail string, wait time.Duration) {
	now := a.cfg.Now()
	a.mu.Lock()
	if !a.supervised {
		a.mu.Unlock()
		a.setState(state, detail) // linking or unlinking: the caller decides
		return
	}
	r := &a.redial
	if !r.connectedAt.IsZero() && now.Sub(r.connectedAt) >= stableConnection {
		r.failures = 0
	}
	r.connectedAt = time.Time{}
	if wait <= 0 {
		wait = min(minRedial<<min(r.failures, 16), maxRedial)
	}
	r.failures++
	a.cancelRedial()
	ctx, cancel := context.WithCancel(a.life)
	r.cancel = cancel
	a.mu.Unlock()

	at := now.Add(wait)
	a.log.Error("whatsapp: not connected; trying again later", "state", state, "reason", detail, "retry_at", at)
	a.setState(state, detail+"; trying again at "+at.Format("2006-01-02 15:04:05 MST"))
	go func() {
		defer cancel()
		if a.cfg.Sleep(ctx, wait) == nil {
			a.dial()
		}
	}()
}

// outdated handles WhatsApp refusing this client version (405). Sigap
// reports the version WhatsApp Web had when its whatsmeow was released;
// WhatsApp Web's current version often works with the same code, so, as
// mautrix-whatsapp does, the adapter asks WhatsApp Web for it and tries
// that at once. Otherwise only an update of Sigap helps, and the adapter
// keeps trying at the longest waits meanwhile.
func (a *Adapter) outdated() {
	const detail = "WhatsApp refuses this version of Sigap (405 client outdated): update Sigap"
	a.mu.Lock()
	supervised := a.supervised
	a.mu.Unlock()
	if !supervised {
		a.setState(StateOutdated, detail)
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(a.life, versionTimeout)
		defer cancel()
		current := store.GetWAVersion()
		latest, err := a.latestVersion(ctx)
		switch {
		case err != nil:
			a.log.Warn("whatsapp: ask WhatsApp Web for its version", "err", err)
		case newerVersion(*latest, current):
			store.SetWAVersion(*latest)
			a.log.Warn("whatsapp: trying WhatsApp Web's current version", "refused", current.String(), "trying", latest.String())
			a.retryLater(StateOutdated, detail+"; trying version "+latest.String(), time.Second)
			return
		}
		a.retryLater(StateOutdated, detail, 0)
	}()
}

func newerVersion(v, than store.WAVersionContainer) bool {
	for i := range v {
		if v[i] != than[i] {
			return v[i] > than[i]
		}
	}
	return false
}

// loggedOut handles the phone removing this device: whatsmeow deleted the
// session, and only linking again brings the number back.
func (a *Adapter) loggedOut(e *events.LoggedOut) {
	a.mu.Lock()
	a.cancelRedial()
	a.mu.Unlock()
	a.log.Error("whatsapp: logged out; link the number again with 'sigap whatsapp link'", "reason", e.Reason.String())
	a.setState(StateLoggedOut, "the number removed this device: "+e.Reason.String())
}
