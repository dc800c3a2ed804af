//go:build integration

package qemu_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/imageguest"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// testImage builds (or finds in the cache) the test disk image of v.
func testImage(t testing.TB, v imageguest.Variant) string {
	t.Helper()
	imagesMu.Lock()
	defer imagesMu.Unlock()
	if p, ok := images[v]; ok {
		return p
	}
	began := time.Now()
	p, err := imageguest.Build(v)
	if err != nil {
		t.Fatalf("building the test disk image: %v", err)
	}
	t.Logf("%s image %s ready in %s", v, filepath.Base(p), time.Since(began).Round(10*time.Millisecond))
	images[v] = p
	return p
}

var (
	imagesMu sync.Mutex
	images   = map[imageguest.Variant]string{}
)

// bootImage boots a disk-image machine and waits until it answers.
func bootImage(t testing.TB, name string, v imageguest.Variant, uefi bool) *qemu.Machine {
	t.Helper()
	return bootImageFile(t, name, testImage(t, v), uefi)
}

func bootImageFile(t testing.TB, name, image string, uefi bool) *qemu.Machine {
	t.Helper()
	spec := qemu.Spec{Name: name, DiskImage: image, MemoryMB: 512, UEFI: uefi, NoNetwork: true}
	cfg, err := spec.Config(qemutest.TempDir(t), 1, nil, qemutest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.BootTimeout = 4 * time.Minute
	m, err := qemu.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Release() })
	began := time.Now()
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		// How long the firmware and boot loader take.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if _, err := m.WaitForConsoleText(ctx, regexp.MustCompile(`Linux version`), 0); err == nil {
			t.Logf("QEMU start to the kernel's first line (uefi=%v): %s", uefi, time.Since(began).Round(100*time.Millisecond))
		}
	}()
	if err := m.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("boot to first command (%s, uefi=%v): %s", filepath.Base(image), uefi, time.Since(began).Round(100*time.Millisecond))
	return m
}

// imgRun runs command and checks its status.
func imgRun(t *testing.T, m *qemu.Machine, command string, want int) string {
	t.Helper()
	status, out, err := m.Execute(context.Background(), command, time.Minute, nil)
	if err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	if status != want {
		t.Fatalf("%s: status %d, want %d; output %q", command, status, want, out)
	}
	return string(out)
}

// TestImageAgentBIOS boots the agent image by BIOS (SeaBIOS, syslinux)
// and runs commands through the guest agent's guest-exec
// (VMT_AGENT_EXEC=1): exit statuses, stderr apart, exact output
// of many KB (binary bytes too), stderr kept out of it, a timeout that
// kills the command and leaves the agent usable, and the guest's death
// noticed within a second or so.
func TestImageAgentBIOS(t *testing.T) {
	t.Setenv("VMT_AGENT_EXEC", "1") // commands through guest-exec, no shell
	m := bootImage(t, "imgbios", imageguest.Agent, false)
	var stderr bytes.Buffer
	m.SetAgentStderr(&stderr)
	for _, want := range []int{0, 1, 7} {
		if out := imgRun(t, m, fmt.Sprintf("echo out; printf 'err %d' >&2; exit %d", want, want), want); out != "out\n" {
			t.Errorf("stdout %q, want \"out\\n\"", out)
		}
	}
	if stderr.String() != "err 0err 1err 7" {
		t.Errorf("stderr through SetAgentStderr: %q", stderr.String())
	}
	m.SetAgentStderr(nil)
	if out := imgRun(t, m, "test -d /sys/firmware/efi && echo uefi || echo bios", 0); out != "bios\n" {
		t.Errorf("firmware: %q, want bios", out)
	}
	if out := imgRun(t, m, "systemctl is-active qemu-guest-agent.service; systemctl is-enabled backdoor.service; systemctl is-active backdoor.service", 3); out != "active\nenabled\ninactive\n" {
		t.Errorf("units: %q: the agent, not the backdoor, should run", out)
	}
	for _, want := range []int{0, 1, 7} {
		imgRun(t, m, fmt.Sprintf("exit %d", want), want)
	}
	if out := imgRun(t, m, "kill -TERM $$", 128+15); out != "" {
		t.Errorf("killed shell printed %q", out)
	}
	t.Run("exact output", func(t *testing.T) {
		var want bytes.Buffer
		for i := 1; i <= 20000; i++ {
			fmt.Fprintf(&want, "%d\n", i)
		}
		if out := imgRun(t, m, "seq 1 20000", 0); out != want.String() {
			t.Errorf("seq 1 20000: %d bytes, want %d", len(out), want.Len())
		}
		// Every byte value, no trailing newline, stderr kept apart.
		var all []byte
		for i := 0; i < 256; i++ {
			all = append(all, byte(i))
		}
		got := imgRun(t, m, `i=0; while [ $i -lt 256 ]; do printf "\\$(printf %o $i)"; i=$((i+1)); done; echo to-stderr >&2`, 0)
		if got != string(all) {
			t.Errorf("all byte values: got %q", got)
		}
		began := time.Now()
		const n = 50
		for i := 0; i < n; i++ {
			if out := imgRun(t, m, "echo hello", 0); out != "hello\n" {
				t.Fatalf("echo hello: %q", out)
			}
		}
		t.Logf("echo hello through the agent: %s per command", (time.Since(began) / n).Round(100*time.Microsecond))
		began = time.Now()
		out := imgRun(t, m, "seq 1 100000", 0)
		t.Logf("seq 1 100000 (%d bytes) through the agent: %s", len(out), time.Since(began).Round(time.Millisecond))
	})
	t.Run("output past the agent's limit", func(t *testing.T) {
		status, out, err := m.Execute(context.Background(), "head -c 17000000 /dev/zero", time.Minute, nil)
		if err == nil || !strings.Contains(err.Error(), "longer than the guest agent passes on") {
			t.Fatalf("17 MB of output: status %d, %d bytes, err %v; want an error about the agent's limit", status, len(out), err)
		}
		t.Logf("%v", err)
		imgRun(t, m, "true", 0)
	})
	t.Run("timeout", func(t *testing.T) {
		began := time.Now()
		_, _, err := m.Execute(context.Background(), "sleep 300 & sleep 300; echo not-killed", 2*time.Second, nil)
		if !errors.Is(err, qemu.ErrTimeout) {
			t.Fatalf("sleep with a 2 s timeout: %v, want a timeout", err)
		}
		if d := time.Since(began); d > 5*time.Second {
			t.Errorf("the timeout took %s", d)
		}
		count := `n=0; for p in /proc/[0-9]*/comm; do read -r c < "$p" 2>/dev/null && [ "$c" = sleep ] && n=$((n+1)); done; echo $n`
		if out := imgRun(t, m, count, 0); out != "0\n" {
			t.Errorf("sleep processes left after the timeout: %q", out)
		}
	})
	t.Run("agent restart", func(t *testing.T) {
		// The command that restarts qemu-ga loses its answer: an error
		// naming the agent, not a hang; then commands work again.
		began := time.Now()
		_, _, err := m.Execute(context.Background(), "systemctl restart qemu-guest-agent", time.Minute, nil)
		if err == nil || !strings.Contains(err.Error(), "guest agent closed its port") {
			t.Fatalf("restarting the agent from a command: %v", err)
		}
		t.Logf("noticed after %s: %v", time.Since(began).Round(10*time.Millisecond), err)
		for {
			status, out, err := m.Execute(context.Background(), "echo back", time.Minute, nil)
			if err == nil {
				if status != 0 || string(out) != "back\n" {
					t.Errorf("after the restart: status %d, %q", status, out)
				}
				break
			}
			if time.Since(began) > time.Minute {
				t.Fatalf("no command works a minute after the agent's restart: %v", err)
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Logf("commands again after %s", time.Since(began).Round(10*time.Millisecond))
	})
	t.Run("guest death", func(t *testing.T) {
		done := make(chan error, 1)
		go func() {
			_, _, err := m.Execute(context.Background(), "sleep 120", 0, nil)
			done <- err
		}()
		time.Sleep(500 * time.Millisecond)
		if _, err := m.QMP(context.Background(), "quit", nil); err != nil {
			t.Logf("quit: %v", err)
		}
		began := time.Now()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "died") {
				t.Errorf("command in a guest that died: %v", err)
			}
			t.Logf("death noticed after %s: %v", time.Since(began).Round(10*time.Millisecond), err)
		case <-time.After(5 * time.Second):
			t.Fatal("the command did not fail within 5 s of QEMU's exit")
		}
	})
}

// TestImageAgentUEFI boots the same image by UEFI (OVMF, systemd-boot),
// converted to qcow2 under a name that does not say so, and runs commands
// as an image machine does by default: through a backdoor shell the guest
// agent started on hvc0.
func TestImageAgentUEFI(t *testing.T) {
	qcow := filepath.Join(qemutest.TempDir(t), "image.img")
	began := time.Now()
	if out, err := exec.Command("qemu-img", "convert", "-O", "qcow2", testImage(t, imageguest.Agent), qcow).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img convert: %v: %s", err, out)
	}
	t.Logf("converted to qcow2 in %s", time.Since(began).Round(10*time.Millisecond))
	m := bootImageFile(t, "imguefi", qcow, true)
	if out := imgRun(t, m, "test -d /sys/firmware/efi && echo uefi || echo bios", 0); out != "uefi\n" {
		t.Errorf("firmware: %q, want uefi", out)
	}
	// The agent started a backdoor shell in a unit of its own: commands go
	// there, and restarting the agent leaves it alone.
	if out := imgRun(t, m, "cat /proc/self/cgroup", 0); !strings.Contains(out, "/vmt-backdoor-") {
		t.Errorf("the command's cgroup: %q, want a vmt-backdoor unit's", out)
	}
	for _, want := range []int{0, 1, 7} {
		if out := imgRun(t, m, fmt.Sprintf("echo out; echo err >&2; exit %d", want), want); out != "out\n" {
			t.Errorf("stdout %q, want \"out\\n\"", out)
		}
	}
	var want bytes.Buffer
	for i := 1; i <= 20000; i++ {
		fmt.Fprintf(&want, "%d\n", i)
	}
	if out := imgRun(t, m, "seq 1 20000", 0); out != want.String() {
		t.Errorf("seq 1 20000: %d bytes, want %d", len(out), want.Len())
	}
	imgRun(t, m, "systemctl restart qemu-guest-agent", 0)
	imgRun(t, m, "true", 0)
	if _, err := os.Stat(filepath.Join(m.StateDir(), "efivars.qcow2")); err != nil {
		t.Errorf("the machine's UEFI variable store: %v", err)
	}
	began = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := m.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("shutdown: %s", time.Since(began).Round(100*time.Millisecond))
}

// TestImageBackdoor boots the image variant that has the NixOS-style
// backdoor and no agent: commands go through the backdoor shell.
func TestImageBackdoor(t *testing.T) {
	m := bootImage(t, "imgdoor", imageguest.Backdoor, false)
	if out := imgRun(t, m, "systemctl is-active backdoor.service qemu-guest-agent.service", 0); out != "active\ninactive\n" {
		t.Errorf("units: %q", out)
	}
	for _, want := range []int{0, 1, 7} {
		imgRun(t, m, fmt.Sprintf("exit %d", want), want)
	}
	if out := imgRun(t, m, "seq 1 3", 0); out != "1\n2\n3\n" {
		t.Errorf("seq 1 3: %q", out)
	}
}

// An image machine's configuration: the agent port, the firmware, the
// image's format read from its content.
func TestImageConfig(t *testing.T) {
	dir := t.TempDir()
	qcow := filepath.Join(dir, "disk.img")
	if out, err := exec.Command("qemu-img", "create", "-q", "-f", "qcow2", qcow, "16M").CombinedOutput(); err != nil {
		t.Fatalf("qemu-img: %v: %s", err, out)
	}
	raw := filepath.Join(dir, "disk.qcow2") // misnamed on purpose
	os.WriteFile(raw, make([]byte, 1<<20), 0o644)
	for _, c := range []struct {
		image, format string
		uefi          bool
		want, not     []string
	}{
		{qcow, "qcow2", true, []string{"if=pflash,format=raw,unit=0,readonly=on", "efivars.qcow2"}, []string{"-bios"}},
		{raw, "raw", false, nil, []string{"pflash", "-bios"}},
	} {
		cfg, err := qemu.Spec{Name: "img", DiskImage: c.image, UEFI: c.uefi}.Config(qemutest.TempDir(t), 1, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !cfg.GuestAgent {
			t.Errorf("%s: no guest agent", c.image)
		}
		if len(cfg.Disks) == 0 || cfg.Disks[0].BackingFormat != c.format {
			t.Errorf("%s: disks %+v, want the overlay over a %s image first", c.image, cfg.Disks, c.format)
		}
		if _, err := qemu.New(cfg); err != nil {
			t.Fatal(err)
		}
		line := strings.Join(cfg.Command, " ")
		for _, w := range c.want {
			if !strings.Contains(line, w) && !strings.Contains(fmt.Sprint(cfg.Disks), w) {
				t.Errorf("%s: %q missing from %s", c.image, w, line)
			}
		}
		for _, w := range c.not {
			if strings.Contains(line, w) {
				t.Errorf("%s: %q in %s", c.image, w, line)
			}
		}
	}
	cfg, err := qemu.Spec{Name: "img", DiskImage: raw, UEFI: true, BIOS: raw}.Config(qemutest.TempDir(t), 1, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if line := strings.Join(cfg.Command, " "); !strings.Contains(line, "-bios "+raw) || strings.Contains(line, "pflash") {
		t.Errorf("an explicit firmware file replaces OVMF: %s", line)
	}
}

// An image that answers neither way (this one does not even boot) fails
// at the boot timeout with an error that names both ways.
func TestImageNeitherAnswers(t *testing.T) {
	img := filepath.Join(qemutest.TempDir(t), "blank.img")
	os.WriteFile(img, make([]byte, 1<<20), 0o644)
	cfg, err := qemu.Spec{Name: "blank", DiskImage: img, MemoryMB: 128, NoNetwork: true}.Config(qemutest.TempDir(t), 1, nil, qemutest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.BootTimeout = 10 * time.Second
	m, err := qemu.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	began := time.Now()
	err = m.Connect(context.Background())
	if err == nil || !strings.Contains(err.Error(), "neither the backdoor shell") || !strings.Contains(err.Error(), "guest agent") {
		t.Fatalf("Connect to a guest with neither: %v", err)
	}
	if d := time.Since(began); d > 15*time.Second {
		t.Errorf("gave up after %s, the boot timeout is 10 s", d)
	}
	t.Logf("%v", err)
}

// BenchmarkImageEcho measures one command round trip on the test image:
// through guest-exec (agent-exec), through the shell the agent starts
// (agent-shell, the default) and through the image's own backdoor.
func BenchmarkImageEcho(b *testing.B) {
	for _, c := range []struct {
		name string
		v    imageguest.Variant
	}{{"agent-exec", imageguest.Agent}, {"agent-shell", imageguest.Agent}, {"backdoor", imageguest.Backdoor}} {
		b.Run(c.name, func(b *testing.B) {
			if c.name == "agent-exec" {
				b.Setenv("VMT_AGENT_EXEC", "1")
			}
			m := bootImage(b, "bench"+c.v.String(), c.v, false)
			ctx := context.Background()
			for b.Loop() {
				if status, out, err := m.Execute(ctx, "echo hello", 0, nil); err != nil || status != 0 || string(out) != "hello\n" {
					b.Fatalf("(%d, %q, %v)", status, out, err)
				}
			}
		})
	}
}
