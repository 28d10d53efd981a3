package main

import (
	"bufio"
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// commandFlags are each command's flags, the subcommands' together.
func commandFlags() map[string]*flagSet {
	env := &Env{Stderr: io.Discard, Getenv: func(string) string { return "" }}
	sets := map[string]*flagSet{}
	add := func(name string, bind func(*flagSet)) {
		fs := newFlagSet(env, name)
		bind(fs)
		sets[name] = fs
	}
	add("serve", func(fs *flagSet) { c := DefaultConfig(); c.flags(fs) })
	add("triage", func(fs *flagSet) { triageFlags(fs) })
	add("replay", func(fs *flagSet) { replayFlags(fs) })
	add("report", func(fs *flagSet) { reportFlags(fs) })
	add("staff", func(fs *flagSet) { staffFlags(fs, "add") })
	add("whatsapp", func(fs *flagSet) { whatsappFlags(fs, true) })
	add("anonymize", func(fs *flagSet) { anonymizeFlags(fs) })
	add("migrate-db", func(fs *flagSet) { migrateDBFlags(fs) })
	add("backup", func(fs *flagSet) { backupFlags(fs, false) })
	add("restore", func(fs *flagSet) { backupFlags(fs, true) })
	return sets
}

var (
	readmeHeading = regexp.MustCompile("^###? .*`sigap ([a-z-]+)`")
	readmeRow     = regexp.MustCompile("^\\| `-{1,2}([a-z-]+)` \\| `(SIGAP_[A-Z_]+)(=1)?` \\|([^|]*)\\|")
)

// TestREADMEFlagTablesMatchTheFlags: every flag of every command has its
// SIGAP_* variable, and README's table for the command lists exactly its
// flags, with the same variable and, where the table gives one in
// backticks, the same default.
func TestREADMEFlagTablesMatchTheFlags(t *testing.T) {
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type row struct{ env, def string }
	tables := map[string]map[string]row{}
	current := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := readmeHeading.FindStringSubmatch(line); m != nil {
			current = m[1]
		} else if strings.HasPrefix(line, "#") {
			current = ""
		}
		if m := readmeRow.FindStringSubmatch(line); m != nil && current != "" {
			if tables[current] == nil {
				tables[current] = map[string]row{}
			}
			tables[current][m[1]] = row{env: m[2], def: strings.TrimSpace(m[4])}
		}
	}
	for name, fs := range commandFlags() {
		table := tables[name]
		if table == nil {
			t.Errorf("README has no flag table under a heading naming `sigap %s`", name)
			continue
		}
		fs.VisitAll(func(fl *flag.Flag) {
			env, ok := fs.env[fl.Name]
			r, listed := table[fl.Name]
			switch {
			case !ok:
				t.Errorf("sigap %s --%s has no environment variable", name, fl.Name)
			case !listed:
				t.Errorf("README's table of sigap %s lacks --%s", name, fl.Name)
			case r.env != env:
				t.Errorf("README gives sigap %s --%s the variable %s; the code reads %s", name, fl.Name, r.env, env)
			case strings.HasPrefix(r.def, "`") && r.def != "`"+fl.DefValue+"`":
				t.Errorf("README gives sigap %s --%s the default %s; the code has %q", name, fl.Name, r.def, fl.DefValue)
			}
			delete(table, fl.Name)
		})
		for extra := range table {
			t.Errorf("README's table of sigap %s lists --%s, which the command does not have", name, extra)
		}
	}
}
