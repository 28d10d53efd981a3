//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package storage

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

var errLocked = errors.New("locked by another process")

// lockFile refuses: without flock a lock left by a killed process could
// not be told from a live one, and Sigap serves from Linux.
func lockFile(*os.File) error {
	return fmt.Errorf("one sigap serve per database is enforced with flock, which %s lacks", runtime.GOOS)
}

func unlockFile(*os.File) error { return nil }
