package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/storage"
)

// defaultDB is the SQLite file used when neither --db nor SIGAP_DB is set.
const defaultDB = "./sigap.db"

// dbFlag adds --db, defaulting to $SIGAP_DB or ./sigap.db.
func dbFlag(fs *flag.FlagSet, env *Env) *string {
	return fs.String("db", envOr(env, "SIGAP_DB", defaultDB), "SQLite database `file` (env SIGAP_DB)")
}

// kbFlag adds --kb, defaulting to $SIGAP_KB or the embedded Kebumen KB.
func kbFlag(fs *flag.FlagSet, env *Env) *string {
	return fs.String("kb", env.Getenv("SIGAP_KB"), "knowledge base YAML `file` (env SIGAP_KB; default: the embedded Kebumen KB)")
}

// loadKB loads the KB file, or the embedded default when path is empty.
func loadKB(path string) (*sigap.KB, error) {
	if path == "" {
		return kb.Default(), nil
	}
	return kb.Load(path)
}

// openStore opens (creating and migrating) the SQLite database.
func openStore(ctx context.Context, path string) (*storage.DB, error) {
	db, err := storage.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// openExistingStore opens a database that must already exist: opening a
// missing file would create an empty one, and a command that reads or
// prunes it would quietly work on nothing when --db has a typo.
func openExistingStore(ctx context.Context, path string) (*storage.DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("database %s does not exist (check --db or SIGAP_DB)", path)
	} else if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	return openStore(ctx, path)
}
