package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/pemkab-kebumen/sigap/bot/whatsapp"
	"github.com/pemkab-kebumen/sigap/storage"
)

func init() {
	register(command{
		name:    "whatsapp",
		summary: "link, check or unlink the regency's WhatsApp number",
		run:     runWhatsApp,
	})
}

// wib is the regency's time zone for the times the operator reads: UTC+7
// all year, as Indonesia keeps no daylight saving.
var wib = time.FixedZone("WIB", 7*60*60)

func whatsappUsage(w io.Writer) {
	fmt.Fprint(w, `usage: sigap whatsapp <link|status|unlink> [flags]

  link     link the number: scan the QR code, or with --phone type a pairing code
  status   say whether the number is linked and when Sigap last connected
  unlink   log Sigap's device out of the number

Run 'sigap whatsapp <subcommand> -h' for its flags.
`)
}

// whatsappConfig is the configuration of the sigap whatsapp subcommands.
type whatsappConfig struct {
	DB      string
	Timeout time.Duration
	Verbose bool
	Phone   string // link only
}

// whatsappFlags binds a whatsapp subcommand's flags (link has more) to a
// configuration with its defaults.
func whatsappFlags(fs *flagSet, link bool) *whatsappConfig {
	c := &whatsappConfig{DB: defaultDB, Timeout: whatsapp.DefaultConnectTimeout}
	c.flags(fs, link)
	return c
}

func (c *whatsappConfig) flags(fs *flagSet, link bool) {
	fs.dbVar(&c.DB)
	fs.durationVar(&c.Timeout, "timeout", "SIGAP_WHATSAPP_TIMEOUT", "give up reaching WhatsApp after this long")
	fs.boolVar(&c.Verbose, "v", "SIGAP_WHATSAPP_VERBOSE", "log the WhatsApp client's warnings to stderr")
	if link {
		fs.stringVar(&c.Phone, "phone", "SIGAP_WHATSAPP_PHONE", "link with a pairing code typed on the phone with this number (international digits, e.g. 6281234567890) instead of a QR code")
	}
}

func runWhatsApp(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		whatsappUsage(env.Stderr)
		return flag.ErrHelp
	}
	if len(args) == 0 {
		whatsappUsage(env.Stderr)
		return errUsage
	}
	sub, args := args[0], args[1:]
	if sub != "link" && sub != "status" && sub != "unlink" {
		fmt.Fprintf(env.Stderr, "sigap whatsapp: unknown subcommand %q\n\n", sub)
		whatsappUsage(env.Stderr)
		return errUsage
	}
	fs := newFlagSet(env, "whatsapp "+sub)
	c := whatsappFlags(fs, sub == "link")
	if err := fs.parseFlags(args); err != nil {
		return err
	}
	// Only linking may start a new database; status and unlink on a
	// mistyped --db would otherwise report on an empty one.
	var store *storage.DB
	var err error
	if sub == "link" {
		store, err = openStore(ctx, c.DB)
	} else {
		store, err = openExistingStore(ctx, c.DB, dbFlag)
	}
	if err != nil {
		return err
	}
	defer store.Close()
	// whatsmeow's own logging would bury the one line the operator needs.
	logger := slog.New(slog.DiscardHandler)
	if c.Verbose {
		logger = slog.New(slog.NewTextHandler(env.Stderr, nil))
	}
	session, dialect := store.SharedSQL()
	wa, err := whatsapp.New(ctx, whatsapp.Config{Store: store, SessionDB: session, SessionDialect: dialect,
		Logger: logger, ConnectTimeout: c.Timeout})
	if err != nil {
		return err
	}
	defer wa.Stop()
	switch sub {
	case "link":
		return whatsappLink(ctx, env, wa, c.Phone)
	case "status":
		return whatsappStatus(ctx, env, wa)
	}
	if err := wa.Unlink(ctx); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "WhatsApp unlinked: Sigap's device is removed from the phone's Linked devices.")
	return nil
}

func whatsappLink(ctx context.Context, env *Env, wa *whatsapp.Adapter, phone string) error {
	show := func(code string) {
		qr, err := whatsapp.TerminalQR(code)
		if err != nil {
			fmt.Fprintln(env.Stderr, err)
			return
		}
		fmt.Fprintln(env.Stdout, "On the service number's phone, open WhatsApp > Linked devices (Perangkat tertaut) > Link a device (Tautkan perangkat), and scan this QR code.")
		fmt.Fprintln(env.Stdout, "The code changes about every 20 seconds; scan the newest.")
		fmt.Fprint(env.Stdout, "\n"+qr+"\n")
	}
	if phone != "" {
		show = func(code string) {
			if len(code) == 8 {
				code = code[:4] + "-" + code[4:]
			}
			fmt.Fprintf(env.Stdout, "On the phone of %s, open WhatsApp > Linked devices (Perangkat tertaut) > Link a device >\n"+
				"Link with phone number instead (Tautkan dengan nomor telepon saja), and type this code:\n\n    %s\n\n", phone, code)
		}
	}
	if err := wa.Link(ctx, phone, show); err != nil {
		return err
	}
	_, jid, _, err := wa.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "WhatsApp linked (%s). Run 'sigap serve --whatsapp' to start serving citizens.\n", jid)
	return nil
}

func whatsappStatus(ctx context.Context, env *Env, wa *whatsapp.Adapter) error {
	linked, jid, last, err := wa.Status(ctx)
	if err != nil {
		return err
	}
	if !linked {
		fmt.Fprintln(env.Stdout, "WhatsApp is not linked. Link it with: sigap whatsapp link")
	} else {
		fmt.Fprintf(env.Stdout, "WhatsApp linked: %s\n", jid)
	}
	if last.IsZero() {
		fmt.Fprintln(env.Stdout, "Last connected: never")
	} else {
		fmt.Fprintf(env.Stdout, "Last connected: %s\n", last.In(wib).Format("2006-01-02 15:04 MST"))
	}
	return nil
}
