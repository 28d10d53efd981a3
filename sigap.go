// Package sigap holds the domain of the Sigap public Q&A desk: citizens,
// tickets, messages, the knowledge base, triage decisions, staff, and the
// small interfaces the other packages meet at. It imports only the standard
// library.
package sigap

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Error codes shared by every package, so HTTP and chat can say the right
// thing without knowing where an error came from.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EFORBIDDEN    = "forbidden"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	ETOOLARGE     = "too_large" // a request bigger than Sigap accepts
	EINTERNAL     = "internal"
)

// Error is an application error with a code and a message that is safe to
// show to the person who caused it.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic text for internal errors (their details belong in the log).
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// Channel names a messaging platform. Its value is the prefix of an Address.
type Channel string

const (
	Telegram  Channel = "tg"
	WhatsApp  Channel = "wa"
	Web       Channel = "web"
	Facebook  Channel = "fb" // Messenger and comments on the Pages' posts
	Instagram Channel = "ig" // direct messages and comments on the accounts' posts
)

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	switch c {
	case Telegram, WhatsApp, Web, Facebook, Instagram:
		return true
	}
	return false
}

// CarriesFiles reports whether Sigap sends a reply's photo or document on
// the channel; on the others a reply goes as text only.
func (c Channel) CarriesFiles() bool { return c == Telegram || c == WhatsApp || c == Web }

// Name is how people call the channel, on screens and in staff notices.
func (c Channel) Name() string {
	switch c {
	case WhatsApp:
		return "WhatsApp"
	case Telegram:
		return "Telegram"
	case Web:
		return "Web chat"
	case Facebook:
		return "Facebook"
	case Instagram:
		return "Instagram"
	}
	return string(c)
}

// Address identifies a person on one channel: "tg:1001", "wa:6281234567890",
// "web:3f2a…", "ig:17841400000000001" (a direct message), or one person's
// thread of comments under one post, "ig:17841400000000001@17895695668004550"
// (see package bot/meta).
type Address struct {
	Channel Channel
	ID      string
}

func (a Address) String() string { return string(a.Channel) + ":" + a.ID }

// ParseAddress parses "<channel>:<id>".
func ParseAddress(s string) (Address, error) {
	ch, id, ok := strings.Cut(s, ":")
	a := Address{Channel: Channel(ch), ID: id}
	if !ok || id == "" || !a.Channel.Valid() {
		return Address{}, Errorf(EINVALID, "address %q: want <tg|wa|web|fb|ig>:<id>", s)
	}
	return a, nil
}

// Clock returns the current time. Everything that reads the clock takes one,
// so replay can run on simulated time and tests never sleep.
type Clock func() time.Time
