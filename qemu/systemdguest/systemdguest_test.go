//go:build integration

package systemdguest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// TestSystemdGuestHonoursTheNixOSContract boots the Debian systemd guest
// from its NixOS-style start script, on VLAN 1, and checks what NixOS tests
// rely on: the backdoor, systemd's state, a real service on a port, a
// failed service, a lingering user's unit, the 9p shares, the hostname
// and the VLAN address from the kernel command line.
func TestSystemdGuestHonoursTheNixOSContract(t *testing.T) {
	dir := qemutest.TempDir(t)
	v, err := qemu.StartVLAN(1, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Stop)
	t.Setenv("QEMU_VDE_SOCKET_1", v.Dir)
	script := qemutest.SystemdStartScript(t, dir, "server", 3, 1)
	base := qemutest.SystemdGuest(t).Root
	fi, err := os.Stat(base)
	if err != nil {
		t.Fatal(err)
	}
	baseTime := fi.ModTime()
	m, err := qemu.New(qemu.Config{StartScript: script, TmpDir: dir, Log: qemutest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Release() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	began := time.Now()
	if err := m.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("boot to backdoor: %s", time.Since(began).Round(100*time.Millisecond))

	// out runs command and returns its trimmed output; want is its status.
	out := func(t *testing.T, command string, want int) string {
		t.Helper()
		status, stdout, err := m.Execute(ctx, command, 2*time.Minute, nil)
		if err != nil {
			t.Fatalf("%s: %v", command, err)
		}
		if status != want {
			t.Fatalf("%s: status %d, want %d; output:\n%s", command, status, want, stdout)
		}
		return strings.TrimSpace(string(stdout))
	}
	expect := func(t *testing.T, command string, want int, output string) {
		t.Helper()
		if got := out(t, command, want); got != output {
			t.Errorf("%s: %q, want %q", command, got, output)
		}
	}

	t.Run("system", func(t *testing.T) {
		began := time.Now()
		// degraded, because vmt-broken fails on purpose: status 1.
		expect(t, "systemctl is-system-running --wait", 1, "degraded")
		t.Logf("backdoor to system up: %s", time.Since(began).Round(100*time.Millisecond))
		t.Logf("systemd-analyze:\n%s\n%s", out(t, "systemd-analyze time", 0), out(t, "systemd-analyze blame | head -n 8", 0))
		expect(t, "systemctl --failed --plain --no-legend | cut -d' ' -f1", 0, "vmt-broken.service")
		expect(t, "systemctl is-active backdoor.service getty@tty1.service vmt-net.service", 0, "active\nactive\nactive")
	})
	t.Run("port service", func(t *testing.T) {
		expect(t, "systemctl is-active vmt-web.service", 0, "active")
		expect(t, "ss -Hltn 'sport = :80' | wc -l", 0, "1")
		expect(t, "nc -z localhost 80", 0, "")
		expect(t, "busybox wget -qO- http://localhost/", 0, "hello from vmt's systemd guest")
	})
	t.Run("failing service", func(t *testing.T) {
		expect(t, "systemctl is-failed vmt-broken.service", 0, "failed")
		expect(t, "systemctl show -P Result vmt-broken.service", 0, "exit-code")
	})
	t.Run("user unit", func(t *testing.T) {
		expect(t, "loginctl show-user alice -P Linger", 0, "yes")
		// The NixOS driver's systemctl(user=) runs this very command.
		expect(t, `su -l alice --shell /bin/sh -c 'XDG_RUNTIME_DIR=/run/user/$(id -u) systemctl --user is-active vmt-hello.service'`, 0, "active")
	})
	t.Run("9p shares", func(t *testing.T) {
		expect(t, "awk '$2 ~ /^\\/tmp\\/(xchg|shared)$/ {print $1, $2, $3}' /proc/mounts | sort", 0,
			"shared /tmp/shared 9p\nxchg /tmp/xchg 9p")
		if err := os.WriteFile(filepath.Join(m.SharedDir(), "from-host"), []byte("written by the host\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		expect(t, "cat /tmp/shared/from-host", 0, "written by the host")
		out(t, "echo written by the guest > /tmp/xchg/from-guest", 0)
		data, err := os.ReadFile(filepath.Join(m.StateDir(), "xchg", "from-guest"))
		if err != nil || string(data) != "written by the guest\n" {
			t.Errorf("xchg/from-guest on the host: %q, %v", data, err)
		}
	})
	t.Run("copy-on-write overlay", func(t *testing.T) {
		expect(t, "echo changed > /etc/vmt-written && sync && cat /etc/vmt-written", 0, "changed")
		if _, err := os.Stat(filepath.Join(m.StateDir(), "server.qcow2")); err != nil {
			t.Errorf("the machine's overlay: %v", err)
		}
		if fi, err := os.Stat(base); err != nil || !fi.ModTime().Equal(baseTime) {
			t.Errorf("the cached base image %s changed under a machine (%v)", base, err)
		}
	})
	t.Run("hostname and VLAN address", func(t *testing.T) {
		expect(t, "hostname", 0, "server")
		expect(t, "ip -4 -o addr show to 192.168.1.0/24 | awk '{print $4}'", 0, "192.168.1.3/24")
	})
}
