package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/storage"
)

func init() {
	register(command{name: "replay", summary: "run recorded events through Sigap on a simulated clock", run: runReplay})
}

// replayEvent is one line of a replay file (see the README).
type replayEvent struct {
	At    time.Time `json:"at"`
	Type  string    `json:"type"`
	From  string    `json:"from"`
	ID    string    `json:"id"`
	Name  string    `json:"name"`
	Text  string    `json:"text"`
	Staff string    `json:"staff"`
	OPD   string    `json:"opd"`
	// Reason goes with transfers; Wait with replies that ask the citizen
	// back (the ticket then waits for them).
	Reason string `json:"reason"`
	Wait   bool   `json:"wait"`
}

func runReplay(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "replay")
	kbPath := kbFlag(fs, env)
	dbPath := dbFlag(fs, env)
	outPath := fs.String("out", "", "write every message Sigap would send to this JSONL `file`")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sigap replay [--kb FILE] [--db FILE] EVENTS.jsonl [--out REPLIES.jsonl]")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return errUsage
	}
	in, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer in.Close()
	k, err := loadKB(*kbPath)
	if err != nil {
		return err
	}
	// Storage stamps what callers leave unset, such as a citizen's first
	// contact, so it must read the simulated clock too; before the first
	// event (migrations) that is the machine's.
	var now time.Time
	clock := func() time.Time {
		if now.IsZero() {
			return time.Now()
		}
		return now
	}
	db, err := storage.Open(ctx, *dbPath, storage.WithClock(clock))
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()

	out := io.Discard
	if *outPath != "" {
		f, err := os.Create(*outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	w := bufio.NewWriter(out)
	defer w.Flush()

	rec := &replyRecorder{w: json.NewEncoder(w), store: db, now: clock, codes: map[int64]string{}}
	senders := map[sigap.Channel]sigap.Sender{sigap.Telegram: rec, sigap.WhatsApp: rec, sigap.Web: rec}
	quiet := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := newCore(ctx, coreConfig{KB: k, Store: db, Now: clock,
		Logger: quiet, Senders: senders, Parallel: 1})
	if err != nil {
		return err
	}
	r := &replayer{core: c, store: db, setNow: func(t time.Time) { now = t }}
	// Replay groups its events' transactions (each still in a savepoint of
	// its own): the same code as serve, at bulk-load speed.
	var skipped int
	err = db.Batch(ctx, func() error {
		var err error
		skipped, err = r.run(ctx, in, env.Stderr)
		return err
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if skipped > 0 {
		return fmt.Errorf("%d line(s) skipped", skipped)
	}
	return nil
}

// parseInterspersed parses flags that may stand before or after the
// positional arguments, and returns the positional ones.
func parseInterspersed(fs interface {
	Parse([]string) error
	Args() []string
}, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

type replayer struct {
	core   *core
	store  sigap.Store
	setNow func(time.Time)
}

// run applies every line; a line that cannot apply is reported and
// skipped. It returns how many were skipped.
func (r *replayer) run(ctx context.Context, in io.Reader, errw io.Writer) (int, error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	skipped, line := 0, 0
	// Each event runs to its end once started, so a stop between events
	// leaves no event half applied; a context that cannot be cancelled
	// also spares database/sql a watcher goroutine per transaction.
	evctx := context.WithoutCancel(ctx)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return skipped, err
		}
		line++
		raw := strings.TrimSpace(sc.Text())
		if raw == "" {
			continue
		}
		if err := r.apply(evctx, raw); err != nil {
			fmt.Fprintf(errw, "line %d: %s\n", line, sigapMessage(err))
			skipped++
		}
	}
	if err := sc.Err(); err != nil {
		return skipped, fmt.Errorf("line %d: %w", line+1, err)
	}
	return skipped, nil
}

func (r *replayer) apply(ctx context.Context, raw string) error {
	var ev replayEvent
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return fmt.Errorf("invalid event: %w", err)
	}
	if ev.At.IsZero() {
		return errors.New(`invalid event: "at" is missing`)
	}
	from, err := sigap.ParseAddress(ev.From)
	if err != nil {
		// Not wrapped: the line report shows a sigap.Error's own message,
		// which would drop the field's name.
		return fmt.Errorf(`invalid event: "from" %q: want <tg|wa|web>:<id>`, ev.From)
	}
	r.setNow(ev.At)
	sum := sha256.Sum256([]byte(raw))
	id := "replay-" + hex.EncodeToString(sum[:12])
	if ev.Type == "message" {
		if ev.ID != "" {
			id = ev.ID
		}
		in := sigap.Inbound{From: from, Name: ev.Name, PlatformID: id, Kind: sigap.KindText, Text: ev.Text}
		if err := r.core.bot.Receive(ctx, in); err != nil {
			return err
		}
	} else if err := r.staffEvent(ctx, from, ev, id); err != nil {
		return err
	}
	_, err = r.core.outbox.Drain(ctx)
	return err
}

// staffEvent applies a staff action to the citizen's most recent open
// ticket, as the staff member named in the event, once: unlike a message,
// a staff action has no platform id to dedupe on, and replaying a file
// again would apply it to whatever ticket is open by then. A marker per
// applied event, keyed by id, makes a second replay change nothing.
func (r *replayer) staffEvent(ctx context.Context, from sigap.Address, ev replayEvent, id string) error {
	if ev.Staff == "" {
		return fmt.Errorf(`%s event: "staff" is missing`, ev.Type)
	}
	applied := "replay.applied." + id
	var t *sigap.Ticket
	err := r.store.View(ctx, func(tx sigap.Tx) error {
		if _, err := tx.GetSetting(ctx, applied); sigap.ErrorCode(err) != sigap.ENOTFOUND {
			return err // nil: applied before
		}
		c, err := tx.CitizenByAddress(ctx, from)
		if err != nil {
			return err
		}
		t, err = tx.OpenTicket(ctx, c.ID)
		return err
	})
	switch {
	case sigap.ErrorCode(err) == sigap.ENOTFOUND:
		return fmt.Errorf("%s event: %s has no open ticket", ev.Type, from)
	case err != nil:
		return err
	case t == nil:
		return nil
	}
	if err := r.staffAction(ctx, t, ev); err != nil {
		return err
	}
	return r.store.Update(ctx, func(tx sigap.Tx) error {
		return tx.PutSetting(ctx, applied, ev.At.Format(time.RFC3339))
	})
}

func (r *replayer) staffAction(ctx context.Context, t *sigap.Ticket, ev replayEvent) error {
	staff := &sigap.Staff{Username: ev.Staff, Name: ev.Staff, Role: sigap.RoleSupervisor}
	d := r.core.desk
	switch ev.Type {
	case "reply":
		return d.Reply(ctx, staff, t.Code, ev.Text, ev.Wait)
	case "note":
		return d.Note(ctx, staff, t.Code, ev.Text)
	case "claim":
		return d.Claim(ctx, staff, t.Code)
	case "resolve":
		return d.Resolve(ctx, staff, t.Code)
	case "transfer":
		if strings.EqualFold(strings.TrimSpace(ev.OPD), t.OPD) {
			return nil // already there: nothing changes
		}
		return d.Transfer(ctx, staff, t.Code, ev.OPD, ev.Reason)
	default:
		return fmt.Errorf("unknown event type %q (want message, reply, note, claim, transfer or resolve)", ev.Type)
	}
}

// replyRecorder is the replay's only channel: it writes each message Sigap
// sends as a JSON line.
type replyRecorder struct {
	w     *json.Encoder
	store sigap.Store
	now   func() time.Time
	codes map[int64]string
}

type replyLine struct {
	At     time.Time `json:"at"`
	To     string    `json:"to"`
	Ticket string    `json:"ticket"`
	Text   string    `json:"text"`
}

func (rr *replyRecorder) Send(ctx context.Context, m sigap.Outbound) error {
	code, ok := rr.codes[m.TicketID]
	if !ok && m.TicketID != 0 {
		err := rr.store.View(ctx, func(tx sigap.Tx) error {
			t, err := tx.TicketByID(ctx, m.TicketID)
			if err == nil {
				code = t.Code
			}
			return err
		})
		if err != nil {
			return err
		}
		rr.codes[m.TicketID] = code
	}
	return rr.w.Encode(replyLine{At: rr.now(), To: m.To.String(), Ticket: code, Text: m.Text})
}

// sigapMessage is the message of an error for the person who caused it.
func sigapMessage(err error) string {
	var e *sigap.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
