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
	"net/url"
	"os"
	"sync"
	"testing"

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
	server := os.Getenv(ServerEnv)
	if server == "" {
		if os.Getenv("CI") != "" || Enabled() {
			t.Fatalf("%s is not set: these tests need a PostgreSQL server (.ci/run starts one with .ci/postgres)", ServerEnv)
		}
		t.Skipf("needs PostgreSQL: set %s to a server's URL (see .ci/postgres)", ServerEnv)
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s: %v", ServerEnv, err)
	}
	adminOnce.Do(func() { admin, adminErr = sql.Open("pgx", server) })
	if adminErr != nil {
		t.Fatalf("%s: %v", ServerEnv, adminErr)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("PostgreSQL at %s: create schema: %v", u.Redacted(), err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
