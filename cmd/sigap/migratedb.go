package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"go.mau.fi/whatsmeow/store/sqlstore"
	waLog "go.mau.fi/whatsmeow/util/log"

	"github.com/pemkab-kebumen/sigap/storage"
)

func init() {
	register(command{name: "migrate-db", summary: "copy a SQLite database, WhatsApp's session included, into an empty PostgreSQL database", run: runMigrateDB})
}

// migrateDBConfig is the configuration of sigap migrate-db.
type migrateDBConfig struct{ From, To string }

// migrateDBFlags binds migrate-db's flags to a configuration with its
// defaults.
func migrateDBFlags(fs *flagSet) *migrateDBConfig {
	c := &migrateDBConfig{From: defaultDB}
	fs.stringVar(&c.From, "from", "SIGAP_MIGRATE_FROM", "the SQLite database `file` to copy")
	fs.stringVar(&c.To, "to", "SIGAP_MIGRATE_TO", "the postgres:// `URL` of an empty PostgreSQL database to copy it into")
	return c
}

const migrateDBUsage = `usage: sigap migrate-db --from FILE --to postgres://…

Copies every table of a SQLite database (WhatsApp's session included) into
an empty PostgreSQL database, in one transaction, and checks that each
table holds as many rows on both sides. Stop sigap serve first: the copy is
refused while it runs. Then start serve with --db set to the URL.`

func runMigrateDB(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "migrate-db")
	c := migrateDBFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), migrateDBUsage)
		fs.PrintDefaults()
	}
	if err := fs.parseFlags(args); err != nil {
		return err
	}
	switch {
	case storage.IsPostgres(c.From):
		return fmt.Errorf("--from must be a SQLite file, not a URL")
	case !storage.IsPostgres(c.To):
		return fmt.Errorf("--to must be a postgres:// URL (SIGAP_MIGRATE_TO)")
	}
	src, err := openExistingStore(ctx, c.From, "--from or SIGAP_MIGRATE_FROM")
	if err != nil {
		return err
	}
	defer src.Close()
	// Held until the copy is done: serve can neither run on the file
	// during the copy nor start before it ends.
	lease, err := src.AcquireLease(ctx, storage.ThisProcess(time.Now()))
	if err != nil {
		return err
	}
	defer lease.Release()
	dst, err := openStore(ctx, c.To)
	if err != nil {
		return err
	}
	defer dst.Close()
	if err := upgradeSessions(ctx, src, dst); err != nil {
		return err
	}
	counts, err := src.CopyTo(ctx, dst)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "table\tSQLite\tPostgreSQL\t")
	for _, n := range counts {
		fmt.Fprintf(w, "%s\t%d\t%d\t\n", n.Table, n.Source, n.Copied)
	}
	w.Flush()
	fmt.Fprintf(env.Stdout, "copied %d tables into %s; every count matches. Run serve with --db set to it.\n", len(counts), dst.Name())
	return nil
}

// upgradeSessions brings whatsmeow's session tables of both databases to
// this build's version, when the SQLite file has them: the copy is then
// between two tables of one shape.
func upgradeSessions(ctx context.Context, src, dst *storage.DB) error {
	has, err := src.HasWhatsAppSession(ctx)
	if err != nil || !has {
		return err
	}
	for _, db := range []*storage.DB{src, dst} {
		handle, dialect := db.SharedSQL()
		if err := sqlstore.NewWithDB(handle, dialect, waLog.Noop).Upgrade(ctx); err != nil {
			return fmt.Errorf("whatsapp session of %s: %w", db.Name(), err)
		}
	}
	return nil
}
