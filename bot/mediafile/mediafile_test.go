package mediafile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSave(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	ref, err := Save(dir, "telegram", at, "AgAC/../x:y", ".jpg", strings.NewReader("jpeg bytes"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if want := "media/telegram/2026-03/AgACxy.jpg"; ref != want {
		t.Errorf("reference %q, want %q: relative to the data folder, and a network id must not leave its folder", ref, want)
	}
	path := filepath.Join(dir, "media", "telegram", "2026-03", "AgACxy.jpg")
	if b, _ := os.ReadFile(path); string(b) != "jpeg bytes" {
		t.Errorf("content %q", b)
	}
	// A redelivery overwrites its own file.
	if _, err := Save(dir, "telegram", at, "AgAC/../x:y", ".jpg", strings.NewReader("again"), 100); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "again" {
		t.Errorf("after a redelivery: %q", b)
	}
	// Too large: refused, and nothing left behind.
	_, err = Save(dir, "telegram", at, "big", ".jpg", strings.NewReader(strings.Repeat("x", 101)), 100)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file over the limit: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "media", "telegram", "2026-03"))
	if len(entries) != 1 {
		t.Errorf("files left: %v, want only the first photo", entries)
	}
	if safeName("../..") != "file" {
		t.Errorf("safeName of dots = %q", safeName("../.."))
	}
}
