package runtime

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// withArg lists the live processes (zombies aside) whose command line
// holds arg.
func withArg(arg string) []int {
	var pids []int
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
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if bytes.Contains(cmdline, []byte(arg)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// A vmt SIGKILLed while host.run runs a command that started processes
// of its own, one of them in a session of its own, leaves none of them
// behind. The test binary plays vmt: it runs the script in a child of
// itself, and kills it.
func TestHostRunLeavesNothingWhenVMTIsKilled(t *testing.T) {
	if tag := os.Getenv("VMT_TEST_HOST_KILLED_TAG"); tag != "" {
		// The vmt to kill: run the script until killed.
		err, _ := hostRunIn(t, fmt.Sprintf("host.run(\"sleep %[1]s & (setsid sleep %[1]s &); wait\", timeout = None)\n", tag), nil)
		t.Fatalf("the script ended (%v): the parent test did not kill this process", err)
	}
	// A sleep of over a day, unique to this test.
	tag := fmt.Sprintf("100000.%d%d", os.Getpid(), time.Now().UnixNano()%1e6)
	vmt := exec.Command(os.Args[0], "-test.run=^TestHostRunLeavesNothingWhenVMTIsKilled$")
	vmt.Env = append(os.Environ(), "VMT_TEST_HOST_KILLED_TAG="+tag)
	if err := vmt.Start(); err != nil {
		t.Fatal(err)
	}
	sleeping := func() bool { return len(withArg("sleep\x00"+tag)) == 2 }
	for deadline := time.Now().Add(20 * time.Second); !sleeping(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			vmt.Process.Kill()
			vmt.Wait()
			t.Fatalf("the host command's sleeps did not start: %v", withArg(tag))
		}
	}
	vmt.Process.Kill()
	vmt.Wait()
	var left []int
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if left = withArg(tag); len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(left) > 0 {
		var desc []string
		for _, pid := range left {
			cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			desc = append(desc, fmt.Sprintf("%d: %q", pid, cmdline))
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("processes outlived the SIGKILLed vmt: %v", desc)
	}
}
