package sigap

import (
	"context"
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
// retry cannot help (the citizen blocked the bot), and any other error for a
// failure worth retrying with backoff.
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

// StateDisabled is the state of a channel that is not configured.
const StateDisabled = "disabled"

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
