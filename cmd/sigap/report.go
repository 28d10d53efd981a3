package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/sla"
)

func init() {
	register(command{name: "report", summary: "SLA report per OPD for tickets created in a date range", run: runReport})
}

// reportConfig is the configuration of sigap report.
type reportConfig struct {
	DB, KB       string
	From, To, At string
	Format       string
}

// reportFlags binds report's flags to a configuration with its defaults.
func reportFlags(fs *flagSet) *reportConfig {
	c := &reportConfig{DB: defaultDB, Format: "table"}
	fs.dbVar(&c.DB)
	fs.kbVar(&c.KB)
	fs.stringVar(&c.From, "from", "SIGAP_REPORT_FROM", "first `date` (YYYY-MM-DD, calendar time zone) of tickets created")
	fs.stringVar(&c.To, "to", "SIGAP_REPORT_TO", "`date` after the last one (exclusive)")
	fs.stringVar(&c.At, "at", "SIGAP_REPORT_AT", "`moment` the report is taken, RFC 3339 (default: now)")
	fs.stringVar(&c.Format, "format", "SIGAP_REPORT_FORMAT", "output `format`: json, csv or table")
	return c
}

func runReport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "report")
	c := reportFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sigap report [--db FILE] [--kb FILE] --from YYYY-MM-DD --to YYYY-MM-DD [--at TIME] [--format json|csv|table]")
		fs.PrintDefaults()
	}
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if c.From == "" || c.To == "" || len(pos) > 0 {
		fmt.Fprintln(fs.Output(), "sigap report: --from and --to are required, and nothing else")
		fs.Usage()
		return errUsage
	}
	if c.Format != "json" && c.Format != "csv" && c.Format != "table" {
		return fmt.Errorf("--format %q: want json, csv or table", c.Format)
	}
	file, err := kbFile(c.KB) // before the database, which may not be the problem
	if err != nil {
		return err
	}
	db, err := openExistingStore(ctx, c.DB, dbFlag)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := buildReport(ctx, db, file, *c)
	if err != nil {
		return err
	}
	switch c.Format {
	case "json":
		return r.WriteJSON(env.Stdout)
	case "csv":
		return r.WriteCSV(env.Stdout)
	default:
		return r.WriteTable(env.Stdout)
	}
}

// buildReport reads the report's range on the calendar of the KB in force
// for db and the --kb file.
func buildReport(ctx context.Context, db sigap.Store, file *sigap.KB, c reportConfig) (*sla.Report, error) {
	k, _, err := kb.InForce(ctx, db, file)
	if err != nil {
		return nil, err
	}
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		return nil, err
	}
	from, err := time.ParseInLocation(time.DateOnly, c.From, cal.Location())
	if err != nil {
		return nil, fmt.Errorf("--from %q: want a date YYYY-MM-DD", c.From)
	}
	to, err := time.ParseInLocation(time.DateOnly, c.To, cal.Location())
	if err != nil {
		return nil, fmt.Errorf("--to %q: want a date YYYY-MM-DD", c.To)
	}
	at := time.Now()
	if c.At != "" {
		if at, err = time.Parse(time.RFC3339, c.At); err != nil {
			return nil, fmt.Errorf("--at %q: want a time such as 2024-05-01T08:00:00+07:00", c.At)
		}
	}
	return sigap.Read(ctx, db, func(tx sigap.Tx) (*sla.Report, error) {
		return sla.BuildReport(ctx, tx, k, cal, from, to, at)
	})
}
