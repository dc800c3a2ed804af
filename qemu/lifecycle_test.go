//go:build integration

package qemu_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/guest"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

func boot(t *testing.T, cfg qemu.Config) *qemu.Machine {
	t.Helper()
	m, err := qemu.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Release() })
	if err := m.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestShutdownAndRestart(t *testing.T) {
	cfg := qemutest.Config(t, "lifecycle")
	m := boot(t, cfg)
	if !m.IsUp() {
		t.Fatal("connected machine is not up")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if m.IsUp() || m.Booted() {
		t.Fatal("machine still up after shutdown")
	}
	// The same machine boots again; the state dir is recreated.
	if status, out := run(t, m, "hostname"); status != 0 || out != "lifecycle\n" {
		t.Fatalf("after restart: (%d, %q)", status, out)
	}
	began := time.Now()
	if err := m.Crash(); err != nil {
		t.Fatal(err)
	}
	if m.Booted() || time.Since(began) > 5*time.Second {
		t.Fatalf("crash took %s, booted=%v", time.Since(began), m.Booted())
	}
}

func TestRebootReconnects(t *testing.T) {
	cfg := qemutest.Config(t, "rebooter")
	cfg.AllowReboot = true
	m := boot(t, cfg)
	run(t, m, "touch /tmp/before-reboot") // /tmp is a tmpfs: gone after a reboot
	if err := m.Reboot(context.Background()); err != nil {
		t.Fatal(err)
	}
	if status, _ := run(t, m, "test -e /tmp/before-reboot"); status != 1 {
		t.Fatalf("the guest did not reboot (status %d)", status)
	}
	if !m.Booted() {
		t.Fatal("QEMU exited on reboot although reboots are allowed")
	}
}

func TestGuestDyingMidCommandIsAnError(t *testing.T) {
	m := boot(t, qemutest.Config(t, "victim"))
	began := time.Now()
	_, _, err := m.Execute(context.Background(), "echo o > /proc/sysrq-trigger; sleep 600", 0, nil)
	if err == nil || !strings.Contains(err.Error(), "died") {
		t.Fatalf("got %v, want an error saying the guest died", err)
	}
	if d := time.Since(began); d > 30*time.Second {
		t.Errorf("noticing the dead guest took %s", d)
	}
	// The death is not forgotten: the next command fails at once, until
	// the test starts the machine again.
	if _, _, err := m.Execute(context.Background(), "echo again", 0, nil); err == nil || !strings.Contains(err.Error(), "start() boots it again") {
		t.Errorf("after the guest died: %v, want an error saying how to boot it again", err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	if status, out := run(t, m, "echo again"); status != 0 || out != "again\n" {
		t.Errorf("after a new start: (%d, %q)", status, out)
	}
}

func TestGuestPanicStopsQEMU(t *testing.T) {
	m := boot(t, qemutest.Config(t, "panicker"))
	m.Execute(context.Background(), "echo c > /proc/sysrq-trigger", 10*time.Second, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.WaitForShutdown(ctx); err != nil {
		t.Fatalf("QEMU kept running after a kernel panic: %v", err)
	}
}

func TestQEMUExitingAtStartShowsItsStderr(t *testing.T) {
	cfg := qemutest.Config(t, "broken")
	cfg.Command = append(cfg.Command, "-no-such-option")
	m, err := qemu.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	err = m.Connect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "exited at start") || !strings.Contains(err.Error(), "no-such-option") {
		t.Fatalf("got %v", err)
	}
}

func TestGuestNeverReady(t *testing.T) {
	cfg := qemutest.Config(t, "silent")
	// The kernel boots but init is a shell on the serial console, so the
	// backdoor never answers.
	for i, a := range cfg.Command {
		if a == "-append" {
			cfg.Command[i+1] += " rdinit=/bin/sh"
		}
	}
	cfg.BootTimeout = 15 * time.Second
	m, err := qemu.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	began := time.Now()
	err = m.Connect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "did not come up within 15s") || !strings.Contains(err.Error(), "last console lines") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(began); d > 20*time.Second {
		t.Errorf("boot timeout of 15 s took %s", d)
	}
}

func TestStartScript(t *testing.T) {
	dir := qemutest.TempDir(t)
	// The script runs the test guest with the shares the engine expects.
	spec, err := qemutest.Spec(t, "scripted").Config(dir, 1, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmd := spec.Command
	script := filepath.Join(dir, "run-scripted-vm")
	var quoted []string
	for _, a := range cmd {
		quoted = append(quoted, "'"+a+"'")
	}
	body := fmt.Sprintf("#!/bin/sh\nenv > \"$TMPDIR/env\"\nexec %s $QEMU_OPTS \"$@\"\n", strings.Join(quoted, " "))
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	m := boot(t, qemu.Config{StartScript: script, TmpDir: dir, MakeDirs: spec.MakeDirs, Log: qemutest.NewLogger(t)})
	if m.Name() != "scripted" {
		t.Errorf("name %q, want scripted", m.Name())
	}
	env, err := os.ReadFile(filepath.Join(m.StateDir(), "env"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"TMPDIR=" + m.StateDir(), "USE_TMPDIR=1", "SHARED_DIR=" + m.SharedDir()} {
		if !strings.Contains(string(env), want+"\n") {
			t.Errorf("start script environment lacks %s", want)
		}
	}
	if status, out := run(t, m, "echo hi"); status != 0 || out != "hi\n" {
		t.Errorf("got (%d, %q)", status, out)
	}
}

func TestKeepState(t *testing.T) {
	cfg := qemutest.Config(t, "keeper")
	cfg.KeepState = true
	m := boot(t, cfg)
	marker := filepath.Join(m.StateDir(), "marker")
	os.WriteFile(marker, []byte("x"), 0o644)
	m.Release()
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("state dir not kept: %v", err)
	}
	cfg.KeepState = false
	m2, _ := qemu.New(cfg)
	m2.Start()
	m2.Release()
	if _, err := os.Stat(m.StateDir()); !os.IsNotExist(err) {
		t.Fatalf("state dir left behind without keep-state: %v", err)
	}
}

// TestKilledHostLeavesNoQEMU kills a process running a machine with
// SIGKILL (no chance to clean up) and checks that QEMU dies with it.
func TestKilledHostLeavesNoQEMU(t *testing.T) {
	dir := qemutest.TempDir(t)
	qemutest.Image(t) // build outside the child
	pidFile := filepath.Join(dir, "qemu.pid")
	child := exec.Command(os.Args[0])
	child.Env = append(os.Environ(), "VMT_TEST_PIDFILE="+pidFile)
	out, err := os.Create(filepath.Join(dir, "child.log"))
	if err != nil {
		t.Fatal(err)
	}
	child.Stdout, child.Stderr = out, out
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	for i := 0; i < 600 && pid == 0; i++ {
		time.Sleep(100 * time.Millisecond)
		data, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(data)))
	}
	if pid == 0 {
		child.Process.Kill()
		log, _ := os.ReadFile(out.Name())
		t.Fatalf("child never reported QEMU's pid:\n%s", log)
	}
	child.Process.Kill()
	child.Wait()
	for i := 0; i < 50; i++ {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Fatalf("QEMU (pid %d) survived the death of vmt", pid)
}

// holdMachine is the child process of TestKilledHostLeavesNoQEMU: it boots
// a machine, reports QEMU's pid and waits to be killed.
func holdMachine(pidFile string) int {
	k, err := guest.DebianKernel(qemutest.KernelPackage)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	img, err := guest.Build(k)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	dir, _ := os.MkdirTemp("", "vmt")
	spec := qemu.Spec{Name: "held", Kernel: img.Kernel, Initrd: img.Initramfs}
	cfg, err := spec.Config(dir, 1, nil, nil)
	var m *qemu.Machine
	if err == nil {
		m, err = qemu.New(cfg)
	}
	if err == nil {
		err = m.Connect(context.Background())
	}
	if err != nil {
		fmt.Println(err)
		return 1
	}
	os.WriteFile(pidFile, []byte(strconv.Itoa(m.PID())), 0o644)
	time.Sleep(time.Minute)
	fmt.Println("the parent test did not kill this process")
	return 1
}

// TestNixOSStyleShell runs the engine against a shell with the terminal
// settings of NixOS's backdoor: output on the terminal, no signals, so
// timeouts are enforced in the guest.
func TestNixOSStyleShell(t *testing.T) {
	spec := qemutest.Spec(t, "nixish")
	spec.KernelParams = []string{"vmt.nixos-shell"}
	m := bootSpec(t, spec, qemutest.TempDir(t), 1, nil)
	if status, out := run(t, m, "printf 'a\\000b\\377'; exit 4"); status != 4 || out != "a\x00b\xff" {
		t.Fatalf("got (%d, %q)", status, out)
	}
	began := time.Now()
	_, _, err := m.Execute(context.Background(), "sleep 600", 2*time.Second, nil)
	if !errors.Is(err, qemu.ErrTimeout) {
		t.Fatalf("got %v, want a timeout", err)
	}
	if d := time.Since(began); d > 8*time.Second {
		t.Errorf("a 2 s timeout took %s", d)
	}
	if status, out := run(t, m, "echo usable"); status != 0 || out != "usable\n" {
		t.Errorf("after a timeout: (%d, %q)", status, out)
	}
}
