package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMissingDatabaseIsNotCreated(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"report", []string{"report", "--from", "2024-04-01", "--to", "2024-05-01"}},
		{"anonymize", []string{"anonymize"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "typo.db")
			status, _, stderr := runInProcess(t, append(tt.args, "--db", db)...)
			if want := "database " + db + " does not exist"; status != 1 || !strings.Contains(stderr, want) {
				t.Errorf("status %d, stderr %q; want 1 and %q", status, stderr, want)
			}
			if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s was created (stat: %v)", db, err)
			}
		})
	}
}
