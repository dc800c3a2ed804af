//go:build integration

package qemu_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// wrappedQEMU finds the QEMU that a start script runs without exec, and
// checks that it is not the process the engine started.
func wrappedQEMU(t *testing.T, dir string, engineChild int) int {
	t.Helper()
	for pid, cmdline := range qemutest.Processes(dir) {
		if strings.HasPrefix(cmdline, "qemu-system") {
			if pid == engineChild {
				t.Fatalf("QEMU (pid %d) is the engine's own child: the start script exec'd it", pid)
			}
			return pid
		}
	}
	t.Fatalf("no QEMU runs in %s: %v", dir, qemutest.Processes(dir))
	return 0
}

func killAll(procs map[int]string) {
	for pid := range procs {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// TestKilledHostLeavesNoWrappedQEMU boots a machine from a start script
// that runs QEMU as its child (not by exec) in a process that is then
// SIGKILLed: neither QEMU nor the script may survive it, and the next run
// dir made in the same TMPDIR removes the dead run's.
func TestKilledHostLeavesNoWrappedQEMU(t *testing.T) {
	if dir := os.Getenv("VMT_TEST_WRAPPED_DIR"); dir != "" {
		holdWrappedMachine(t, dir)
		return
	}
	dir := qemutest.TempDir(t)
	qemutest.Image(t) // built here, not in the child
	child := exec.Command(os.Args[0], "-test.run=^TestKilledHostLeavesNoWrappedQEMU$", "-test.v")
	child.Env = append(os.Environ(), "VMT_TEST_WRAPPED_DIR="+dir)
	log, err := os.Create(filepath.Join(t.TempDir(), "child.log"))
	if err != nil {
		t.Fatal(err)
	}
	child.Stdout, child.Stderr = log, log
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var run string
	for deadline := time.Now().Add(3 * time.Minute); run == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		data, _ := os.ReadFile(filepath.Join(dir, "ready"))
		run = strings.TrimSpace(string(data))
	}
	if run == "" {
		child.Process.Kill()
		child.Wait()
		out, _ := os.ReadFile(log.Name())
		t.Fatalf("the child never booted its machine:\n%s", out)
	}
	wrappedQEMU(t, run, 0)
	child.Process.Kill()
	child.Wait()
	killed := time.Now()
	if left := qemutest.ProcessesAfter(run, 3*time.Second); len(left) > 0 {
		killAll(left)
		t.Fatalf("processes outlived the SIGKILLed host: %v", left)
	}
	t.Logf("everything was gone %s after the SIGKILL", time.Since(killed).Round(time.Millisecond))
	if _, err := os.Stat(run); err != nil {
		t.Fatalf("the killed run's dir: %v", err)
	}
	next, err := qemu.NewRunDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer next.Remove()
	if _, err := os.Stat(run); !os.IsNotExist(err) {
		t.Errorf("the next run left the killed run's dir %s: %v", run, err)
	}
}

// holdWrappedMachine is the process TestKilledHostLeavesNoWrappedQEMU
// kills: it boots a machine in a run dir under dir, names the run dir in
// dir/ready and waits.
func holdWrappedMachine(t *testing.T, dir string) {
	run, err := qemu.NewRunDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	script := qemutest.NixOSStartScript(t, t.TempDir(), "wrapped", 1)
	m, err := qemu.New(qemu.Config{StartScript: script, TmpDir: run.Path, Log: qemutest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "ready"), []byte(run.Path), 0o644)
	time.Sleep(time.Minute)
	t.Fatal("the parent test did not kill this process")
}

// TestReleaseKillsWrappedQEMU releases a machine whose start script runs
// QEMU as its child: everything is gone within a second.
func TestReleaseKillsWrappedQEMU(t *testing.T) {
	rd, err := qemu.NewRunDir(qemutest.TempDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Remove()
	script := qemutest.NixOSStartScript(t, t.TempDir(), "released", 1)
	m := boot(t, qemu.Config{StartScript: script, TmpDir: rd.Path, Log: qemutest.NewLogger(t)})
	if status, out := run(t, m, "echo up"); status != 0 || out != "up\n" {
		t.Fatalf("got (%d, %q)", status, out)
	}
	wrappedQEMU(t, rd.Path, m.PID())
	began := time.Now()
	m.Release()
	took := time.Since(began)
	if left := qemutest.Processes(rd.Path); len(left) > 0 {
		killAll(left)
		t.Fatalf("processes left after Release: %v", left)
	}
	if took > 1500*time.Millisecond {
		t.Errorf("Release took %s", took)
	}
	t.Logf("Release took %s", took.Round(time.Millisecond))
}
