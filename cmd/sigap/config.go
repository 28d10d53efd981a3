package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/storage"
)

// defaultDB is the SQLite file used when neither --db nor SIGAP_DB is set.
const defaultDB = "./sigap.db"

// flagSet is a command's flags, each bound to a field of the command's
// Config and to a SIGAP_* environment variable. A flag's default is the
// field's value when the flag is defined; parse applies the environment to
// each flag the command line did not set, after parsing. So a value comes
// from the default, then the environment, then the flag, and -h or a
// mistyped flag prints each variable's name but never its value: a token
// in the environment stays out of a terminal and a journal.
type flagSet struct {
	*flag.FlagSet
	getenv func(string) string
	env    map[string]string // flag name → environment variable
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(env *Env, name string) *flagSet {
	fs := flag.NewFlagSet("sigap "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return &flagSet{FlagSet: fs, getenv: env.Getenv, env: map[string]string{}}
}

// bind records the environment variable of a flag just defined.
func (fs *flagSet) bind(name, envVar string) { fs.env[name] = envVar }

func withEnv(usage, envVar string) string { return usage + " (env " + envVar + ")" }

func (fs *flagSet) stringVar(p *string, name, envVar, usage string) {
	fs.StringVar(p, name, *p, withEnv(usage, envVar))
	fs.bind(name, envVar)
}

func (fs *flagSet) boolVar(p *bool, name, envVar, usage string) {
	fs.BoolVar(p, name, *p, withEnv(usage, envVar+"=1"))
	fs.bind(name, envVar)
}

func (fs *flagSet) intVar(p *int, name, envVar, usage string) {
	fs.IntVar(p, name, *p, withEnv(usage, envVar))
	fs.bind(name, envVar)
}

func (fs *flagSet) float64Var(p *float64, name, envVar, usage string) {
	fs.Float64Var(p, name, *p, withEnv(usage, envVar))
	fs.bind(name, envVar)
}

func (fs *flagSet) durationVar(p *time.Duration, name, envVar, usage string) {
	fs.DurationVar(p, name, *p, withEnv(usage, envVar))
	fs.bind(name, envVar)
}

// errUsage marks a usage error: the flag package already printed why.
var errUsage = errors.New("usage")

// parse parses flags given before or after the positional arguments
// ("disable budi --db x.db" as well as "disable --db x.db budi"), then
// fills from the environment each flag the command line did not set. It
// returns the positional arguments.
func (fs *flagSet) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		if args = fs.Args(); len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, envVar := range fs.env {
		v := fs.getenv(envVar)
		if set[name] || v == "" {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			// The value is not repeated: it may be a secret.
			return nil, fmt.Errorf("environment variable %s: not a valid value for --%s", envVar, name)
		}
	}
	return pos, nil
}

// parseFlags is parse for a command that takes no positional argument.
func (fs *flagSet) parseFlags(args []string) error {
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), pos[0])
		return errUsage
	}
	return nil
}

// dbVar adds --db.
func (fs *flagSet) dbVar(p *string) {
	fs.stringVar(p, "db", "SIGAP_DB", "SQLite database `file`, or a postgres:// URL")
}

// kbVar adds --kb.
func (fs *flagSet) kbVar(p *string) {
	fs.stringVar(p, "kb", "SIGAP_KB", "knowledge base YAML `file` (default: the one an admin edited in the dashboard, else the embedded Kebumen KB)")
}

// dataVar adds --data.
func (fs *flagSet) dataVar(p *string) {
	fs.stringVar(p, "data", "SIGAP_DATA", "`folder` of received photos and files")
}

// kbFile loads the KB file the operator named; nil when none.
func kbFile(path string) (*sigap.KB, error) {
	if path == "" {
		return nil, nil
	}
	return kb.Load(path)
}

// openStore opens (creating and migrating) the database a --db value names.
func openStore(ctx context.Context, path string, opts ...storage.Option) (*storage.DB, error) {
	db, err := storage.Open(ctx, path, opts...)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// dbFlag names --db and its variable in the messages of a missing
// database; commands whose database flag is another pass their own.
const dbFlag = "--db or SIGAP_DB"

// openExistingStore opens a database that must already exist: opening a
// missing file would create an empty one, and a command that reads or
// changes it would quietly work on nothing when --db has a typo. flag
// names where the path came from, such as dbFlag.
func openExistingStore(ctx context.Context, path, flag string) (*storage.DB, error) {
	if err := mustExist(path, flag); err != nil {
		return nil, err
	}
	return openStore(ctx, path)
}

// mustExist refuses a database file that does not exist; a URL is for
// storage.Open to judge. flag names where the path came from.
func mustExist(path, flag string) error {
	if strings.Contains(path, "://") {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("database %s does not exist (check %s)", path, flag)
	} else if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	return nil
}
