package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/bot"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/routing"
)

func init() {
	register(command{
		name:    "triage",
		summary: "decide faq/route/triage/clarify for messages, without side effects",
		run:     runTriage,
	})
}

// triageConfig is the configuration of sigap triage. It reads a database
// only when given one, for the KB an admin edited there: the decision of a
// text must not change with whatever sigap.db lies in the folder.
type triageConfig struct {
	DB, KB                  string
	Batch, Explain, Comment bool
}

// triageFlags binds triage's flags to a configuration with its defaults.
func triageFlags(fs *flagSet) *triageConfig {
	c := &triageConfig{}
	fs.stringVar(&c.DB, "db", "SIGAP_TRIAGE_DB", "decide with the KB in force and what the router learnt in this SQLite database `file` (default: none)")
	fs.kbVar(&c.KB)
	fs.boolVar(&c.Batch, "batch", "SIGAP_TRIAGE_BATCH", `read JSON lines {"id","text"} from stdin, write one decision line each, in input order`)
	fs.boolVar(&c.Explain, "explain", "SIGAP_TRIAGE_EXPLAIN", "explain the decision for the text argument: normalised text, FAQ candidates, OPD scores, reasons")
	fs.boolVar(&c.Comment, "comment", "SIGAP_TRIAGE_COMMENT", "decide the texts as public comments under the regency's posts (Instagram, Facebook), by the rules for comments")
	return c
}

const triageUsage = `usage: sigap triage [--kb file] [--db file] "text"
       sigap triage [--kb file] [--db file] --explain "text"
       sigap triage [--kb file] [--db file] --batch < in.jsonl > out.jsonl
       sigap triage --comment [--batch] ...   (the texts are public comments)

Decides what Sigap would do with a citizen's message: answer from the FAQ,
route to an OPD's queue, send to the triage desk, or ask to clarify.
Output lines: {"id","action","faq","opd","score"}.

In --batch mode a line that is empty, not valid UTF-8, not valid JSON or
without "id" and "text" is reported on stderr with its line number and
skipped; the other lines are still decided, and the exit status is 1 if any
line was skipped.

flags:
`

func runTriage(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "triage")
	c := triageFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), triageUsage)
		fs.PrintDefaults()
	}
	texts, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch {
	case c.Batch && len(texts) > 0:
		fmt.Fprintln(env.Stderr, "sigap triage: --batch reads stdin and takes no text argument")
		return errUsage
	case c.Explain && len(texts) == 0:
		fmt.Fprintln(env.Stderr, `sigap triage: --explain explains the text given as its argument, e.g. --explain "ktp hilang gimana"`)
		return errUsage
	case !c.Batch && len(texts) == 0:
		fs.Usage()
		return errUsage
	case c.Explain && c.Comment:
		fmt.Fprintln(env.Stderr, "sigap triage: --explain explains a message, not a comment: leave out --comment")
		return errUsage
	}
	router, err := triageRouter(ctx, *c)
	if err != nil {
		return err
	}
	text := strings.Join(texts, " ")
	decide := router.Decide
	if c.Comment {
		decide = router.DecideComment
	}
	if c.Batch && os.Getenv("GOGC") == "" {
		// A batch allocates fast around a small live heap (the index,
		// ~20 MB on the eval KB): a collection at 5x rather than 2x it
		// spends a third less time collecting. GOGC, when set, decides.
		defer debug.SetGCPercent(debug.SetGCPercent(batchGCPercent))
	}
	switch {
	case c.Batch && c.Comment:
		return router.DecideCommentBatch(ctx, env.Stdin, env.Stdout, env.Stderr)
	case c.Batch:
		return router.DecideBatch(ctx, env.Stdin, env.Stdout, env.Stderr)
	case c.Explain:
		return router.Explain(text).Write(env.Stdout)
	}
	line, err := json.Marshal(routing.NewDecisionLine("", decide(text)))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "%s\n", line)
	return err
}

// batchGCPercent is the garbage collector's target while deciding a batch.
const batchGCPercent = 400

// triageRouter is a router on the KB in force: the --kb file, or the one
// edited in the --db database, or the embedded default. With a database
// it also knows what serve's router learnt there (staff transfers,
// citizens' negative feedback), so that it decides as serve does.
func triageRouter(ctx context.Context, c triageConfig) (*routing.Router, error) {
	file, err := kbFile(c.KB) // before the database, which may not be the problem
	if err != nil {
		return nil, fmt.Errorf("load knowledge base: %w", err)
	}
	var db sigap.Store
	if c.DB != "" {
		store, err := openExistingStore(ctx, c.DB, "--db or SIGAP_TRIAGE_DB")
		if err != nil {
			return nil, err
		}
		defer store.Close()
		db = store
	}
	k, _, err := kb.InForce(ctx, db, file)
	if err != nil {
		return nil, fmt.Errorf("load knowledge base: %w", err)
	}
	if db != nil {
		return bot.Train(ctx, db, k)
	}
	return routing.New(k, nil)
}
