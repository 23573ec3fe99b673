package main_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bin is the guli-load binary built from this package for the tests.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "guli-load-bin")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "guli-load")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building guli-load: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Flags no run can have are refused at once, with one line naming the
// flag, before any server is asked: no clients (-c 0 was an index out of
// range), no time, a negative count, an unknown durability; a file for the
// durable load that cannot be written fails before the load, not after it.
func TestBadFlagsAreRefusedAtOnce(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"-c", "0"}, "-c 0"},
		{[]string{"-c", "-1"}, "-c -1"},
		{[]string{"-c", "1000000"}, "-c 1000000"},
		{[]string{"-d", "0"}, "-d 0s"},
		{[]string{"-d", "-1s"}, "-d -1s"},
		{[]string{"-mix", "-c", "0"}, "-c 0"},
		{[]string{"-mix", "-people", "-5"}, "-people -5"},
		{[]string{"-mix", "-writes", "-1s"}, "-writes -1s"},
		{[]string{"-mix", "-sqlite-synchronous", "%FF"}, `-sqlite-synchronous "%FF"`},
		{[]string{"-durable", dir}, "is a directory"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		// No server there: a flag that passed would fail on the connection.
		cmd := exec.CommandContext(ctx, bin, append([]string{"-url", "http://127.0.0.1:1"}, tc.args...)...)
		out, err := cmd.CombinedOutput()
		cancel()
		said := strings.TrimSpace(string(out))
		if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 || !strings.HasPrefix(said, "guli-load: ") ||
			!strings.Contains(said, tc.says) || strings.Contains(said, "\n") {
			t.Errorf("guli-load %v: %v\n%s\nwant one line naming %q and exit status 1", tc.args, err, out, tc.says)
		}
	}
}
