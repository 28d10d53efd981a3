package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mattn/go-sqlite3"
)

// statements counts what the writer of a database sends to SQLite: every
// statement, BEGIN, COMMIT and ROLLBACK included, by its text.
type statements struct {
	mu     sync.Mutex
	byText map[string]int
}

func (s *statements) add(query string) {
	s.mu.Lock()
	s.byText[strings.Join(strings.Fields(query), " ")]++
	s.mu.Unlock()
}

// total is how many statements ran in all.
func (s *statements) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.byText {
		n += c
	}
	return n
}

// count is how many ran whose text starts with prefix.
func (s *statements) count(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for q, c := range s.byText {
		if strings.HasPrefix(q, prefix) {
			n += c
		}
	}
	return n
}

// distinct is how many different statement texts ran.
func (s *statements) distinct() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byText)
}

func (s *statements) reset() {
	s.mu.Lock()
	clear(s.byText)
	s.mu.Unlock()
}

var countingDrivers atomic.Int64

// openCounting opens a fresh database file whose writer's statements are
// counted, through the real driver with the settings storage gives it.
func openCounting(t testing.TB, opts ...Option) (*DB, *statements) {
	t.Helper()
	st := &statements{byText: map[string]int{}}
	name := fmt.Sprintf("sigap_counting_%d", countingDrivers.Add(1))
	sql.Register(name, countingDriver{st: st})
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "sigap.db"), append(opts, withDriver(name))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st.reset() // the migrations are not the code under test
	return db, st
}

// countingDriver is go-sqlite3, set up as sqlite3Driver, whose writer
// connections count their statements; readers are left as they are.
type countingDriver struct{ st *statements }

func (d countingDriver) Open(dsn string) (driver.Conn, error) {
	c, err := (&sqlite3.SQLiteDriver{ConnectHook: setUpConn}).Open(dsn)
	if err != nil || strings.Contains(dsn, "_query_only=1") {
		return c, err
	}
	return &countingConn{SQLiteConn: c.(*sqlite3.SQLiteConn), st: d.st}, nil
}

// countingConn embeds the real connection, so database/sql sees every
// interface it implements, and counts what passes through.
type countingConn struct {
	*sqlite3.SQLiteConn
	st *statements
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.st.add(query)
	return c.SQLiteConn.ExecContext(ctx, query, args)
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.st.add(query)
	return c.SQLiteConn.QueryContext(ctx, query, args)
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.st.add("BEGIN")
	tx, err := c.SQLiteConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return countingTx{tx, c.st}, nil
}

type countingTx struct {
	driver.Tx
	st *statements
}

func (t countingTx) Commit() error   { t.st.add("COMMIT"); return t.Tx.Commit() }
func (t countingTx) Rollback() error { t.st.add("ROLLBACK"); return t.Tx.Rollback() }
