package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pemkab-kebumen/sigap/storage"
)

func init() {
	register(command{name: "backup", summary: "copy the database and the data folder, consistently, while serve runs", run: runBackup})
	register(command{name: "restore", summary: "put a backup back: check it, then restore the database and the data folder", run: runRestore})
}

// backupConfig is the configuration of sigap backup and sigap restore.
type backupConfig struct {
	DB, DataDir string
	Out         string // backup: the backup folder to write
	From        string // restore: the backup folder to read
	Replace     bool   // restore: over an existing database
}

// backupFlags binds backup's flags (restore's when restore is true) to a
// configuration with its defaults.
func backupFlags(fs *flagSet, restore bool) *backupConfig {
	c := &backupConfig{DB: defaultDB, DataDir: "./data"}
	fs.dbVar(&c.DB)
	fs.dataVar(&c.DataDir)
	if restore {
		fs.stringVar(&c.From, "from", "SIGAP_RESTORE_FROM", "backup `folder` to restore")
		fs.boolVar(&c.Replace, "replace", "SIGAP_RESTORE_REPLACE", "replace an existing database")
	} else {
		fs.stringVar(&c.Out, "out", "SIGAP_BACKUP_OUT", "backup `folder` to create")
	}
	return c
}

const backupUsage = `usage: sigap backup --out FOLDER [--db FILE] [--data DIR]

Writes a backup folder: a consistent copy of the database (SQLite's VACUUM
INTO, safe while serve runs and writes), the files of the data folder, and
manifest.json with each file's size and SHA-256 and the rows of each table.
FOLDER must not exist; it appears only once complete. A PostgreSQL database
is backed up with pg_dump instead.`

const restoreUsage = `usage: sigap restore --from FOLDER [--db FILE] [--data DIR] [--replace]

Checks a backup folder against its manifest, then restores its database to
--db and its files into --data. It is refused while serve runs on --db; an
existing database is replaced only with --replace.`

func runBackup(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "backup")
	c := backupFlags(fs, false)
	if err := parseBackupFlags(env, fs, backupUsage, args, "out", &c.Out); err != nil {
		return err
	}
	if err := mustExist(c.DB, dbFlag); err != nil {
		return err
	}
	m, err := storage.WriteBackup(ctx, c.DB, c.DataDir, c.Out, "", time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup %s: database of %d bytes (%s), %d data file(s).\n",
		c.Out, m.Database.Size, tableSummary(m.Snapshot), len(m.Data))
	return nil
}

func runRestore(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "restore")
	c := backupFlags(fs, true)
	if err := parseBackupFlags(env, fs, restoreUsage, args, "from", &c.From); err != nil {
		return err
	}
	m, err := storage.RestoreBackup(ctx, c.From, c.DB, c.DataDir, c.Replace)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "restored %s (written %s) to %s: %s; %d data file(s) into %s.\n",
		c.From, m.CreatedAt.Format(time.RFC3339), c.DB, tableSummary(m.Snapshot), len(m.Data), c.DataDir)
	return nil
}

// parseBackupFlags parses the command line of backup or restore, whose
// folder flag, named folderFlag and bound to folder, is required.
func parseBackupFlags(env *Env, fs *flagSet, usage string, args []string, folderFlag string, folder *string) error {
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := fs.parseFlags(args); err != nil {
		return err
	}
	if *folder == "" {
		fmt.Fprintf(env.Stderr, "%s: --%s is required\n", fs.Name(), folderFlag)
		return errUsage
	}
	return nil
}

// tableSummary says how many tickets, messages and citizens a snapshot
// holds.
func tableSummary(s storage.Snapshot) string {
	return fmt.Sprintf("%d ticket(s), %d message(s), %d citizen(s), schema %d",
		s.Tables["tickets"], s.Tables["messages"], s.Tables["citizens"], s.SchemaVersion)
}

// validateBackups refuses unattended backups serve could not keep.
func (c Config) validateBackups() error {
	if storage.IsPostgres(c.DB) && (c.Backup.Dir != "" || c.Litestream) {
		return fmt.Errorf("--backup-dir and --litestream copy a SQLite file; a PostgreSQL database is backed up with pg_dump or the server's own backups (README: Running on PostgreSQL)")
	}
	if c.Backup.Dir == "" {
		return nil
	}
	if c.Backup.Every < time.Minute || c.Backup.Keep < 1 {
		return fmt.Errorf("--backup-every %v, --backup-keep %d: want at least a minute between backups and at least one kept", c.Backup.Every, c.Backup.Keep)
	}
	dir, err := realPath(c.Backup.Dir)
	if err != nil {
		return fmt.Errorf("--backup-dir %s: %w", c.Backup.Dir, err)
	}
	data, err := realPath(c.DataDir)
	if err != nil {
		return fmt.Errorf("--data %s: %w", c.DataDir, err)
	}
	if rel, err := filepath.Rel(data, dir); err == nil && (filepath.IsLocal(rel) || rel == ".") {
		return fmt.Errorf("--backup-dir %s is inside the data folder %s: the copies of the database would be served with the photos, and copied into every next backup", c.Backup.Dir, c.DataDir)
	}
	return nil
}

// backupRetry is how long serve waits after a failed backup before it
// tries again (or Backup.Every, if shorter).
const backupRetry = 10 * time.Minute

// runBackups writes a backup folder into Config.Backup.Dir every
// Backup.Every, the first one Every after the newest already there (at
// once when there is none, or it is older), and keeps the newest
// Backup.Keep. Each links the files of the data folder that did not
// change from the one before.
func (m *Main) runBackups(ctx context.Context) {
	c := m.Config.Backup
	if c.Dir == "" {
		return
	}
	var wait time.Duration
	for {
		paths, times, err := storage.Backups(c.Dir)
		if err != nil {
			m.Logger.Error("list backups", "dir", c.Dir, "err", err)
		}
		prev := ""
		if len(paths) > 0 {
			prev = paths[len(paths)-1]
			wait = max(wait, times[len(times)-1].Add(c.Every).Sub(m.Now()))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = 0
		if err := m.backupOnce(ctx, prev); err != nil && ctx.Err() == nil {
			m.Logger.Error("backup", "dir", c.Dir, "err", err)
			wait = min(backupRetry, c.Every)
		}
	}
}

// backupOnce writes one backup folder and prunes the old ones.
func (m *Main) backupOnce(ctx context.Context, prev string) error {
	c := m.Config.Backup
	now := m.Now()
	out := filepath.Join(c.Dir, storage.BackupName(now))
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	start := time.Now()
	man, err := storage.WriteBackup(ctx, m.Config.DB, m.Config.DataDir, out, prev, now)
	if err != nil {
		return err
	}
	m.Logger.Info("backup written", "out", out, "database_bytes", man.Database.Size, "data_files", len(man.Data),
		"took", time.Since(start).Round(time.Millisecond))
	if err := storage.PruneBackups(c.Dir, c.Keep); err != nil {
		m.Logger.Error("delete old backups", "dir", c.Dir, "err", err)
	}
	return nil
}
