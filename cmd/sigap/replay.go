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

func runReplay(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "replay")
	kbPath := kbFlag(fs, env)
	dbPath := dbFlag(fs, env)
	outPath := fs.String("out", "", "write every message Sigap would send to this JSONL `file`")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sigap replay [--kb FILE] [--db FILE] EVENTS.jsonl [--out REPLIES.jsonl]")
		fs.PrintDefaults()
	}
	files, err := parseWithArgs(fs, args)
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

	rec := replay.NewRecorder(w, db, clock)
	senders := map[sigap.Channel]sigap.Sender{sigap.Telegram: rec, sigap.WhatsApp: rec, sigap.Web: rec}
	quiet := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := newCore(ctx, coreConfig{KB: k, Store: db, Now: clock,
		Logger: quiet, Senders: senders, Parallel: 1})
	if err != nil {
		return err
	}
	r := &replay.Runner{Receiver: c.bot, Desk: c.desk, Outbox: c.outbox, Store: db,
		SetClock: func(t time.Time) { now = t }}
	// Replay groups its events' transactions (each still in a savepoint of
	// its own): the same code as serve, at bulk-load speed.
	var skipped int
	err = db.Batch(ctx, func() error {
		var err error
		skipped, err = r.Run(ctx, in, env.Stderr)
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
