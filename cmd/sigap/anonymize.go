package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
	c := &anonymizeConfig{DB: defaultDB, DataDir: "./data", RetainDays: 365}
	fs.dbVar(&c.DB)
	fs.dataVar(&c.DataDir)
	fs.intVar(&c.RetainDays, "retain-days", "SIGAP_RETAIN_DAYS", "keep personal data this many `days` after a citizen's last ticket was resolved")
	return c
}

const anonymizeUsage = `usage: sigap anonymize [--db FILE] [--data DIR] [--retain-days N]

Erases the name, phone number, messages, photos and locations of citizens
whose tickets were all resolved, and who wrote nothing, more than N days ago.
Ticket codes, OPDs and times stay, so reports are unchanged. Run it daily
(cron or a systemd timer).`

func runAnonymize(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "anonymize")
	c := anonymizeFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), anonymizeUsage)
		fs.PrintDefaults()
	}
	if pos, err := fs.parse(args); err != nil {
		return err
	} else if len(pos) > 0 {
		fmt.Fprintf(env.Stderr, "sigap anonymize: unexpected argument %q\n", pos[0])
		return errUsage
	}
	if c.RetainDays < 1 {
		fmt.Fprintln(env.Stderr, "sigap anonymize: --retain-days must be at least 1")
		return errUsage
	}
	db, err := openExistingStore(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	before := time.Now().AddDate(0, 0, -c.RetainDays)
	var n int
	var media []string
	err = db.Update(ctx, func(tx sigap.Tx) error {
		if n, media, err = tx.Anonymize(ctx, before); err != nil || n == 0 {
			return err
		}
		return tx.AddAudit(ctx, &sigap.AuditEntry{At: time.Now(), Actor: sigap.ActorCLI, Action: sigap.ActionAnonymize,
			Detail: fmt.Sprintf("%d warga, data sebelum %s", n, before.Format(time.DateOnly))})
	})
	if err != nil {
		return err
	}
	removed, err := removeMedia(c.DataDir, media)
	fmt.Fprintf(env.Stdout, "%d citizen(s) anonymised (tickets resolved before %s); %d file(s) removed.\n", n, before.Format(time.DateOnly), removed)
	return err
}

// removeMedia deletes the files among refs that lie inside dataDir; other
// references (platform file ids) name nothing on disk.
func removeMedia(dataDir string, refs []string) (int, error) {
	root, err := filepath.Abs(dataDir)
	if err != nil {
		return 0, err
	}
	removed := 0
	var errs []error
	for _, ref := range refs {
		path, err := filepath.Abs(ref)
		if err != nil || !strings.HasPrefix(path, root+string(filepath.Separator)) {
			continue
		}
		switch err := os.Remove(path); {
		case err == nil:
			removed++
		case !errors.Is(err, os.ErrNotExist):
			errs = append(errs, err)
		}
	}
	return removed, errors.Join(errs...)
}
