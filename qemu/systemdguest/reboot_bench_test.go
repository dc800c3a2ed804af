//go:build integration

package systemdguest_test

import (
	"context"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// BenchmarkReboot compares, on the Debian systemd guest, a cold boot to
// multi-user.target with a reboot to multi-user.target again, both ways
// vmt reboots: a machine started with AllowReboot reboots inside QEMU (the
// guest's own reboot); one started without it has QEMU exit with the guest
// (-no-reboot), and the engine starts QEMU again. The second costs no
// more than the first when the engine adds nothing of its own.
//
//	go test -tags integration ./qemu/systemdguest -run '^$' -bench Reboot -benchtime 3x
func BenchmarkReboot(b *testing.B) {
	for _, allow := range []bool{true, false} {
		name := "qemu-restarts"
		if allow {
			name = "in-guest"
		}
		b.Run(name, func(b *testing.B) {
			dir := qemutest.TempDir(b)
			script := qemutest.SystemdStartScript(b, dir, "server", 1)
			// No logger: errors carry the last console lines, and a
			// benchmark prints every line it logs.
			m, err := qemu.New(qemu.Config{StartScript: script, TmpDir: dir, AllowReboot: allow})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { m.Release() })
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(b.N+1)*5*time.Minute)
			defer cancel()
			if err := m.Start(); err != nil {
				b.Fatal(err)
			}
			began := time.Now()
			waitForMultiUser(ctx, b, m)
			coldBoot := time.Since(began)
			b.ResetTimer()
			var shutdown time.Duration
			for range b.N {
				began := time.Now()
				if err := m.Reboot(ctx); err != nil {
					b.Fatal(err)
				}
				if !allow {
					shutdown += time.Since(began)
				}
				waitForMultiUser(ctx, b, m)
			}
			b.StopTimer()
			b.ReportMetric(coldBoot.Seconds(), "s-cold-boot")
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s-reboot")
			if !allow {
				b.ReportMetric(shutdown.Seconds()/float64(b.N), "s-shutdown")
			}
		})
	}
}

// waitForMultiUser waits until multi-user.target is active, as
// wait_for_unit does: the backdoor first, then systemd's answer.
func waitForMultiUser(ctx context.Context, b *testing.B, m *qemu.Machine) {
	b.Helper()
	for {
		status, out, err := m.Execute(ctx, "systemctl is-active multi-user.target", time.Minute, nil)
		if err != nil {
			b.Fatal(err)
		}
		if status == 0 {
			return
		}
		if string(out) != "activating\n" && string(out) != "inactive\n" {
			b.Fatalf("multi-user.target: %q", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
