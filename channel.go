package sigap

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ChannelAdapter is one messaging channel (Telegram, WhatsApp, the web
// chat…): it turns the platform's events into Inbound messages for a
// Receiver, delivers Outbound ones, and tells its connection state. A new
// channel is a package under bot/ whose adapter meets this interface, one
// line in the wiring and a group of settings; nothing else changes.
type ChannelAdapter interface {
	// Channel is the channel's id, the prefix of its citizens' addresses.
	Channel() Channel
	// Start begins receiving, handing each inbound message to recv, and
	// returns without waiting for the platform: State tells how it goes.
	// An error means the channel cannot run at all; the others still do.
	Start(ctx context.Context, recv Receiver) error
	// Stop ends receiving and connections; the adapter is not started
	// again.
	Stop()
	Sender
	// State is the connection state for /healthz and the dashboard.
	State() ChannelState
}

// HTTPChannel is a channel that receives over HTTP (a platform's webhook).
// The wiring mounts its routes on Sigap's own HTTP server.
type HTTPChannel interface {
	ChannelAdapter
	// Routes registers the channel's handlers on mux, such as
	// "POST /telegram/webhook". They hand what they receive to recv.
	Routes(mux *http.ServeMux, recv Receiver)
}

// Sender delivers one outbound message on one channel. It returns a
// *RetryAfterError when the platform asks to wait, a *PermanentError when a
// retry cannot help (the citizen blocked the bot: wrap ErrBlocked), a
// *NotSentError when it did not try (not connected, its own pacing), and
// any other error for a failure worth retrying with backoff. A channel
// that sends a message as several parts starts after Outbound.PartsSent
// and reports each part through Outbound.PartSent.
type Sender interface {
	Send(ctx context.Context, msg Outbound) error
}

// RetryAfterError says the platform rate-limited the send.
type RetryAfterError struct {
	Wait time.Duration
	Err  error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.Wait, e.Err)
}
func (e *RetryAfterError) Unwrap() error { return e.Err }

// PermanentError says a send can never succeed.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// NotSentError says the channel did not try to send, and cannot for a
// while whatever the message: it is not connected, or its own pacing used
// up what it may send now. That is no failed attempt: the outbox holds the
// channel's messages for Wait (a short while when zero) without counting
// a try.
type NotSentError struct {
	Wait time.Duration
	Err  error
}

func (e *NotSentError) Error() string { return "not sent: " + e.Err.Error() }
func (e *NotSentError) Unwrap() error { return e.Err }

// ErrNotConnected is in the error of a send on a channel that is not
// connected to its platform.
var ErrNotConnected = errors.New("not connected")

// ErrBlocked is in the error of a send to a citizen who blocked Sigap's
// account on the platform.
var ErrBlocked = errors.New("the citizen blocked the bot")

// Receiver is what a channel adapter hands each inbound message to. It
// returns only after the message is committed, so the adapter may then
// acknowledge it to the platform.
type Receiver interface {
	Receive(ctx context.Context, in Inbound) error
}

// ChannelState is a channel's connection state for /healthz and the dashboard.
type ChannelState struct {
	Channel Channel   `json:"channel"`
	State   string    `json:"state"` // e.g. "connected", "disabled", "not_linked", "logged_out"
	Detail  string    `json:"detail,omitempty"`
	Since   time.Time `json:"since"`
}

// Channel states every adapter shares; each has its own besides, which
// all mean that messages do not flow.
const (
	// StateConnected: messages flow.
	StateConnected = "connected"
	// StateDisabled: the channel is not configured.
	StateDisabled = "disabled"
	// StateStandby: another instance sharing the database runs the
	// channel; this one takes over if that one stops.
	StateStandby = "standby"
)

// Connected reports whether messages flow on the channel.
func (s ChannelState) Connected() bool { return s.State == StateConnected }

// SetAsideUpdate is something a platform delivered that its channel could
// not read or handle, even after a few tries, and set aside so that the
// messages behind it go on. It is kept raw for admins to look at.
type SetAsideUpdate struct {
	ID       int64
	Channel  Channel
	UpdateID string // the platform's id of the update
	Raw      string // exactly as the platform sent it
	Reason   string
	At       time.Time
}

// AccountState is the state of one account of a channel that serves
// several, such as the Facebook Page or Instagram account of the regency
// and of each OPD, for the admin page.
type AccountState struct {
	Channel Channel   `json:"channel,omitempty"` // "" until the platform told which
	ID      string    `json:"id"`
	Name    string    `json:"name,omitempty"`
	OPD     string    `json:"opd,omitempty"` // the OPD it belongs to, if any
	State   string    `json:"state"`
	Detail  string    `json:"detail,omitempty"`
	Since   time.Time `json:"since"`
}
