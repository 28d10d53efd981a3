package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pemkab-kebumen/sigap"
)

func init() {
	register(command{name: "anonymize", summary: "erase citizens' personal data after the retention period (UU 27/2022)", run: runAnonymize})
}

// anonymizeConfig is the configuration of sigap anonymize.
type anonymizeConfig struct {
	DB, DataDir string
	RetainDays  int
}

// anonymizeFlags binds anonymize's flags to a configuration with its
// defaults.
func anonymizeFlags(fs *flagSet) *anonymizeConfig {
	c := &anonymizeConfig{DB: defaultDB, DataDir: "./data", RetainDays: defaultRetainDays}
	fs.dbVar(&c.DB)
	fs.dataVar(&c.DataDir)
	retainDaysVar(fs, &c.RetainDays, "")
	return c
}

// defaultRetainDays is how long personal data is kept by default.
const defaultRetainDays = 365

// retainDaysVar adds --retain-days, which anonymize and serve share.
func retainDaysVar(fs *flagSet, p *int, more string) {
	fs.intVar(p, "retain-days", "SIGAP_RETAIN_DAYS", "keep personal data this many `days` after a citizen's last ticket was resolved"+more)
}

const anonymizeUsage = `usage: sigap anonymize [--db FILE] [--data DIR] [--retain-days N]

Erases the name, phone number, messages, photos and locations of citizens
whose tickets were all resolved, and who wrote nothing, more than N days ago,
from every table (learnt examples, audit details, the outbox and WhatsApp's
session tables included), then rebuilds the database file so that nothing
erased stays in its free space. Ticket codes, OPDs and times stay, so
reports are unchanged. sigap serve does this once a day itself
(--retain-days); this command is for a run by hand.`

func runAnonymize(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "anonymize")
	c := anonymizeFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), anonymizeUsage)
		fs.PrintDefaults()
	}
	if err := fs.parseFlags(args); err != nil {
		return err
	}
	if c.RetainDays < 1 {
		fmt.Fprintln(env.Stderr, "sigap anonymize: --retain-days must be at least 1")
		return errUsage
	}
	db, err := openExistingStore(ctx, c.DB, dbFlag)
	if err != nil {
		return err
	}
	defer db.Close()
	before := time.Now().AddDate(0, 0, -c.RetainDays)
	done, err := db.EraseExpired(ctx, before, c.DataDir, sigap.ActorCLI)
	fmt.Fprintf(env.Stdout, "%d citizen(s) anonymised (tickets resolved before %s); %d file(s) removed.\n",
		done.Citizens, before.Format(time.DateOnly), done.Files)
	return err
}

// retentionEvery is how often serve erases the personal data whose
// retention period is over.
const retentionEvery = 24 * time.Hour

// runRetention erases, when serve starts and then once a day, the
// personal data of the citizens whose retention period is over, as sigap
// anonymize does, and retrains the router without the examples and
// negative examples it learnt from them. --retain-days 0 turns it off.
func (m *Main) runRetention(ctx context.Context) {
	if m.Config.RetainDays == 0 {
		return
	}
	for {
		before := m.Now().AddDate(0, 0, -m.Config.RetainDays)
		done, err := m.Store.EraseExpired(ctx, before, m.Config.DataDir, sigap.ActorSystem)
		if err != nil && ctx.Err() == nil {
			m.Logger.Error("anonymize citizens past the retention period", "err", err)
		}
		if done.Citizens > 0 {
			m.Logger.Info("anonymized citizens past the retention period", "citizens", done.Citizens, "files", done.Files,
				"resolved_before", before.Format(time.DateOnly))
			if err := m.Router.Retrain(ctx); err != nil {
				m.Logger.Error("retrain the router without what it learnt from the anonymized citizens", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(retentionEvery):
		}
	}
}
