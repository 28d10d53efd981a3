package storage

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// conn is a transaction as the queries use it. They are written once, in
// SQLite's dialect with its placeholders (? and ?NNN) and in SQL both
// engines read the same way; on PostgreSQL conn rewrites the placeholders
// into its $N, so that one query serves both engines.
type conn struct {
	tx sqlTx
	pg bool
	// shared is a transaction that holds other callers' updates too (a
	// group or a batch): its statements ignore their caller's
	// cancellation, since an interrupted statement can roll back the whole
	// transaction. It also spares database/sql a goroutine per statement
	// that would wait for the cancellation.
	shared bool
}

func (c conn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.tx.ExecContext(c.context(ctx), c.dialect(query), withoutNUL(args)...)
}

func (c conn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.tx.QueryContext(c.context(ctx), c.dialect(query), withoutNUL(args)...)
}

func (c conn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.tx.QueryRowContext(c.context(ctx), c.dialect(query), withoutNUL(args)...)
}

func (c conn) context(ctx context.Context) context.Context {
	if c.shared {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// withoutNUL replaces each NUL character of the text given to a query with
// U+FFFD, on both engines so that they store the same: PostgreSQL's text
// cannot hold NUL, and no one writes it on purpose.
func withoutNUL(args []any) []any {
	var out []any
	for i, a := range args {
		s, ok := a.(string)
		if !ok || strings.IndexByte(s, 0) < 0 {
			continue
		}
		if out == nil {
			out = slices.Clone(args)
		}
		out[i] = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if out == nil {
		return args
	}
	return out
}

func (c conn) dialect(query string) string {
	if !c.pg {
		return query
	}
	return rebind(query)
}

// rebound caches rebind's work: the queries are a fixed set.
var rebound sync.Map // query → query with $N placeholders

// indexedBy is SQLite's index hint, which changes no result and which
// PostgreSQL, whose planner takes no hints, does not know.
var indexedBy = regexp.MustCompile(`(?i)\s+INDEXED\s+BY\s+\w+`)

// rebind rewrites query into PostgreSQL's dialect: SQLite's placeholders,
// ?NNN into $NNN and each bare ? into the next number as SQLite counts
// them, and no index hints. Quoted text, quoted names and comments are
// left as they are.
func rebind(query string) string {
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	key := query
	query = indexedBy.ReplaceAllString(query, "")
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0 // the highest number given so far
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(query[i+1:], c)
			if end < 0 {
				end = len(query) - i - 2
			}
			b.WriteString(query[i : i+end+2])
			i += end + 1
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i - 1
			}
			b.WriteString(query[i : i+end+1])
			i += end
		case c == '?':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			if j > i+1 {
				num, _ := strconv.Atoi(query[i+1 : j])
				n = max(n, num)
				b.WriteString("$" + query[i+1:j])
				i = j - 1
			} else {
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	rebound.Store(key, out)
	return out
}
