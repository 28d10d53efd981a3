package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMissingDatabaseIsNotCreated(t *testing.T) {
	tests := []struct {
		name string
		args []string
		flag string // the database's flag
		env  string // and its variable; the message names both
	}{
		{"report", []string{"report", "--from", "2024-04-01", "--to", "2024-05-01"}, "--db", "SIGAP_DB"},
		{"anonymize", []string{"anonymize"}, "--db", "SIGAP_DB"},
		{"triage", []string{"triage", "halo"}, "--db", "SIGAP_TRIAGE_DB"},
		{"migrate-db", []string{"migrate-db", "--to", "postgres://sigap@127.0.0.1:1/sigap"}, "--from", "SIGAP_MIGRATE_FROM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "typo.db")
			status, _, stderr := runInProcess(t, append(tt.args, tt.flag, db)...)
			if want := "database " + db + " does not exist"; status != 1 || !strings.Contains(stderr, want) {
				t.Errorf("status %d, stderr %q; want 1 and %q", status, stderr, want)
			}
			if want := "check " + tt.flag + " or " + tt.env; !strings.Contains(stderr, want) {
				t.Errorf("stderr %q does not name where the path came from, %q", stderr, want)
			}
			if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s was created (stat: %v)", db, err)
			}
		})
	}
}

// runWithEnv runs the command line in-process with the given environment.
func runWithEnv(t *testing.T, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return environ[k] }}
	return run(context.Background(), env, args), out.String(), errOut.String()
}

// TestHelpAndTyposShowNoSecret: the environment's secrets never reach the
// terminal (or systemd's journal) through -h or a mistyped flag; the help
// names each variable instead.
func TestHelpAndTyposShowNoSecret(t *testing.T) {
	secrets := map[string]string{
		"SIGAP_TELEGRAM_TOKEN":          "123456789:AAsecret-bot-token",
		"SIGAP_TELEGRAM_WEBHOOK_SECRET": "webhook-secret-0123456789",
		"SIGAP_META_APP_SECRET":         "meta-app-secret-0123456789",
		"SIGAP_META_VERIFY_TOKEN":       "meta-verify-token-0123456789",
		"SIGAP_META_PAGES":              "1001=EAAB-page-access-token",
		"SIGAP_METRICS_TOKEN":           "metrics-secret-0123456789",
	}
	for _, tt := range []struct {
		args   []string
		status int
	}{
		{[]string{"serve", "-h"}, 0},
		{[]string{"serve", "--help"}, 0},
		{[]string{"serve", "--typo"}, 2},
	} {
		status, out, errOut := runWithEnv(t, secrets, tt.args...)
		if status != tt.status {
			t.Errorf("%v: status %d, want %d", tt.args, status, tt.status)
		}
		for name, secret := range secrets {
			if strings.Contains(out+errOut, secret) {
				t.Errorf("%v prints the value of %s:\n%s", tt.args, name, errOut)
			}
			if !strings.Contains(errOut, name) {
				t.Errorf("%v does not name %s:\n%s", tt.args, name, errOut)
			}
		}
	}
}

// TestHelpExitsZeroEverywhere: asking for help is not a mistake, on any
// command; a mistake is 2.
func TestHelpExitsZeroEverywhere(t *testing.T) {
	for _, args := range [][]string{
		{"-h"}, {"serve", "-h"}, {"triage", "-h"}, {"replay", "-h"}, {"report", "-h"}, {"anonymize", "-h"},
		{"staff", "-h"}, {"staff", "add", "-h"}, {"staff", "list", "-h"}, {"whatsapp", "-h"}, {"whatsapp", "status", "-h"},
	} {
		if status, _, errOut := runWithEnv(t, nil, args...); status != 0 || errOut == "" {
			t.Errorf("%v: status %d, help %q; want 0 and the help", args, status, errOut)
		}
	}
	for _, args := range [][]string{{}, {"nonsense"}, {"staff"}, {"whatsapp"}, {"report", "--bogus"}} {
		if status, _, _ := runWithEnv(t, nil, args...); status != 2 {
			t.Errorf("%v: status %d, want 2", args, status)
		}
	}
}

// TestConfigPrecedence: a value comes from the default, then the
// environment, then the flag.
func TestConfigPrecedence(t *testing.T) {
	parse := func(environ map[string]string, args ...string) (Config, error) {
		c := DefaultConfig()
		fs := newFlagSet(&Env{Stderr: io.Discard, Getenv: func(k string) string { return environ[k] }}, "serve")
		c.flags(fs)
		_, err := fs.parse(args)
		return c, err
	}
	c, err := parse(nil)
	if err != nil || c.HTTP != "127.0.0.1:8080" || c.WhatsApp.PerMinute != 20 || c.SLAWarnAt != 0.75 {
		t.Errorf("defaults: %+v, %v", c, err)
	}
	env := map[string]string{"SIGAP_HTTP": "0.0.0.0:9000", "SIGAP_WHATSAPP": "1", "SIGAP_SLA_WARN_AT": "0.5", "SIGAP_WHATSAPP_CHAT_GAP": "5s"}
	c, err = parse(env)
	if err != nil || c.HTTP != "0.0.0.0:9000" || !c.WhatsApp.Enabled || c.SLAWarnAt != 0.5 || c.WhatsApp.ChatGap != 5*time.Second {
		t.Errorf("environment: %+v, %v", c, err)
	}
	c, err = parse(env, "--http", "127.0.0.1:7000", "--sla-warn-at", "0.9")
	if err != nil || c.HTTP != "127.0.0.1:7000" || c.SLAWarnAt != 0.9 || !c.WhatsApp.Enabled {
		t.Errorf("flags over the environment: %+v, %v", c, err)
	}
	_, err = parse(map[string]string{"SIGAP_WHATSAPP_PER_MINUTE": "many"})
	if err == nil || !strings.Contains(err.Error(), "SIGAP_WHATSAPP_PER_MINUTE") || strings.Contains(err.Error(), "many") {
		t.Errorf("a bad environment value: %v; want an error naming the variable, not repeating the value", err)
	}
}

// TestServeRefusesADataFolderHoldingTheDatabase: a --data folder that
// holds the database, or is above it, would hand the database to whatever
// serves or copies the folder; serve refuses it before touching anything.
func TestServeRefusesADataFolderHoldingTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db", "sigap.db")
	os.MkdirAll(filepath.Dir(db), 0o755)
	alias := filepath.Join(dir, "alias")
	os.Symlink(filepath.Join(dir, "db"), alias)
	for _, data := range []string{filepath.Join(dir, "db"), dir, alias, filepath.Join(dir, "db") + "/."} {
		status, _, stderr := runWithEnv(t, nil, "serve", "--db", db, "--data", data, "--http", "127.0.0.1:0")
		if status != 1 || !strings.Contains(stderr, "holds the database") {
			t.Errorf("--data %s with --db %s: status %d, %q; want 1 and a refusal", data, db, status, stderr)
		}
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused start created %s", db)
	}
	if err := checkDataDir(filepath.Join(dir, "data"), db); err != nil {
		t.Errorf("a data folder beside the database's: %v", err)
	}
}

// TestServeRefusesBadSecuritySettings: each mistake is named.
func TestServeRefusesBadSecuritySettings(t *testing.T) {
	for _, tt := range []struct {
		args []string
		says string
	}{
		{[]string{"--trusted-proxy", "10.0.0.0/8,proxy.local"}, `--trusted-proxy "proxy.local"`},
		{[]string{"--metrics-token", "short"}, "--metrics-token"},
		{[]string{"--chat-new-per-minute", "0"}, "--chat-new-per-minute"},
	} {
		args := append([]string{"serve", "--db", filepath.Join(t.TempDir(), "s.db"), "--http", "127.0.0.1:0"}, tt.args...)
		if status, _, stderr := runWithEnv(t, nil, args...); status != 1 || !strings.Contains(stderr, tt.says) {
			t.Errorf("%v: status %d, %q; want 1 naming %s", tt.args, status, stderr, tt.says)
		}
	}
	c := DefaultConfig()
	c.TrustedProxy = "10.0.0.1, 192.168.0.0/16, ::1"
	got, err := c.trustedProxies()
	if err != nil || len(got) != 3 || got[0].String() != "10.0.0.1/32" || got[2].String() != "::1/128" {
		t.Errorf("trusted proxies %v, %v", got, err)
	}
}

// TestReplayNeedsItsOwnDatabase: replay never falls back to the service's
// database, where it would mix simulated tickets with real ones.
func TestReplayNeedsItsOwnDatabase(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	events := writeLines(t, []string{`{"at":"2024-04-03T09:00:00+07:00","type":"message","from":"tg:1","text":"halo"}`})
	status, _, stderr := runWithEnv(t, map[string]string{"SIGAP_DB": filepath.Join(dir, "sigap.db")}, "replay", events)
	if status != 2 || !strings.Contains(stderr, "--db is required") {
		t.Errorf("status %d, stderr %q; want 2 and that --db is required", status, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "sigap.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("replay created the service's database (stat: %v)", err)
	}
}

// TestMetaConfigIsAllOrNothing: the Meta channel needs its secret, verify
// token and accounts together, refuses an account list it cannot read,
// and never repeats a token in the error.
func TestMetaConfigIsAllOrNothing(t *testing.T) {
	for name, tt := range map[string]struct {
		secret, verify, pages, opds string
		ok                          bool
	}{
		"off":                   {ok: true},
		"on":                    {secret: "s", verify: "v", pages: "1001=EAAB-token", opds: "1001=DINKES", ok: true},
		"no secret":             {verify: "v", pages: "1001=EAAB-token"},
		"no pages":              {secret: "s", verify: "v"},
		"OPDs without accounts": {opds: "1001=DINKES"},
		"a token with a space":  {secret: "s", verify: "v", pages: "1001=EAAB token"},
		"an id not in digits":   {secret: "s", verify: "v", pages: "pemkab=EAAB-token"},
	} {
		c := DefaultConfig()
		c.Meta.AppSecret, c.Meta.VerifyToken, c.Meta.Pages, c.Meta.OPDs = tt.secret, tt.verify, tt.pages, tt.opds
		err := c.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", name, err, tt.ok)
		}
		if err != nil && strings.Contains(err.Error(), "EAAB") {
			t.Errorf("%s: the error repeats the token: %v", name, err)
		}
	}
}
