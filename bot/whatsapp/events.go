package whatsapp

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	sigap "github.com/pemkab-kebumen/sigap"
)

// Handing a message to the receiver: each attempt may take receiveTimeout;
// a failed attempt is retried after receiveBackoff, receiveTries times in
// all, before the message is left unacknowledged.
const (
	receiveTimeout = time.Minute
	receiveTries   = 4
	receiveBackoff = time.Second // doubles with each retry
	// WhatsApp delivers an unacknowledged message again only on a new
	// connection. The adapter resets the connection for such messages at
	// most every resetGap, doubling up to maxResetGap, rather than in a
	// loop WhatsApp would notice.
	resetGap    = time.Minute
	maxResetGap = 30 * time.Minute
)

// stuck tracks inbound messages left unacknowledged because the receiver
// failed. The adapter's mu guards it.
type stuck struct {
	pending   bool          // some message was left unacknowledged
	scheduled bool          // a reset is waiting for its turn
	lastReset time.Time     // when the connection was last reset for them
	gap       time.Duration // least time from lastReset to the next reset
}

// handleEvent receives every whatsmeow event. Its result is the ack
// decision: false leaves a message unacknowledged so WhatsApp delivers it
// again. A panic is recovered here, as a refusal: whatsmeow would recover
// it too, but then acknowledge the message as handled.
func (a *Adapter) handleEvent(evt any) (ack bool) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("whatsapp: event handler panicked; a message stays unacknowledged for redelivery",
				"event", fmt.Sprintf("%T", evt), "panic", p, "stack", string(debug.Stack()))
			ack = false
		}
	}()
	switch e := evt.(type) {
	case *events.Message:
		return a.handleMessage(e)
	case *events.UndecryptableMessage:
		a.handleUndecryptable(e)
	default:
		a.connectionEvent(evt)
	}
	return true
}

// connectionEvent follows the connection's state; supervise.go has what
// the supervisor does for each way a connection ends.
func (a *Adapter) connectionEvent(evt any) {
	switch e := evt.(type) {
	case *events.Connected:
		a.connected()
	case *events.PushNameSetting:
		// The presence carries the push name, so it is sent again.
		go a.sendUnavailable()
	case *events.Disconnected:
		a.setState(StateReconnecting, "connection lost")
	case *events.KeepAliveTimeout:
		a.setState(StateReconnecting, fmt.Sprintf("no answer to %d keep-alive pings", e.ErrorCount))
	case *events.KeepAliveRestored:
		a.setState(StateConnected, "")
	case *events.LoggedOut:
		a.loggedOut(e)
	case *events.TemporaryBan:
		a.retryLater(StateBanned, e.String(), e.Expire)
	case *events.StreamReplaced:
		a.retryLater(StateReplaced, "another program connected with this session (a second copy of Sigap, or 'sigap whatsapp unlink')", 0)
	case *events.ClientOutdated:
		a.outdated()
	case *events.ConnectFailure:
		a.retryLater(StateDisconnected, fmt.Sprintf("WhatsApp refused the connection: %s %s", e.Reason, e.Message), 0)
	}
}

// connected records a new authenticated connection.
func (a *Adapter) connected() {
	a.mu.Lock()
	a.redial.connectedAt = a.cfg.Now()
	a.cancelRedial() // a retry scheduled earlier is not needed any more
	a.mu.Unlock()
	a.setState(StateConnected, "")
	if err := a.recordConnected(a.life, a.cfg.Now()); err != nil {
		a.log.Warn("whatsapp: record connection time", "err", err)
	}
	go a.sendUnavailable()
}

// sendUnavailable tells WhatsApp that nobody reads at this device, as
// mautrix-whatsapp does. A companion device that is "available" keeps the
// phone from showing notifications, and the regency's staff read the phone.
// WhatsApp refuses a presence until the account's push name synced; the
// push name event sends it again.
func (a *Adapter) sendUnavailable() {
	a.mu.Lock()
	wa := a.wa
	a.mu.Unlock()
	if err := wa.SendPresence(a.life, types.PresenceUnavailable); err != nil {
		a.log.Debug("whatsapp: presence", "err", err)
	}
}

// handleMessage stores one inbound message and reports whether it may be
// acknowledged.
func (a *Adapter) handleMessage(evt *events.Message) bool {
	a.mu.Lock()
	recv, wa, lids := a.recv, a.wa, a.lids
	a.mu.Unlock()
	if recv == nil {
		// Connected only to link: leave the message for serve.
		return false
	}
	ctx, cancel := context.WithTimeout(a.life, receiveTimeout)
	defer cancel()
	a.resolvePhone(ctx, lids, &evt.Info.MessageSource)
	in, ok := ToInbound(evt)
	if !ok {
		return true
	}
	if in.At.IsZero() {
		in.At = a.cfg.Now()
	}
	if in.Kind == sigap.KindPhoto {
		if path, err := a.savePhoto(ctx, wa, evt); err != nil {
			// The message still goes in with its wa-media: reference.
			a.log.Warn("whatsapp: download photo", "id", in.PlatformID, "err", err)
		} else {
			in.MediaRef = path
		}
	}
	ack, stored := a.receive(recv, in)
	if !stored || in.FromOwnAccount {
		return ack // the phone that wrote its own message has read it
	}
	if err := wa.MarkRead(ctx, []types.MessageID{evt.Info.ID}, a.cfg.Now(), evt.Info.Chat, evt.Info.Sender); err != nil {
		a.log.Warn("whatsapp: mark read", "id", in.PlatformID, "err", err)
	}
	return true
}

// handleUndecryptable hands on a placeholder for a message this device
// could not decrypt. whatsmeow acknowledged it already and asked for it
// again; the placeholder is not marked read, so the chat stays unread on
// the regency's phone, where the message can be read.
func (a *Adapter) handleUndecryptable(evt *events.UndecryptableMessage) {
	if evt.DecryptFailMode == events.DecryptFailHide {
		return // the sender marked it as nothing to show (e.g. a reaction)
	}
	a.mu.Lock()
	recv, lids := a.recv, a.lids
	a.mu.Unlock()
	if recv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(a.life, receiveTimeout)
	defer cancel()
	a.resolvePhone(ctx, lids, &evt.Info.MessageSource)
	in, ok := unreadable(evt)
	if !ok {
		return
	}
	a.log.Warn("whatsapp: message could not be decrypted; asked the phone for it", "id", evt.Info.ID, "unavailable", evt.IsUnavailable)
	if in.At.IsZero() {
		in.At = a.cfg.Now()
	}
	a.receive(recv, in)
}

// resolvePhone fills in the phone number of a citizen WhatsApp names only
// by LID, when the session's LID map knows it.
func (a *Adapter) resolvePhone(ctx context.Context, lids store.LIDStore, src *types.MessageSource) {
	if lids == nil {
		return
	}
	citizen, alt := &src.Sender, &src.SenderAlt
	if src.IsFromMe {
		citizen, alt = &src.Chat, &src.RecipientAlt
	}
	if citizen.Server != types.HiddenUserServer || !alt.IsEmpty() {
		return
	}
	if pn, err := lids.GetPNForLID(ctx, *citizen); err == nil && !pn.IsEmpty() {
		*alt = pn
	}
}

// receive hands in to recv, retrying with backoff, and reports whether it
// may be acknowledged (stored, or invalid so that no redelivery can help)
// and whether it was stored. When it still fails, the connection is reset
// so that WhatsApp delivers it again.
func (a *Adapter) receive(recv sigap.Receiver, in sigap.Inbound) (ack, stored bool) {
	a.mu.Lock()
	tries := receiveTries
	if a.stuck.pending {
		tries = 1 // storing fails already: do not hold up every message
	}
	a.mu.Unlock()
	var err error
	for attempt := 1; attempt <= tries; attempt++ {
		if attempt > 1 {
			a.log.Warn("whatsapp: store message failed; retrying", "id", in.PlatformID, "err", err, "attempt", attempt-1)
			if a.cfg.Sleep(a.life, receiveBackoff<<(attempt-2)) != nil {
				break
			}
		}
		if err = a.receiveOnce(recv, in); err == nil {
			a.setStuck(false)
			return true, true
		}
		if sigap.ErrorCode(err) == sigap.EINVALID {
			// Delivering it again cannot make it valid.
			a.log.Error("whatsapp: message rejected", "id", in.PlatformID, "err", err)
			return true, false
		}
	}
	a.log.Error("whatsapp: store message failed; left for WhatsApp to deliver again", "id", in.PlatformID, "err", err)
	a.setStuck(true)
	return false, false
}

func (a *Adapter) receiveOnce(recv sigap.Receiver, in sigap.Inbound) error {
	ctx, cancel := context.WithTimeout(a.life, receiveTimeout)
	defer cancel()
	return recv.Receive(ctx, in)
}

// setStuck notes whether the last message was left unacknowledged, and
// schedules a reset of the connection when one was: at once for a message
// that failed, and, once storing works again, for those left behind.
func (a *Adapter) setStuck(failed bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := &a.stuck
	wasPending := s.pending
	s.pending = failed
	if (!failed && !wasPending) || s.scheduled {
		return
	}
	now := a.cfg.Now()
	if s.gap == 0 || now.Sub(s.lastReset) > 2*maxResetGap {
		s.gap = resetGap // calm for a while: start over
	}
	s.scheduled = true
	go a.resetAfter(max(s.lastReset.Add(s.gap).Sub(now), 0))
}

func (a *Adapter) resetAfter(wait time.Duration) {
	if a.cfg.Sleep(a.life, wait) != nil {
		return
	}
	a.mu.Lock()
	s := &a.stuck
	s.scheduled, s.lastReset = false, a.cfg.Now()
	s.gap = min(2*s.gap, maxResetGap)
	wa := a.wa
	a.mu.Unlock()
	a.log.Warn("whatsapp: reconnecting so that WhatsApp delivers the messages not stored yet again")
	wa.ResetConnection()
}
