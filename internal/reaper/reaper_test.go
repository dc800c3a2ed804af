package reaper

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sleepers is a shell that leaves sleep processes behind the way wrapper
// scripts do: a child, a grandchild in a session of its own whose parent
// has exited, and a foreground child (the shell does not exec it).
// Each sleep's argument holds tag, to find them in /proc.
func sleepers(tag string) *exec.Cmd {
	return exec.Command("/bin/sh", "-c", fmt.Sprintf("sleep %[1]s & (setsid sleep %[1]s &); sleep %[1]s; :", tag))
}

// withTag lists the processes whose command line holds tag: the reaper,
// the shell and the sleeps.
func withTag(tag string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || processGone(pid) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if bytes.Contains(cmdline, []byte(tag)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// sleeping lists the sleep processes with tag.
func sleeping(tag string) []int {
	var pids []int
	for _, pid := range withTag(tag) {
		if cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); bytes.HasPrefix(cmdline, []byte("sleep\x00")) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// waitFor polls cond for up to d.
func waitFor(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

func uniqueTag() string { return fmt.Sprintf("100000.%d%d", os.Getpid(), time.Now().UnixNano()%1e6) }

func TestReaperStopKillsEveryDescendant(t *testing.T) {
	tag := uniqueTag()
	cmd := sleepers(tag)
	if err := Start(cmd); err != nil {
		t.Fatal(err)
	}
	if !waitFor(10*time.Second, func() bool { return len(sleeping(tag)) == 3 }) {
		cmd.Process.Kill()
		t.Fatalf("the sleepers did not start: %v", withTag(tag))
	}
	began := time.Now()
	Stop(cmd.Process.Pid)
	cmd.Wait()
	if left := withTag(tag); len(left) > 0 {
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("processes left after stopping: %v", left)
	}
	if d := time.Since(began); d > time.Second {
		t.Errorf("stopping took %s", d)
	}
}

func TestReaperPassesStdioAndStatus(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "read x; echo got $x; echo to stderr >&2; exit 7")
	cmd.Stdin = strings.NewReader("line\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := Start(cmd); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 7 {
		t.Errorf("got %v, want exit status 7", err)
	}
	if stdout.String() != "got line\n" || stderr.String() != "to stderr\n" {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	if os.Getenv(reaperEnv) != "" {
		t.Errorf("%s leaked into the test's environment", reaperEnv)
	}

	// A program killed by a signal: the reaper dies by it too.
	cmd = exec.Command("/bin/sh", "-c", "kill -TERM $$")
	if err := Start(cmd); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("got %v, want death by SIGTERM", cmd.ProcessState)
	}

	// The program's own environment has no reaper marker (a vmt it runs
	// must not become a reaper).
	cmd = exec.Command("/bin/sh", "-c", "env")
	stdout.Reset()
	cmd.Stdout = &stdout
	if err := Start(cmd); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if strings.Contains(stdout.String(), reaperEnv) {
		t.Errorf("the program sees %s", reaperEnv)
	}

	if err := Start(exec.Command("/no/such/program")); err == nil || !strings.Contains(err.Error(), "/no/such/program") {
		t.Errorf("a missing program: %v", err)
	}
}

// A program that ends by itself takes what it left running with it.
func TestReaperKillsLeftoversWhenTheProgramEnds(t *testing.T) {
	tag := uniqueTag()
	cmd := exec.Command("/bin/sh", "-c", fmt.Sprintf("sleep %[1]s & (setsid sleep %[1]s &); exit 3", tag))
	if err := Start(cmd); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 3 {
		t.Errorf("got %v, want exit status 3", err)
	}
	if left := withTag(tag); len(left) > 0 {
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("leftovers of an ended program: %v", left)
	}
}

// TestReaperOutlivesSIGKILL SIGKILLs a process that started sleepers
// through the engine: none of them may survive it.
func TestReaperOutlivesSIGKILL(t *testing.T) {
	if tag := os.Getenv("VMT_TEST_REAPER_TAG"); tag != "" {
		// The process to kill: start the sleepers and wait.
		if err := Start(sleepers(tag)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute)
		t.Fatal("the parent test did not kill this process")
	}
	tag := uniqueTag()
	child := exec.Command(os.Args[0], "-test.run=^TestReaperOutlivesSIGKILL$")
	child.Env = append(os.Environ(), "VMT_TEST_REAPER_TAG="+tag)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	if !waitFor(10*time.Second, func() bool { return len(sleeping(tag)) == 3 }) {
		child.Process.Kill()
		t.Fatalf("the sleepers did not start: %v", withTag(tag))
	}
	child.Process.Kill()
	child.Wait()
	if !waitFor(2*time.Second, func() bool { return len(withTag(tag)) == 0 }) {
		left := withTag(tag)
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("processes outlived their SIGKILLed vmt: %v", left)
	}
}

// A lingering reaper reports the program's status when it exits, keeps
// what it left running, and kills that when stopped.
func TestLingerReportsTheStatusAndKeepsLeftovers(t *testing.T) {
	tag := uniqueTag()
	cmd := exec.Command("/bin/sh", "-c", fmt.Sprintf("read x; echo got $x; sleep %[1]s >/dev/null 2>&1 & (setsid sleep %[1]s >/dev/null 2>&1 &); exit 5", tag))
	cmd.Stdin = strings.NewReader("line\n")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	exited, err := StartLinger(cmd)
	if err != nil {
		t.Fatal(err)
	}
	reaped := make(chan error, 1)
	go func() { reaped <- cmd.Wait() }()
	select {
	case ws, ok := <-exited:
		if !ok || !ws.Exited() || ws.ExitStatus() != 5 {
			t.Errorf("got status %v (%v), want exit status 5", ws, ok)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no status within 10s")
	}
	if !waitFor(10*time.Second, func() bool { return len(sleeping(tag)) == 2 }) {
		t.Errorf("the leftovers are not running: %v", withTag(tag))
	}
	select {
	case err := <-reaped:
		t.Fatalf("the reaper exited (%v) while leftovers run", err)
	case <-time.After(100 * time.Millisecond):
	}
	Stop(cmd.Process.Pid)
	<-reaped
	if stdout.String() != "got line\n" {
		t.Errorf("stdout %q", stdout.String())
	}
	if left := withTag(tag); len(left) > 0 {
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("processes left after stopping: %v", left)
	}
}

// A lingering reaper whose program left nothing exits by itself; one
// whose program was killed by a signal reports that.
func TestLingerEndsWithItsLeftovers(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "sleep 0.2 & kill -KILL $$")
	exited, err := StartLinger(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if ws, ok := <-exited; !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("got status %v (%v), want death by SIGKILL", ws, ok)
	}
	reaped := make(chan error, 1)
	go func() { reaped <- cmd.Wait() }()
	select {
	case err := <-reaped:
		if err != nil {
			t.Errorf("the reaper: %v", err)
		}
	case <-time.After(10 * time.Second):
		Stop(cmd.Process.Pid)
		t.Fatal("the reaper did not exit after its leftovers")
	}
	KillGroup(cmd.Process.Pid)

	if _, err := StartLinger(exec.Command("/no/such/program")); err == nil || err.Error() != "fork/exec /no/such/program: no such file or directory" {
		t.Errorf("a missing program: %v", err)
	}
}
