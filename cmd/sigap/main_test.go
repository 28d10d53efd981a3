package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// sigapBinary is the path of the real sigap binary, built once by TestMain
// for the tests that run it as a separate process. It is empty under
// -short, where those tests skip.
var sigapBinary string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "sigap-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "sigap tests: temporary folder for the binary:", err)
		os.Exit(1)
	}
	bin := filepath.Join(dir, "sigap")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "sigap tests: go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	sigapBinary = bin
	code := m.Run()
	os.RemoveAll(dir)
	if bigDesk.dir != "" {
		os.RemoveAll(bigDesk.dir)
	}
	os.Exit(code)
}

// needBinary skips t under -short, where the binary is not built.
func needBinary(t *testing.T) {
	t.Helper()
	if sigapBinary == "" {
		t.Skip("runs the real binary; not built under -short")
	}
}
