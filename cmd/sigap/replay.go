package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/replay"
	"github.com/pemkab-kebumen/sigap/storage"
)

func init() {
	register(command{name: "replay", summary: "run recorded events through Sigap on a simulated clock", run: runReplay})
}

// replayConfig is the configuration of sigap replay. It has no default
// database: replaying into the production one would mix simulated tickets
// with real ones.
type replayConfig struct {
	DB, KB, Out string
	Events      string // the events file, the one argument
}

// replayFlags binds replay's flags to a configuration with its defaults.
func replayFlags(fs *flagSet) *replayConfig {
	c := &replayConfig{}
	fs.stringVar(&c.DB, "db", "SIGAP_REPLAY_DB", "SQLite database `file` to replay into (required; not SIGAP_DB, which is the service's)")
	fs.kbVar(&c.KB)
	fs.stringVar(&c.Out, "out", "SIGAP_REPLAY_OUT", "write every message Sigap would send to this JSONL `file`")
	return c
}

func runReplay(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "replay")
	c := replayFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sigap replay --db FILE [--kb FILE] EVENTS.jsonl [--out REPLIES.jsonl]")
		fs.PrintDefaults()
	}
	files, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(files) != 1 || c.DB == "" {
		if c.DB == "" {
			fmt.Fprintln(fs.Output(), "sigap replay: --db is required: a database of its own, never the service's")
		}
		fs.Usage()
		return errUsage
	}
	c.Events = files[0]
	quiet := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return replayEvents(ctx, *c, quiet, env.Stderr)
}

// replayEvents runs the events file through the same Main as serve, on a
// simulated clock and with a recorder for every channel.
func replayEvents(ctx context.Context, c replayConfig, log *slog.Logger, errw io.Writer) error {
	in, err := os.Open(c.Events)
	if err != nil {
		return err
	}
	defer in.Close()
	out := io.Discard
	if c.Out != "" {
		f, err := os.Create(c.Out)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	w := bufio.NewWriter(out)
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
	m := &Main{Config: DefaultConfig(), Logger: log, Now: clock, StoreOptions: []storage.Option{storage.WithClock(clock)}, Parallel: 1,
		Channels: func(_ context.Context, m *Main) ([]sigap.ChannelAdapter, error) {
			return replay.NewRecorder(w, m.Store, clock).Channels(), nil
		}}
	m.Config.DB, m.Config.KB, m.Config.HTTP = c.DB, c.KB, ""
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	r := &replay.Runner{Receiver: m.Bot, Desk: m.Desk, Outbox: m.Outbox, Store: m.Store,
		SetClock: func(t time.Time) { now = t }}
	// Replay groups its events' transactions (each still in a savepoint of
	// its own): the same code as serve, at bulk-load speed.
	var skipped int
	err = m.Store.Batch(ctx, func() error {
		var err error
		skipped, err = r.Run(ctx, in, errw)
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
