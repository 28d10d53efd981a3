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
	"time"

	"github.com/pemkab-kebumen/sigap"
	"github.com/pemkab-kebumen/sigap/web"
)

func init() {
	register(command{name: "staff", summary: "manage dashboard accounts: add, list, disable, passwd", run: runStaff})
}

const staffUsage = `usage:
  sigap staff add --db PATH [--kb FILE] --username U --name "Nama" --role agent|supervisor|admin [--opd CODE]   (password: first line of stdin)
  sigap staff list [--db PATH]
  sigap staff disable [--db PATH] USERNAME
  sigap staff passwd [--db PATH] USERNAME   (new password: first line of stdin)`

func runStaff(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, staffUsage)
		return errUsage
	}
	switch args[0] {
	case "add":
		return staffAdd(ctx, env, args[1:])
	case "list":
		return staffList(ctx, env, args[1:])
	case "disable":
		return staffChange(ctx, env, "disable", args[1:])
	case "passwd":
		return staffChange(ctx, env, "passwd", args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(env.Stderr, staffUsage)
		return flag.ErrHelp
	}
	fmt.Fprintf(env.Stderr, "sigap staff: unknown subcommand %q\n%s\n", args[0], staffUsage)
	return errUsage
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

func staffAdd(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "staff add")
	db, kbPath := dbFlag(fs, env), kbFlag(fs, env)
	username := fs.String("username", "", "login `name` (lowercase letters, digits, . _ -)")
	name := fs.String("name", "", "full `name` shown in the dashboard")
	role := fs.String("role", "", "`role`: agent, supervisor or admin")
	opd := fs.String("opd", "", "OPD `code` (required for agents)")
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q (give the username with --username)", pos[0])
	}
	if *username == "" || *role == "" {
		return fmt.Errorf("--username and --role are required")
	}
	k, err := loadKB(*kbPath)
	if err != nil {
		return err
	}
	pw, err := readPassword(env.Stdin)
	if err != nil {
		return err
	}
	s, err := web.NewStaff(k, *username, *name, sigap.Role(*role), *opd, pw)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	now := time.Now()
	s.CreatedAt = now
	err = store.Update(ctx, func(tx sigap.Tx) error {
		if err := tx.CreateStaff(ctx, s); err != nil {
			return err
		}
		return tx.AddAudit(ctx, &sigap.AuditEntry{At: now, Actor: "cli", Action: "staff_add", Detail: s.Username + " (" + string(s.Role) + ")"})
	})
	if err != nil {
		return fmt.Errorf("add %s: %w", s.Username, err)
	}
	fmt.Fprintf(env.Stdout, "added %s (%s%s)\n", s.Username, s.Role, strings.TrimSuffix(", "+s.OPD, ", "))
	return nil
}

func staffList(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "staff list")
	db := dbFlag(fs, env)
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q", pos[0])
	}
	store, err := openExistingStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	var list []sigap.Staff
	err = store.View(ctx, func(tx sigap.Tx) error {
		list, err = tx.ListStaff(ctx)
		return err
	})
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

// staffChange disables an account or sets its password.
func staffChange(ctx context.Context, env *Env, action string, args []string) error {
	fs := newFlagSet(env, "staff "+action)
	db := dbFlag(fs, env)
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("want exactly one USERNAME, got %d arguments", len(pos))
	}
	username := pos[0]
	var hash string
	if action == "passwd" {
		pw, err := readPassword(env.Stdin)
		if err != nil {
			return err
		}
		if hash, err = web.HashPassword(pw); err != nil {
			return err
		}
	}
	store, err := openExistingStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	err = store.Update(ctx, func(tx sigap.Tx) error {
		s, err := tx.StaffByUsername(ctx, username)
		if err != nil {
			return err
		}
		if action == "passwd" {
			s.PasswordHash = hash
		} else {
			s.Disabled = true
		}
		if err := tx.UpdateStaff(ctx, s); err != nil {
			return err
		}
		return tx.AddAudit(ctx, &sigap.AuditEntry{At: time.Now(), Actor: "cli", Action: "staff_" + action, Detail: s.Username})
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, username, err)
	}
	if action == "passwd" {
		fmt.Fprintf(env.Stdout, "password of %s changed\n", username)
	} else {
		fmt.Fprintf(env.Stdout, "disabled %s\n", username)
	}
	return nil
}
