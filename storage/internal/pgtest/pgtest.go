// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema on the server SIGAP_TEST_POSTGRES names, dropped when the test
// ends, so that tests and packages running at once never meet. Without
// the variable a test that needs PostgreSQL skips, and fails under CI,
// which must run it.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql's "pgx"
)

// ServerEnv names the PostgreSQL server of the tests, as a connection URL
// whose user may create schemas in its database.
const ServerEnv = "SIGAP_TEST_POSTGRES"

// EngineEnv chooses the engine of the tests that run on either: "sqlite"
// (the default) or "postgres".
const EngineEnv = "SIGAP_TEST_ENGINE"

// Enabled reports whether the tests that can run on either engine run on
// PostgreSQL.
func Enabled() bool { return os.Getenv(EngineEnv) == "postgres" }

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)

// URL returns the connection URL of a fresh, empty schema for t, dropped
// when t ends. Without SIGAP_TEST_POSTGRES t is skipped, or failed when CI
// is set or the tests were asked to run on PostgreSQL.
func URL(t testing.TB) string {
	t.Helper()
	u := server(t)
	schema := create(t, "SCHEMA", "DROP SCHEMA %s CASCADE")
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Database returns the connection URL of a fresh database for t, dropped
// when t ends: for a test that keeps whatsmeow's tables, whose upgrades
// look a table up by its name in every schema of the database, and so
// would find another test's.
func Database(t testing.TB) string {
	t.Helper()
	u := server(t)
	u.Path = "/" + create(t, "DATABASE", "DROP DATABASE %s WITH (FORCE)")
	return u.String()
}

// server is the URL SIGAP_TEST_POSTGRES gives.
func server(t testing.TB) *url.URL {
	t.Helper()
	value := os.Getenv(ServerEnv)
	if value == "" {
		if os.Getenv("CI") != "" || Enabled() {
			t.Fatalf("%s is not set: these tests need a PostgreSQL server (.ci/run starts one with .ci/postgres)", ServerEnv)
		}
		t.Skipf("needs PostgreSQL: set %s to a server's URL (see .ci/postgres)", ServerEnv)
	}
	u, err := url.Parse(value)
	if err != nil {
		t.Fatalf("%s: %v", ServerEnv, err)
	}
	adminOnce.Do(func() { admin, adminErr = sql.Open("pgx", value) })
	if adminErr != nil {
		t.Fatalf("%s: %v", ServerEnv, adminErr)
	}
	return u
}

// create creates a schema or a database of a new name, and drops it with
// drop (a format taking the name) when t ends.
func create(t testing.TB, kind, drop string) string {
	t.Helper()
	b := make([]byte, 8)
	rand.Read(b)
	name := "test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(context.Background(), "CREATE "+kind+" "+name); err != nil {
		t.Fatalf("PostgreSQL (%s): create %s: %v", ServerEnv, strings.ToLower(kind), err)
	}
	t.Cleanup(func() {
		// A server process of the superuser's (autovacuum) may be working
		// in a database just used, which the test role may not end
		// (SQLSTATE 42501): it leaves within moments, so try again.
		var err error
		for range 20 {
			if _, err = admin.ExecContext(context.Background(), fmt.Sprintf(drop, name)); err == nil {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Errorf("PostgreSQL: drop %s %s: %v", strings.ToLower(kind), name, err)
	})
	return name
}
