package routing

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/pemkab-kebumen/sigap"
)

// MaxText is how much of a message triage reads: Decide and Explain look
// at its first MaxText bytes. The question is in the first few sentences
// of any real message; the cap keeps a pasted document from slowing
// triage.
const MaxText = 16 << 10

// batchChunk is how many input lines a worker decides at a time.
const batchChunk = 256

// DecisionLine is one line of `sigap triage` output.
type DecisionLine struct {
	ID     string  `json:"id,omitempty"`
	Action string  `json:"action"`
	FAQ    string  `json:"faq"`
	OPD    string  `json:"opd"`
	Score  float64 `json:"score"`
}

// NewDecisionLine writes d for the message id, its score rounded to three
// decimals.
func NewDecisionLine(id string, d sigap.Decision) DecisionLine {
	return DecisionLine{ID: id, Action: string(d.Action), FAQ: d.FAQ, OPD: d.OPD, Score: float64(int(d.Score*1000+0.5)) / 1000}
}

// clip cuts text to MaxText bytes at a rune boundary, as Decide and Explain
// do before reading it.
func clip(text string) string {
	if len(text) <= MaxText {
		return text
	}
	cut := MaxText
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// chunk is a run of input lines and, once decided, their output.
type chunk struct {
	first int // line number of lines[0]
	lines [][]byte
	out   []byte
	errs  []string
	done  chan struct{}
}

// DecideBatch decides every JSON line {"id","text"} of in and writes a
// DecisionLine for each to out, in input order, deciding chunks of lines in
// parallel. A line that is empty, not UTF-8, not JSON or without id and
// text is reported on errOut with its line number and skipped; the error
// returned then says how many were.
func (r *Router) DecideBatch(ctx context.Context, in io.Reader, out, errOut io.Writer) error {
	return decideBatch(ctx, r.Decide, in, out, errOut)
}

// DecideCommentBatch is DecideBatch for texts that are public comments
// under the regency's posts, decided by DecideComment.
func (r *Router) DecideCommentBatch(ctx context.Context, in io.Reader, out, errOut io.Writer) error {
	return decideBatch(ctx, r.DecideComment, in, out, errOut)
}

func decideBatch(ctx context.Context, decide func(string) sigap.Decision, in io.Reader, out, errOut io.Writer) error {
	work := make(chan *chunk)
	ordered := make(chan *chunk, 2*runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for c := range work {
				c.decide(decide)
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
			c := &chunk{first: line + 1, done: make(chan struct{})}
			var err error
			for len(c.lines) < batchChunk {
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
func (c *chunk) decide(decide func(string) sigap.Decision) {
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
		if id == "" {
			c.errs = append(c.errs, fmt.Sprintf(`line %d: empty "id"`, n))
			continue
		}
		// A struct of strings and a float always encodes.
		_ = enc.Encode(NewDecisionLine(id, decide(*in.Text)))
	}
	c.out = buf.Bytes()
}
