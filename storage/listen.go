package storage

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"
)

// Change is a change another instance committed to a shared database, as
// its notification tells it (the triggers of migrations/postgres).
type Change struct {
	What ChangeKind
	// ID is the ticket's for ChangedTicket, the citizen's for ChangedChat.
	ID int64
	// From is, for a ticket changed, the OPD that held it before.
	From string
}

// ChangeKind says what a Change changed.
type ChangeKind string

const (
	// ChangedTicket: a ticket was opened or changed.
	ChangedTicket ChangeKind = "tickets"
	// ChangedChat: a message joined a web chat's thread.
	ChangedChat ChangeKind = "messages"
	// ChangedOutbox: a message waits in the outbox, enqueued or put back.
	ChangedOutbox ChangeKind = "outbox"
	// ChangedKB: an admin saved an edit of the KB.
	ChangedKB ChangeKind = "kv"
	// ChangesMissed: the listener has just (re)connected, and anything may
	// have changed while it was not listening.
	ChangesMissed ChangeKind = "missed"
)

// listenRetry is how long Listen waits before it connects again after its
// connection failed.
const listenRetry = 2 * time.Second

// Listen calls fn with each change the other instances of a shared
// database commit, from one goroutine, until ctx ends; and with
// ChangesMissed each time it has connected, for what it did not hear
// while it was not listening. A failed connection is reported to
// onError and opened again. On SQLite, which one process serves, Listen
// returns at once.
func (db *DB) Listen(ctx context.Context, fn func(Change), onError func(error)) error {
	if db.pg == nil {
		return nil
	}
	l := &pgxlisten.Listener{
		Connect: db.pg.connect,
		LogError: func(ctx context.Context, err error) {
			if ctx.Err() == nil {
				onError(err)
			}
		},
		ReconnectDelay: listenRetry,
	}
	l.Handle("sigap."+db.pg.schema, changeHandler{instance: db.pg.instance, fn: fn})
	err := l.Listen(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// changeHandler turns notifications into Changes, but for this instance's
// own.
type changeHandler struct {
	instance string
	fn       func(Change)
}

func (h changeHandler) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	what, rest, _ := strings.Cut(n.Payload, " ")
	instance, rest, _ := strings.Cut(rest, " ")
	if instance == h.instance {
		return nil
	}
	id, from, _ := strings.Cut(rest, " ")
	c := Change{What: ChangeKind(what), From: from}
	if id != "" {
		var err error
		if c.ID, err = strconv.ParseInt(id, 10, 64); err != nil {
			return err
		}
	}
	h.fn(c)
	return nil
}

func (h changeHandler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	h.fn(Change{What: ChangesMissed})
	return nil
}
