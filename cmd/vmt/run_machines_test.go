//go:build integration

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// block() and unblock() on machines from NixOS-style start scripts, on
// the two VLANs of --vlans: vmt learns their NICs from QEMU.
func TestRunBlockStartScriptMachines(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	dir := t.TempDir()
	alpha := qemutest.NixOSStartScript(t, dir, "alpha", 1, 1, 2)
	beta := qemutest.NixOSStartScript(t, dir, "beta", 2, 1, 2)
	script := filepath.Join(dir, "block.star")
	os.WriteFile(script, []byte(`start_all()
def ping(ip):
    return "ping -c 1 -W 2 " + ip

for nr in [1, 2]:
    alpha.wait_until_succeeds(ping("192.168.%d.2" % nr), timeout=120)
alpha.block()
for nr in [1, 2]:
    alpha.fail(ping("192.168.%d.2" % nr))
beta.fail(ping("192.168.2.1"))
alpha.unblock()
for nr in [1, 2]:
    alpha.wait_until_succeeds(ping("192.168.%d.2" % nr), timeout=120)
`), 0o644)
	code, out := vmtRun(t, vmt, []string{"startScripts=" + alpha + " " + beta}, "-o", dir, "--vlans", "1,2", script)
	if code != 0 {
		t.Fatalf("vmt run exited %d:\n%s", code, out)
	}
	for _, want := range []string{"alpha: unplugging from the VLANs", "alpha: plugging back into the VLANs", "test passed in"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
}

// A machine whose guest never starts its backdoor shell fails the test at
// --boot-timeout, naming the machine and showing its console.
func TestRunBootTimeout(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	dir := t.TempDir()
	// The test guest with a bare shell as init: it boots, and waits on
	// its console forever.
	stuck := filepath.Join(dir, "run-stuck-vm")
	os.WriteFile(stuck, []byte(`#!/bin/sh
exec qemu-system-x86_64 -m 256 -kernel "$VMT_TEST_KERNEL" -initrd "$VMT_TEST_INITRD" \
	-append "console=ttyS0 panic=-1 rdinit=/bin/sh" $QEMU_OPTS "$@"
`), 0o755)
	script := filepath.Join(dir, "stuck.star")
	os.WriteFile(script, []byte("stuck.succeed(\"true\")\n"), 0o644)
	began := time.Now()
	code, out := vmtRun(t, vmt, []string{"startScripts=" + stuck}, "-o", dir, "--boot-timeout", "5", script)
	took := time.Since(began)
	t.Logf("vmt run took %s", took)
	if code != 1 {
		t.Fatalf("vmt run exited %d, want 1:\n%s", code, out)
	}
	for _, want := range []string{
		"machine stuck: the backdoor shell did not come up within 5s",
		"last console lines:",
		"vmt: test failed: machine stuck:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	// Building the guest image the first time is not vmt's boot wait.
	if took > 20*time.Second {
		t.Errorf("vmt run took %s with --boot-timeout 5", took)
	}
}

// --boot-timeout takes seconds > 0: a boot wait must end.
func TestRunBootTimeoutUsage(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	for _, arg := range []string{"0", "-3"} {
		code, out := vmtRun(t, vmt, nil, "--boot-timeout", arg, "testdata/two-machines.star")
		if want := "--boot-timeout " + arg + ": give seconds > 0"; code != 2 || !strings.Contains(out, want) {
			t.Errorf("--boot-timeout %s: exit %d, want 2 with %q:\n%s", arg, code, want, out)
		}
	}
}
