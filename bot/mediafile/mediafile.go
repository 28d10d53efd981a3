// Package mediafile stores the photos citizens send, so that staff see
// them on the ticket page: in the media folder of Sigap's data folder, one
// folder per channel and month (no folder grows without bound), each file
// written atomically.
package mediafile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// ErrTooLarge is returned for a file over the size limit.
var ErrTooLarge = errors.New("file too large")

// Folder is the media folder's name inside the data folder.
const Folder = "media"

// Save writes what r holds, at most max bytes, to
// dataDir/media/<channel>/<year-month>/<id><ext> and returns its reference:
// that path relative to dataDir, with slashes, as messages store it. A
// reference relative to the data folder means the same file to every
// command given the same --data, whatever its working directory. The file
// is written under a temporary name and renamed, so a crash never leaves
// half a photo behind a valid name; a redelivered message overwrites its
// own file.
func Save(dataDir, channel string, at time.Time, id, ext string, r io.Reader, max int64) (ref string, err error) {
	ref = path.Join(Folder, channel, at.Format("2006-01"), safeName(id)+ext)
	if err := write(filepath.Join(dataDir, filepath.FromSlash(ref)), r, max); err != nil {
		return "", err
	}
	return ref, nil
}

// Path is the file a media reference names: the reference taken relative
// to the data folder, as Save makes them, or as it is when absolute. It is
// how an adapter finds a file it is to send.
func Path(dataDir, ref string) string {
	name := filepath.FromSlash(ref)
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dataDir, name)
}

// write writes at most max bytes of r to file through a temporary file.
func write(file string, r io.Reader, max int64) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
		return fmt.Errorf("save %s: %w", file, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".download-*")
	if err != nil {
		return fmt.Errorf("save %s: %w", file, err)
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
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		return fmt.Errorf("save %s: %w", file, err)
	}
	return nil
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
