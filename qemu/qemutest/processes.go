package qemutest

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Processes returns, by pid, the command lines (arguments joined by
// spaces) of the live processes (zombies aside) whose command line
// mentions dir: a test's machines and switches all name their run's
// directory.
func Processes(dir string) map[int]string {
	procs := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if i := bytes.LastIndexByte(stat, ')'); err != nil || i < 0 || bytes.HasPrefix(bytes.TrimSpace(stat[i+1:]), []byte("Z")) {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte(dir)) {
			procs[pid] = string(bytes.ReplaceAll(bytes.TrimRight(cmdline, "\x00"), []byte{0}, []byte{' '}))
		}
	}
	return procs
}

// ProcessesAfter waits up to d for the processes mentioning dir to end
// and returns those still running.
func ProcessesAfter(dir string, d time.Duration) map[int]string {
	deadline := time.Now().Add(d)
	for {
		left := Processes(dir)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(20 * time.Millisecond)
	}
}
