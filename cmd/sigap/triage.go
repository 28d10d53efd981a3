package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pemkab-kebumen/sigap/routing"
)

func init() {
	register(command{
		name:    "triage",
		summary: "decide faq/route/triage/clarify for messages, without side effects",
		run:     runTriage,
	})
}

func runTriage(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "triage")
	kbPath := kbFlag(fs, env)
	batch := fs.Bool("batch", false, "read JSON lines {\"id\",\"text\"} from stdin, write one decision line each, in input order")
	explain := fs.Bool("explain", false, "explain the decision for the text argument: normalised text, FAQ candidates, OPD scores, reasons")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: sigap triage [--kb file] "text"
       sigap triage [--kb file] --explain "text"
       sigap triage [--kb file] --batch < in.jsonl > out.jsonl

Decides what Sigap would do with a citizen's message: answer from the FAQ,
route to an OPD's queue, send to the triage desk, or ask to clarify.
Output lines: {"id","action","faq","opd","score"}.

In --batch mode a line that is empty, not valid UTF-8, not valid JSON or
without "id" and "text" is reported on stderr with its line number and
skipped; the other lines are still decided, and the exit status is 1 if any
line was skipped.

flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	k, err := loadKB(*kbPath)
	if err != nil {
		return fmt.Errorf("load knowledge base: %w", err)
	}
	router, err := routing.New(k, nil)
	if err != nil {
		return err
	}
	switch {
	case *batch:
		if fs.NArg() > 0 {
			fmt.Fprintln(env.Stderr, "sigap triage: --batch reads stdin and takes no text argument")
			return errUsage
		}
		return router.DecideBatch(ctx, env.Stdin, env.Stdout, env.Stderr)
	case fs.NArg() == 0:
		fs.Usage()
		return errUsage
	case *explain:
		return router.Explain(strings.Join(fs.Args(), " ")).Write(env.Stdout)
	default:
		line, err := json.Marshal(routing.NewDecisionLine("", router.Decide(strings.Join(fs.Args(), " "))))
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(env.Stdout, "%s\n", line)
		return err
	}
}
