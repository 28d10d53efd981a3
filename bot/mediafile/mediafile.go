// Package mediafile stores the photos citizens send, so that staff see
// them on the ticket page: under the data folder, one folder per channel
// and month (no folder grows without bound), each file written atomically.
package mediafile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrTooLarge is returned for a file over the size limit.
var ErrTooLarge = errors.New("file too large")

// Save writes what r holds, at most max bytes, to
// dataDir/<channel>/<year-month>/<id><ext> and returns that path. The file
// is written under a temporary name and renamed, so a crash never leaves
// half a photo behind a valid name; a redelivered message overwrites its
// own file.
func Save(dataDir, channel string, at time.Time, id, ext string, r io.Reader, max int64) (string, error) {
	path := filepath.Join(dataDir, channel, at.Format("2006-01"), safeName(id)+ext)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", fmt.Errorf("save %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".download-*")
	if err != nil {
		return "", fmt.Errorf("save %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	n, err := io.Copy(tmp, io.LimitReader(r, max+1))
	if err == nil && n > max {
		err = fmt.Errorf("%w: over %d bytes", ErrTooLarge, max)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return "", fmt.Errorf("save %s: %w", path, err)
	}
	return path, nil
}

// safeName keeps the characters of a platform's file or message id that
// are safe in a file name: the id comes from the network.
func safeName(id string) string {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, id)
	if name == "" {
		return "file"
	}
	return name
}
