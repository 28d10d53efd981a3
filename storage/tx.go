package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/pemkab-kebumen/sigap"
)

// Tx is a transaction of a DB; it implements sigap.Tx. Its methods are in
// a file per table.
type Tx struct {
	tx    conn
	now   sigap.Clock
	hooks []func() // OnCommit's, run by whoever commits
}

var _ sigap.Tx = (*Tx)(nil)

// OnCommit registers fn to run once the transaction committed.
func (tx *Tx) OnCommit(fn func()) { tx.hooks = append(tx.hooks, fn) }

// committed runs the hooks, in the order registered.
func (tx *Tx) committed() {
	for _, fn := range tx.hooks {
		fn()
	}
}

// rows runs a query and scans each row into a T through the destinations
// dest gives for it: the one loop every list query shares.
func rows[T any](ctx context.Context, tx *Tx, dest func(*T) []any, query string, args ...any) ([]T, error) {
	rs, err := tx.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []T
	for rs.Next() {
		var v T
		if err := rs.Scan(dest(&v)...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rs.Err()
}

// tally runs a query whose rows are a key and a count, GROUP BY the key,
// into a map.
func tally[K comparable](ctx context.Context, tx *Tx, query string, args ...any) (map[K]int, error) {
	type count struct {
		key K
		n   int
	}
	list, err := rows(ctx, tx, func(c *count) []any { return []any{&c.key, &c.n} }, query, args...)
	if err != nil {
		return nil, err
	}
	out := make(map[K]int, len(list))
	for _, c := range list {
		out[c.key] = c.n
	}
	return out, nil
}

// one runs a query that selects one row and scans it into a T through the
// destinations dest gives for it: no row gives notFound, and what names
// the row in other errors.
func one[T any](ctx context.Context, tx *Tx, dest func(*T) []any, notFound *sigap.Error, what, query string, args ...any) (*T, error) {
	var v T
	err := tx.tx.QueryRowContext(ctx, query, args...).Scan(dest(&v)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	} else if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", what, err)
	}
	return &v, nil
}

// insert runs an INSERT and returns the id it gave the new row. An INSERT
// that ends in ON CONFLICT DO NOTHING and inserted nothing returns
// sql.ErrNoRows. (PostgreSQL's driver has no LastInsertId; RETURNING is
// both engines'.)
func (tx *Tx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := tx.tx.QueryRowContext(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// either is the SQL of the transaction's engine, where the two differ.
func (tx *Tx) either(sqlite, postgres string) string {
	if tx.tx.pg {
		return postgres
	}
	return sqlite
}

// limitOrAll is the LIMIT of a list whose limit <= 0 means all of it: a
// bound no list reaches, as both engines take a number there.
func limitOrAll(limit int) int64 {
	if limit <= 0 {
		return math.MaxInt64
	}
	return int64(limit)
}

// A statement of the write path that SQLite prepared with its plan
// depending on a parameter's value is prepared again each time it runs:
// go-sqlite3 clears the bindings of a statement it caches, which expires
// such a statement (sqlite3_clear_bindings), and preparing costs ten times
// what running does. SQLite's planner looks at the value of a LIMIT ?,
// and of the ? in a column = ? that some plan it weighs filters by rather
// than looks up (a scan in the ORDER BY's order, say). limitText and
// idParam keep those values out of the planner's sight.

// limitText is limitOrAll written into the query: a constant, like the
// few limits the callers give.
func limitText(limit int) string {
	return strconv.FormatInt(limitOrAll(limit), 10)
}

// idParam is the parameter of an id compared with a column, as an
// expression rather than a bare ?, for the queries that need it.
const idParam = `CAST(? AS BIGINT)`

// unixNano turns a time into what a time column stores: nanoseconds since
// the epoch, or NULL for the zero time.
func unixNano(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// Times a query compares with, clamped to what nanoseconds since the epoch
// can hold, so that the zero time or a far future bound still orders right.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// bound turns a time a query compares with into nanoseconds since the
// epoch.
func bound(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return math.MinInt64
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// timeColumn scans a time column into a time.Time, in UTC; NULL is the zero
// time.
type timeColumn struct{ t *time.Time }

func (c timeColumn) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.Unix(0, v).UTC()
	default:
		return fmt.Errorf("time column holds %T, want an integer", v)
	}
	return nil
}

// nullID stores an optional reference: 0 is NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// idColumn scans an optional reference; NULL is 0.
type idColumn struct{ id *int64 }

func (c idColumn) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.id = 0
	case int64:
		*c.id = v
	default:
		return fmt.Errorf("id column holds %T, want an integer", v)
	}
	return nil
}

// isUnique reports whether err is a violated UNIQUE or PRIMARY KEY
// constraint, on either engine.
func isUnique(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return pgCode(err) == "23505"
}

// change runs an UPDATE or DELETE that must match a row, and returns
// notFound when it matches none; what names the change in other errors.
func (tx *Tx) change(ctx context.Context, notFound *sigap.Error, what, query string, args ...any) error {
	n, err := tx.count(ctx, what, query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}

// count runs an INSERT, UPDATE or DELETE and returns how many rows it
// changed; what names the change in errors.
func (tx *Tx) count(ctx context.Context, what, query string, args ...any) (int, error) {
	res, err := tx.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("storage: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("storage: %s: %w", what, err)
	}
	return int(n), nil
}

// stampIfZero returns t, or the store's clock when t is zero.
func (tx *Tx) stampIfZero(t time.Time) time.Time {
	if t.IsZero() {
		return tx.now().UTC()
	}
	return t.UTC()
}
