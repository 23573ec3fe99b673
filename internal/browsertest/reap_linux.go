//go:build linux

package browsertest

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// prSetChildSubreaper is PR_SET_CHILD_SUBREAPER of prctl(2).
const prSetChildSubreaper = 36

// adoptOrphans makes this process the subreaper of its descendants: a
// Chromium helper whose parent ends is then re-parented here, not to init,
// which may take its time to reap it.
func adoptOrphans() {
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
}

// reapOrphans waits for every child process to end and reaps it. A child
// still running after patience is killed. It must run when no other child
// of this process is being waited for, since it reaps any child.
func reapOrphans(patience time.Duration) {
	deadline := time.Now().Add(patience)
	killed := false
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		switch {
		case err == syscall.EINTR || pid > 0:
			continue
		case err != nil: // ECHILD: none left
			return
		}
		if !killed && time.Now().After(deadline) {
			for _, c := range children() {
				syscall.Kill(c, syscall.SIGKILL)
			}
			killed = true
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// children lists the processes whose parent is this one.
func children() []int {
	self := os.Getpid()
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(stat[i+1:])
		if len(f) > 1 {
			if ppid, _ := strconv.Atoi(string(f[1])); ppid == self {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}
