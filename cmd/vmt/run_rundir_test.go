//go:build integration

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/internal/syncbuf"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// vmtRunIn starts `vmt run` with TMPDIR tmp and the given start script;
// a hang fails within minutes.
func vmtRunIn(vmt, tmp, startScript string, out *syncbuf.Buffer, args ...string) *exec.Cmd {
	cmd := exec.Command(vmt, append([]string{"run", "--global-timeout", "300"}, args...)...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NO_COLOR=1", "startScripts="+startScript)
	cmd.Stdout, cmd.Stderr = out, out
	return cmd
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// A `vmt run` SIGKILLed mid-test, its machine's QEMU run by a start script
// without exec and a VLAN switch running: nothing of it survives, and the
// next run in the same TMPDIR removes its run directory and leaves nothing.
func TestRunKilledLeavesNothing(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	tmp := qemutest.TempDir(t)
	dir := t.TempDir()
	start := qemutest.NixOSStartScript(t, dir, "wrapped", 1, 1)
	long := filepath.Join(dir, "long.star")
	os.WriteFile(long, []byte("wrapped.succeed('true')\nwrapped.succeed('sleep 600')\n"), 0o644)
	var out syncbuf.Buffer
	cmd := vmtRunIn(vmt, tmp, start, &out, "--vlans", "1", "-o", dir, long)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(3 * time.Minute); !strings.Contains(out.String(), "must succeed: sleep 600"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the test never reached the long command:\n%s", out.String())
		}
	}
	var running strings.Builder
	for pid, cmdline := range qemutest.Processes(tmp) {
		fmt.Fprintf(&running, "%d: %s\n", pid, cmdline)
	}
	for _, want := range []string{": qemu-system", "vde_switch --sock", ": /bin/sh " + start} {
		if !strings.Contains(running.String(), want) {
			t.Errorf("no %q among the processes of the run:\n%s", strings.TrimPrefix(want, ": "), running.String())
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	killed := time.Now()
	if left := qemutest.ProcessesAfter(tmp, 3*time.Second); len(left) > 0 {
		t.Fatalf("processes outlived the SIGKILLed vmt: %v", left)
	}
	t.Logf("everything was gone %s after the SIGKILL", time.Since(killed).Round(time.Millisecond))
	dead := dirNames(t, tmp)
	if len(dead) != 1 || !strings.HasPrefix(dead[0], "vmt-run-") {
		t.Fatalf("TMPDIR after the SIGKILL holds %v, want the killed run's dir", dead)
	}

	short := filepath.Join(dir, "short.star")
	os.WriteFile(short, []byte("wrapped.succeed('true')\n"), 0o644)
	out = syncbuf.Buffer{}
	if err := vmtRunIn(vmt, tmp, start, &out, "--vlans", "1", "-o", dir, short).Run(); err != nil {
		t.Fatalf("the next run: %v\n%s", err, out.String())
	}
	if left := dirNames(t, tmp); len(left) > 0 {
		t.Errorf("TMPDIR after the next run holds %v, want nothing (the killed run's %s removed)", left, dead[0])
	}
}

// Two runs at once in one TMPDIR, with the same machine names, a
// NixOS-style machine from a start script and one of vmt's own declared by
// the script, each guest writing and reading its /tmp/xchg and
// /tmp/shared: neither run disturbs the other, and both leave nothing
// behind.
func TestRunConcurrentRunsShareATmpDir(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	tmp := qemutest.TempDir(t)
	dir := t.TempDir()
	start := qemutest.NixOSStartScript(t, dir, "twin", 1)
	img := qemutest.Image(t)
	var wg sync.WaitGroup
	outs := make([]syncbuf.Buffer, 2)
	errs := make([]error, 2)
	for i, who := range []string{"first", "second"} {
		script := filepath.Join(dir, who+".star")
		os.WriteFile(script, []byte(fmt.Sprintf(`create_machine("own", kernel=%[2]q, initrd=%[3]q, memory_size=256)
start_all()
for m in [twin, own]:
    m.succeed("echo %[1]s > /tmp/xchg/who; echo %[1]s-" + m.name + " > /tmp/shared/who-" + m.name)
twin.succeed("sleep 3")
for m in [twin, own]:
    assert_eq(m.succeed("cat /tmp/xchg/who /tmp/shared/who-" + m.name), "%[1]s\n%[1]s-" + m.name + "\n")
`, who, img.Kernel, img.Initramfs)), 0o644)
		wg.Go(func() {
			errs[i] = vmtRunIn(vmt, tmp, start, &outs[i], "-o", dir, script).Run()
		})
	}
	wg.Wait()
	for i := range errs {
		if errs[i] != nil {
			t.Errorf("run %d: %v\n%s", i+1, errs[i], outs[i].String())
		}
	}
	if left := dirNames(t, tmp); len(left) > 0 {
		t.Errorf("TMPDIR after both runs holds %v, want nothing", left)
	}
}

// A second `vmt run -K` keeping the state of a machine a running one keeps
// is refused with an error naming the state dir, before anything boots;
// once both ended, only the kept state is left in TMPDIR.
func TestRunKeepStateInUse(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	tmp := qemutest.TempDir(t)
	dir := t.TempDir()
	start := qemutest.NixOSStartScript(t, dir, "keeper", 1)
	long := filepath.Join(dir, "long.star")
	os.WriteFile(long, []byte("keeper.succeed('touch /tmp/xchg/kept')\nkeeper.succeed('sleep 600')\n"), 0o644)
	var first syncbuf.Buffer
	cmd := vmtRunIn(vmt, tmp, start, &first, "-K", "-o", dir, long)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	for deadline := time.Now().Add(3 * time.Minute); !strings.Contains(first.String(), "must succeed: sleep 600"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the first run never reached the long command:\n%s", first.String())
		}
	}
	var second syncbuf.Buffer
	err := vmtRunIn(vmt, tmp, start, &second, "-K", "-o", dir, long).Run()
	kept := filepath.Join(tmp, fmt.Sprintf("vmt-kept-%d", os.Geteuid()), "vm-state-keeper")
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 2 || !strings.Contains(second.String(), kept+" is in use by another vmt run (pid ") {
		t.Errorf("the second run: %v, want exit 2 naming %s:\n%s", err, kept, second.String())
	}
	if strings.Contains(second.String(), "starting vm") {
		t.Errorf("the second run started a machine:\n%s", second.String())
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	if left := dirNames(t, tmp); len(left) != 1 || left[0] != filepath.Base(filepath.Dir(kept)) {
		t.Errorf("TMPDIR holds %v, want only the kept state", left)
	}
	if _, err := os.Stat(filepath.Join(kept, "xchg", "kept")); err != nil {
		t.Errorf("the kept state lacks the guest's file: %v", err)
	}
}
