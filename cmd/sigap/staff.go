package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/kb"
	"github.com/pemkab-kebumen/sigap/staff"
	"github.com/pemkab-kebumen/sigap/storage"
)

func init() {
	register(command{name: "staff", summary: "manage dashboard accounts: add, list, disable, enable, role, passwd", run: runStaff})
}

const staffUsage = `usage:
  sigap staff add --db PATH [--create] [--kb FILE] --username U --name "Nama" --role agent|supervisor|admin [--opd CODE]   (password: first line of stdin)
  sigap staff list [--db PATH]
  sigap staff disable [--db PATH] USERNAME
  sigap staff enable [--db PATH] USERNAME
  sigap staff role [--db PATH] [--kb FILE] --role agent|supervisor|admin [--opd CODE] USERNAME
  sigap staff passwd [--db PATH] USERNAME   (new password: first line of stdin)`

// staffConfig is the configuration of the sigap staff subcommands.
type staffConfig struct {
	DB, KB string
	// Create lets add start a new database; otherwise a mistyped --db is
	// refused instead of creating an empty one.
	Create  bool
	Account staff.NewAccount
}

// staffFlags binds a staff subcommand's flags (add has the most, role
// some) to a configuration with its defaults.
func staffFlags(fs *flagSet, sub string) *staffConfig {
	c := &staffConfig{DB: defaultDB}
	c.flags(fs, sub)
	return c
}

func (c *staffConfig) flags(fs *flagSet, sub string) {
	fs.dbVar(&c.DB)
	if sub != "add" && sub != "role" {
		return
	}
	fs.kbVar(&c.KB)
	if sub == "add" {
		fs.boolVar(&c.Create, "create", "SIGAP_STAFF_CREATE", "create the database when it does not exist")
		fs.stringVar(&c.Account.Username, "username", "SIGAP_STAFF_USERNAME", "login `name` (lowercase letters, digits, . _ -)")
		fs.stringVar(&c.Account.Name, "name", "SIGAP_STAFF_NAME", "full `name` shown in the dashboard")
	}
	fs.Func("role", withEnv("`role`: agent, supervisor or admin", "SIGAP_STAFF_ROLE"), func(v string) error {
		c.Account.Role = sigap.Role(v)
		return nil
	})
	fs.bind("role", "SIGAP_STAFF_ROLE")
	fs.stringVar(&c.Account.OPD, "opd", "SIGAP_STAFF_OPD", "OPD `code` (required for agents)")
}

func runStaff(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, staffUsage)
		return errUsage
	}
	sub := args[0]
	switch sub {
	case "add", "list", "disable", "enable", "role", "passwd":
	case "-h", "--help", "help":
		fmt.Fprintln(env.Stderr, staffUsage)
		return flag.ErrHelp
	default:
		fmt.Fprintf(env.Stderr, "sigap staff: unknown subcommand %q\n%s\n", sub, staffUsage)
		return errUsage
	}
	fs := newFlagSet(env, "staff "+sub)
	c := staffFlags(fs, sub)
	pos, err := fs.parse(args[1:])
	if err != nil {
		return err
	}
	switch sub {
	case "add":
		return staffAdd(ctx, env, *c, pos)
	case "list":
		return staffList(ctx, env, *c, pos)
	case "role":
		return staffRole(ctx, env, *c, pos)
	}
	return staffChange(ctx, env, *c, sub, pos)
}

// readPassword reads the first line of stdin, so a password never appears
// in the process list or the shell history.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fmt.Errorf("no password: write it as the first line of stdin, e.g. echo 'rahasia123' | sigap staff ...")
	}
	return pw, nil
}

// accounts opens the database and the staff accounts on the KB in force
// for it.
func accounts(ctx context.Context, c staffConfig, create bool) (*staff.Accounts, *storage.DB, error) {
	if !create {
		if err := mustExist(c.DB, dbFlag); err != nil {
			return nil, nil, fmt.Errorf("%w; give --create to start a new one", err)
		}
	}
	file, err := kbFile(c.KB)
	if err != nil {
		return nil, nil, err
	}
	db, err := openStore(ctx, c.DB)
	if err != nil {
		return nil, nil, err
	}
	k, _, err := kb.InForce(ctx, db, file)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return staff.New(staff.Config{Store: db, KB: func() *sigap.KB { return k }}), db, nil
}

func staffAdd(ctx context.Context, env *Env, c staffConfig, pos []string) error {
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q (give the username with --username)", pos[0])
	}
	if c.Account.Username == "" || c.Account.Role == "" {
		return fmt.Errorf("--username and --role are required")
	}
	pw, err := readPassword(env.Stdin)
	if err != nil {
		return err
	}
	c.Account.Password = pw
	a, db, err := accounts(ctx, c, c.Create)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := a.Add(ctx, sigap.ActorCLI, c.Account)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "added %s (%s%s)\n", s.Username, s.Role, strings.TrimSuffix(", "+s.OPD, ", "))
	return nil
}

func staffList(ctx context.Context, env *Env, c staffConfig, pos []string) error {
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q", pos[0])
	}
	a, db, err := accounts(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := a.List(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "USERNAME\tNAME\tROLE\tOPD\tSTATUS")
	for _, s := range list {
		status := "active"
		if s.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", s.Username, s.Name, s.Role, s.OPD, status)
	}
	return w.Flush()
}

// staffRole changes an account's role and OPD, as officers are rotated.
func staffRole(ctx context.Context, env *Env, c staffConfig, pos []string) error {
	if len(pos) != 1 {
		return fmt.Errorf("want exactly one USERNAME, got %d arguments", len(pos))
	}
	if c.Account.Role == "" {
		return fmt.Errorf("--role is required")
	}
	a, db, err := accounts(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := a.SetRole(ctx, sigap.ActorCLI, pos[0], c.Account.Role, c.Account.OPD); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s is now %s%s\n", pos[0], c.Account.Role, strings.TrimSuffix(", "+strings.ToUpper(c.Account.OPD), ", "))
	return nil
}

// staffChange disables or enables an account or sets its password.
func staffChange(ctx context.Context, env *Env, c staffConfig, sub string, pos []string) error {
	if len(pos) != 1 {
		return fmt.Errorf("want exactly one USERNAME, got %d arguments", len(pos))
	}
	username := pos[0]
	var pw string
	if sub == "passwd" {
		var err error
		if pw, err = readPassword(env.Stdin); err != nil {
			return err
		}
	}
	a, db, err := accounts(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "passwd" {
		if err := a.SetPassword(ctx, sigap.ActorCLI, username, pw); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "password of %s changed\n", username)
		return nil
	}
	if sub == "enable" {
		if err := a.Enable(ctx, sigap.ActorCLI, username); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "enabled %s\n", username)
		return nil
	}
	if err := a.Disable(ctx, sigap.ActorCLI, username); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "disabled %s\n", username)
	return nil
}
