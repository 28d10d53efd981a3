package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/sla"
)

func init() {
	register(command{name: "report", summary: "SLA report per OPD for tickets created in a date range", run: runReport})
}

func runReport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "report")
	dbPath := dbFlag(fs, env)
	kbPath := kbFlag(fs, env)
	fromFlag := fs.String("from", "", "first `date` (YYYY-MM-DD, calendar time zone) of tickets created")
	toFlag := fs.String("to", "", "`date` after the last one (exclusive)")
	atFlag := fs.String("at", "", "`moment` the report is taken, RFC 3339 (default: now)")
	format := fs.String("format", "table", "output `format`: json, csv or table")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sigap report [--db FILE] [--kb FILE] --from YYYY-MM-DD --to YYYY-MM-DD [--at TIME] [--format json|csv|table]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *fromFlag == "" || *toFlag == "" || fs.NArg() > 0 {
		fmt.Fprintln(fs.Output(), "sigap report: --from and --to are required, and nothing else")
		fs.Usage()
		return errUsage
	}
	if *format != "json" && *format != "csv" && *format != "table" {
		return fmt.Errorf("--format %q: want json, csv or table", *format)
	}

	k, err := loadKB(*kbPath)
	if err != nil {
		return err
	}
	cal, err := sla.NewCalendar(k.Calendar)
	if err != nil {
		return err
	}
	from, err := time.ParseInLocation(time.DateOnly, *fromFlag, cal.Location())
	if err != nil {
		return fmt.Errorf("--from %q: want a date YYYY-MM-DD", *fromFlag)
	}
	to, err := time.ParseInLocation(time.DateOnly, *toFlag, cal.Location())
	if err != nil {
		return fmt.Errorf("--to %q: want a date YYYY-MM-DD", *toFlag)
	}
	at := time.Now()
	if *atFlag != "" {
		if at, err = time.Parse(time.RFC3339, *atFlag); err != nil {
			return fmt.Errorf("--at %q: want a time such as 2024-05-01T08:00:00+07:00", *atFlag)
		}
	}
	db, err := openExistingStore(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()

	var r *sla.Report
	err = db.View(ctx, func(tx sigap.Tx) error {
		var err error
		r, err = sla.BuildReport(ctx, tx, k, cal, from, to, at)
		return err
	})
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		return r.WriteJSON(env.Stdout)
	case "csv":
		return r.WriteCSV(env.Stdout)
	default:
		return r.WriteTable(env.Stdout)
	}
}
