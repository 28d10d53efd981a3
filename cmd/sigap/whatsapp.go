package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/pemkab-kebumen/sigap/bot/whatsapp"
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

func runWhatsApp(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
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
	db := dbFlag(fs, env)
	timeout := fs.Duration("timeout", whatsapp.DefaultConnectTimeout, "give up reaching WhatsApp after this long")
	verbose := fs.Bool("v", false, "log the WhatsApp client's warnings to stderr")
	var phone *string
	if sub == "link" {
		phone = fs.String("phone", "", "link with a pairing code typed on the phone with this number (international digits, e.g. 6281234567890) instead of a QR code")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "sigap whatsapp %s: unexpected argument %q\n", sub, fs.Arg(0))
		return errUsage
	}

	// Only linking may start a new database; status and unlink on a
	// mistyped --db would otherwise report on an empty one.
	open := openExistingStore
	if sub == "link" {
		open = openStore
	}
	store, err := open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	// whatsmeow's own logging would bury the one line the operator needs.
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(env.Stderr, nil))
	}
	wa, err := whatsapp.New(ctx, whatsapp.Config{DB: store.SQL(), Logger: logger, ConnectTimeout: *timeout})
	if err != nil {
		return err
	}
	defer wa.Stop()

	switch sub {
	case "link":
		return whatsappLink(ctx, env, wa, *phone)
	case "status":
		return whatsappStatus(ctx, env, wa)
	default:
		if err := wa.Unlink(ctx); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, "WhatsApp dilepas: perangkat Sigap sudah dihapus dari Perangkat tertaut.")
		return nil
	}
}

func whatsappLink(ctx context.Context, env *Env, wa *whatsapp.Adapter, phone string) error {
	show := func(code string) {
		qr, err := whatsapp.TerminalQR(code)
		if err != nil {
			fmt.Fprintln(env.Stderr, err)
			return
		}
		fmt.Fprintln(env.Stdout, "Di ponsel nomor layanan, buka WhatsApp > Perangkat tertaut > Tautkan perangkat, lalu pindai kode QR ini.")
		fmt.Fprintln(env.Stdout, "Kode berganti sekitar tiap 20 detik; pindai yang terbaru.")
		fmt.Fprint(env.Stdout, "\n"+qr+"\n")
	}
	if phone != "" {
		show = func(code string) {
			if len(code) == 8 {
				code = code[:4] + "-" + code[4:]
			}
			fmt.Fprintf(env.Stdout, "Di ponsel nomor %s, buka WhatsApp > Perangkat tertaut > Tautkan perangkat >\n"+
				"Tautkan dengan nomor telepon saja, lalu masukkan kode ini:\n\n    %s\n\n", phone, code)
		}
	}
	if err := wa.Link(ctx, phone, show); err != nil {
		return err
	}
	_, jid, _, err := wa.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "WhatsApp tertaut (%s). Jalankan 'sigap serve --whatsapp' untuk mulai melayani warga.\n", jid)
	return nil
}

func whatsappStatus(ctx context.Context, env *Env, wa *whatsapp.Adapter) error {
	linked, jid, last, err := wa.Status(ctx)
	if err != nil {
		return err
	}
	if !linked {
		fmt.Fprintln(env.Stdout, "WhatsApp belum tertaut. Tautkan dengan: sigap whatsapp link")
	} else {
		fmt.Fprintf(env.Stdout, "WhatsApp tertaut: %s\n", jid)
	}
	if last.IsZero() {
		fmt.Fprintln(env.Stdout, "Terakhir terhubung: belum pernah")
	} else {
		fmt.Fprintf(env.Stdout, "Terakhir terhubung: %s\n", last.In(wib).Format("2006-01-02 15:04 MST"))
	}
	return nil
}
