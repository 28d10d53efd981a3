package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/routing"
)

func init() {
	register(command{
		name:    "triage",
		summary: "decide faq/route/triage/clarify for messages, without side effects",
		run:     runTriage,
	})
}

// maxTriageText is how much of a message triage reads. The question is in
// the first few sentences of any real message; the cap keeps a pasted
// document from slowing the batch.
const maxTriageText = 16 << 10

// triageBatchSize is how many input lines a worker decides at a time.
const triageBatchSize = 256

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
		return triageBatch(ctx, router, env.Stdin, env.Stdout, env.Stderr)
	case fs.NArg() == 0:
		fs.Usage()
		return errUsage
	case *explain:
		return printExplanation(env.Stdout, router.Explain(strings.Join(fs.Args(), " ")))
	default:
		line, err := json.Marshal(decisionLine("", router.Decide(clip(strings.Join(fs.Args(), " ")))))
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(env.Stdout, "%s\n", line)
		return err
	}
}

// triageDecision is one output line.
type triageDecision struct {
	ID     string  `json:"id,omitempty"`
	Action string  `json:"action"`
	FAQ    string  `json:"faq"`
	OPD    string  `json:"opd"`
	Score  float64 `json:"score"`
}

func decisionLine(id string, d sigap.Decision) triageDecision {
	return triageDecision{ID: id, Action: string(d.Action), FAQ: d.FAQ, OPD: d.OPD, Score: float64(int(d.Score*1000+0.5)) / 1000}
}

// clip cuts text to maxTriageText bytes at a rune boundary.
func clip(text string) string {
	if len(text) <= maxTriageText {
		return text
	}
	cut := maxTriageText
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// triageChunk is a run of input lines and, once decided, their output.
type triageChunk struct {
	first int // line number of lines[0]
	lines [][]byte
	out   []byte
	errs  []string
	done  chan struct{}
}

// triageBatch decides every line of in. Lines are decided in parallel in
// chunks and written in input order.
func triageBatch(ctx context.Context, r *routing.Router, in io.Reader, out, errOut io.Writer) error {
	work := make(chan *triageChunk)
	ordered := make(chan *triageChunk, 2*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for c := range work {
				c.decide(r)
				close(c.done)
			}
		})
	}

	readErr := make(chan error, 1)
	go func() {
		defer close(ordered)
		defer close(work)
		br := bufio.NewReaderSize(in, 64<<10)
		line := 0
		for ctx.Err() == nil {
			c := &triageChunk{first: line + 1, done: make(chan struct{})}
			var err error
			for len(c.lines) < triageBatchSize {
				var b []byte
				b, err = br.ReadBytes('\n')
				if len(b) > 0 {
					line++
					c.lines = append(c.lines, b)
				}
				if err != nil {
					break
				}
			}
			if len(c.lines) > 0 {
				ordered <- c
				work <- c
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				readErr <- err
				return
			}
		}
		readErr <- ctx.Err()
	}()

	w := bufio.NewWriterSize(out, 64<<10)
	skipped := 0
	var writeErr error
	for c := range ordered {
		<-c.done
		for _, e := range c.errs {
			fmt.Fprintln(errOut, e)
		}
		skipped += len(c.errs)
		if writeErr == nil {
			_, writeErr = w.Write(c.out)
		}
	}
	wg.Wait()
	if err := w.Flush(); writeErr == nil {
		writeErr = err
	}
	if err := <-readErr; err != nil {
		return fmt.Errorf("read input: %w", err)
	}
	if writeErr != nil {
		return fmt.Errorf("write decisions: %w", writeErr)
	}
	if skipped > 0 {
		return fmt.Errorf("%d input line(s) skipped", skipped)
	}
	return nil
}

// decide fills c.out with a decision line per valid input line and c.errs
// with a message per skipped one.
func (c *triageChunk) decide(r *routing.Router) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i, raw := range c.lines {
		n := c.first + i
		raw = bytes.TrimRight(raw, "\r\n")
		var in struct {
			ID   *json.RawMessage `json:"id"`
			Text *string          `json:"text"`
		}
		var id string
		switch {
		case len(bytes.TrimSpace(raw)) == 0:
			c.errs = append(c.errs, fmt.Sprintf("line %d: empty line", n))
			continue
		case !utf8.Valid(raw):
			c.errs = append(c.errs, fmt.Sprintf("line %d: invalid UTF-8", n))
			continue
		}
		if err := json.Unmarshal(raw, &in); err != nil {
			c.errs = append(c.errs, fmt.Sprintf("line %d: invalid JSON: %v", n, err))
			continue
		}
		if in.ID == nil {
			c.errs = append(c.errs, fmt.Sprintf(`line %d: missing "id"`, n))
			continue
		}
		if err := json.Unmarshal(*in.ID, &id); err != nil {
			// Numeric ids are accepted as written.
			id = string(*in.ID)
		}
		if in.Text == nil {
			c.errs = append(c.errs, fmt.Sprintf(`line %d: missing "text"`, n))
			continue
		}
		line := decisionLine(id, r.Decide(clip(*in.Text)))
		if line.ID == "" {
			c.errs = append(c.errs, fmt.Sprintf(`line %d: empty "id"`, n))
			continue
		}
		_ = enc.Encode(line) // a struct of strings and a float always encodes
	}
	c.out = buf.Bytes()
}

// printExplanation writes an Explanation for an admin.
func printExplanation(w io.Writer, ex routing.Explanation) error {
	bw := bufio.NewWriter(w)
	d := ex.Decision
	fmt.Fprintf(bw, "decision:   %s", d.Action)
	if d.FAQ != "" {
		fmt.Fprintf(bw, " faq=%s", d.FAQ)
	}
	if d.OPD != "" {
		fmt.Fprintf(bw, " opd=%s", d.OPD)
	}
	fmt.Fprintf(bw, " score=%.2f\n", d.Score)
	fmt.Fprintf(bw, "normalised: %s\n", ex.Normalized)
	fmt.Fprintf(bw, "topic:      %s\n", strings.Join(ex.Topic, " "))
	fmt.Fprintln(bw, "\nFAQ candidates:")
	if len(ex.FAQs) == 0 {
		fmt.Fprintln(bw, "  (none shares a key term)")
	}
	for _, c := range ex.FAQs {
		fmt.Fprintf(bw, "  %-22s confidence %.2f  coverage %.2f  relevance %.2f  %s\n", c.FAQ, c.Confidence, c.Coverage, c.Relevance, c.OPD)
		fmt.Fprintf(bw, "    question: %s\n", c.Question)
		fmt.Fprintf(bw, "    matched:  %s\n", strings.Join(c.Matched, " "))
		fmt.Fprintf(bw, "    missing:  %s\n", strings.Join(c.Missing, " "))
		fmt.Fprintf(bw, "    verdict:  %s\n", strings.Join(c.Reasons, "; "))
	}
	fmt.Fprintln(bw, "\nOPD scores:")
	for _, o := range ex.OPDs {
		fmt.Fprintf(bw, "  %-14s %.3f\n", o.OPD, o.Probability)
	}
	fmt.Fprintln(bw, "\nwhy:")
	for _, r := range ex.Reasons {
		fmt.Fprintf(bw, "  %s\n", r)
	}
	return bw.Flush()
}
