package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/pemkab-kebumen/sigap"
)

// sigapRun runs a subcommand in-process and returns its exit status and
// output.
func sigapRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	return run(context.Background(), env, args), out.String(), errOut.String()
}

func TestStaffCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sigap.db")
	tests := []struct {
		name   string
		stdin  string
		args   []string
		status int
		outHas string
		errHas string
	}{
		{"add to a database that does not exist", "rahasia-123\n", []string{"staff", "add", "--db", db, "--username", "sari", "--name", "Sari Dewi", "--role", "agent", "--opd", "DISDUKCAPIL"}, 1, "", "--create"},
		{"add agent, creating the database", "rahasia-123\n", []string{"staff", "add", "--db", db, "--create", "--username", "sari", "--name", "Sari Dewi", "--role", "agent", "--opd", "DISDUKCAPIL"}, 0, "added sari", ""},
		{"add supervisor, no newline", "rahasia-456", []string{"staff", "add", "--db", db, "--username", "kepala", "--name", "Kepala Dinas", "--role", "supervisor"}, 0, "added kepala", ""},
		{"duplicate", "rahasia-123\n", []string{"staff", "add", "--db", db, "--username", "sari", "--name", "Sari", "--role", "agent", "--opd", "DINKES"}, 1, "", "already used"},
		{"agent without OPD", "rahasia-123\n", []string{"staff", "add", "--db", db, "--username", "ani", "--name", "Ani", "--role", "agent"}, 1, "", "OPD"},
		{"unknown OPD", "rahasia-123\n", []string{"staff", "add", "--db", db, "--username", "ani", "--name", "Ani", "--role", "agent", "--opd", "NOPE"}, 1, "", `"NOPE"`},
		{"bad role", "rahasia-123\n", []string{"staff", "add", "--db", db, "--username", "ani", "--name", "Ani", "--role", "raja"}, 1, "", `"raja"`},
		{"no password", "", []string{"staff", "add", "--db", db, "--username", "ani", "--name", "Ani", "--role", "admin"}, 1, "", "no password"},
		{"short password", "pendek\n", []string{"staff", "add", "--db", db, "--username", "ani", "--name", "Ani", "--role", "admin"}, 1, "", "minimal 8"},
		{"missing username", "rahasia-123\n", []string{"staff", "add", "--db", db, "--role", "admin"}, 1, "", "--username"},
		{"list", "", []string{"staff", "list", "--db", db}, 0, "sari", ""},
		{"disable, flags after the name", "", []string{"staff", "disable", "sari", "--db", db}, 0, "disabled sari", ""},
		{"disable unknown", "", []string{"staff", "disable", "--db", db, "siapa"}, 1, "", "not found"},
		{"passwd", "kata-sandi-baru\n", []string{"staff", "passwd", "--db", db, "kepala"}, 0, "password of kepala changed", ""},
		{"add the officer to rotate", "rahasia-789\n", []string{"staff", "add", "--db", db, "--username", "budi", "--name", "Budi", "--role", "agent", "--opd", "DINKES"}, 0, "added budi", ""},
		{"rotate to another OPD", "", []string{"staff", "role", "--db", db, "--role", "agent", "--opd", "dpupr", "budi"}, 0, "budi is now agent, DPUPR", ""},
		{"make supervisor", "", []string{"staff", "role", "--db", db, "--role", "supervisor", "budi"}, 0, "budi is now supervisor", ""},
		{"role unchanged", "", []string{"staff", "role", "--db", db, "--role", "supervisor", "budi"}, 1, "", "tidak berubah"},
		{"role without --role", "", []string{"staff", "role", "--db", db, "budi"}, 1, "", "--role"},
		{"agent role without OPD", "", []string{"staff", "role", "--db", db, "--role", "agent", "budi"}, 1, "", "OPD"},
		{"disable and enable again", "", []string{"staff", "disable", "--db", db, "budi"}, 0, "disabled budi", ""},
		{"enable", "", []string{"staff", "enable", "--db", db, "budi"}, 0, "enabled budi", ""},
		{"passwd without a name", "x\n", []string{"staff", "passwd", "--db", db}, 1, "", "USERNAME"},
		{"unknown subcommand", "", []string{"staff", "fire", "sari"}, 2, "", "unknown subcommand"},
		{"list a mistyped --db", "", []string{"staff", "list", "--db", db + "x"}, 1, "", "does not exist"},
		{"disable on a mistyped --db", "", []string{"staff", "disable", "--db", db + "x", "sari"}, 1, "", "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out, errOut := sigapRun(t, tt.stdin, tt.args...)
			if status != tt.status || !strings.Contains(out, tt.outHas) || !strings.Contains(errOut, tt.errHas) {
				t.Fatalf("status %d, stdout %q, stderr %q; want %d, %q, %q", status, out, errOut, tt.status, tt.outHas, tt.errHas)
			}
		})
	}
	_, out, _ := sigapRun(t, "", "staff", "list", "--db", db)
	rows := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		f := strings.Fields(line)
		rows[f[0]] = strings.Join(f[1:], " ")
	}
	if rows["sari"] != "Sari Dewi agent DISDUKCAPIL disabled" || rows["kepala"] != "Kepala Dinas supervisor active" ||
		rows["budi"] != "Budi supervisor active" {
		t.Errorf("list:\n%s", out)
	}

	// passwd stored a hash of the new password.
	ctx := context.Background()
	store, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var hash string
	err = store.View(ctx, func(tx sigap.Tx) error {
		s, err := tx.StaffByUsername(ctx, "kepala")
		if s != nil {
			hash = s.PasswordHash
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte("kata-sandi-baru")) != nil {
		t.Error("the new password does not match the stored hash")
	}
}
