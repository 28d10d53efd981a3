//go:build linux || darwin || freebsd

package web

import (
	"fmt"
	"syscall"
)

// diskSpace returns the bytes an unprivileged process may still write,
// and the size, of the file system that holds dir.
func diskSpace(dir string) (free, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, fmt.Errorf("web: free space of %s: %w", dir, err)
	}
	return uint64(st.Bavail) * uint64(st.Bsize), uint64(st.Blocks) * uint64(st.Bsize), nil
}
