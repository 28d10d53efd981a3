//go:build !(linux || darwin || freebsd)

package web

import "errors"

// diskSpace is not measured on this system.
func diskSpace(dir string) (free, total uint64, err error) {
	return 0, 0, errors.New("web: free space is not measured on this system")
}
