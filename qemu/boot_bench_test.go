//go:build integration

package qemu_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// BenchmarkColdBoot measures a boot from QEMU's start to the first
// command's answer, for the default guest (the host's kernel) and for a
// declared kernel and initrd (the test guest), and splits it into phases
// (see bootPhases). Machines boot in full, not from a snapshot. Run it
// with -benchtime=5x: each op is a whole boot.
func BenchmarkColdBoot(b *testing.B) {
	guests := []struct {
		name string
		spec func(testing.TB) qemu.Spec
	}{
		{"default", func(testing.TB) qemu.Spec { return qemu.Spec{Name: "cold", NoSnapshot: true} }},
		{"declared-kernel", func(t testing.TB) qemu.Spec {
			s := qemutest.Spec(t, "cold")
			s.NoSnapshot = true
			return s
		}},
	}
	for _, g := range guests {
		b.Run(g.name, func(b *testing.B) {
			var total bootPhases
			boots := 0
			for b.Loop() {
				total.add(coldBoot(b, g.spec(b)))
				boots++
			}
			total.report(b, boots)
		})
	}
}

// bootPhases is where a boot's time goes. The guest's clock starts early
// in the kernel (its printk and uptime zero), which ties guest times to
// the host's: what comes before it is firmware, kernel loading and
// decompression.
type bootPhases struct {
	config       time.Duration // Spec.Config: the guest image (cached) and the command line
	firmware     time.Duration // QEMU start to the kernel's clock zero: QEMU, firmware, decompression
	kernel       time.Duration // kernel clock zero to /init
	rc           time.Duration // /init to the backdoor shell's start: /etc/rc (modules, network, mounts)
	connect      time.Duration // the backdoor shell's start to vmt's connection
	firstCommand time.Duration // QEMU start to the first command's answer
	// qemuCPU is the processor time QEMU used up to the first command's
	// answer: under TCG a boot is mostly computation, and this measure
	// varies less than the others when other programs load the host.
	qemuCPU time.Duration
}

func (p *bootPhases) add(q bootPhases) {
	p.config += q.config
	p.firmware += q.firmware
	p.kernel += q.kernel
	p.rc += q.rc
	p.connect += q.connect
	p.firstCommand += q.firstCommand
	p.qemuCPU += q.qemuCPU
}

// report gives the mean of each phase over boots, in seconds.
func (p *bootPhases) report(b *testing.B, boots int) {
	if boots == 0 {
		return
	}
	mean := func(d time.Duration) float64 { return d.Seconds() / float64(boots) }
	b.ReportMetric(mean(p.firstCommand), "s/first-command")
	b.ReportMetric(mean(p.config), "s/config")
	b.ReportMetric(mean(p.firmware), "s/firmware+decompress")
	b.ReportMetric(mean(p.kernel), "s/kernel-to-init")
	b.ReportMetric(mean(p.rc), "s/rc")
	b.ReportMetric(mean(p.connect), "s/connect")
	b.ReportMetric(mean(p.qemuCPU), "cpu-s/qemu")
}

// bootProbe prints the guest's uptime, the kernel's time of starting
// /init (from its log) and the start time of the shell running it, in
// clock ticks since boot.
const bootProbe = `cat /proc/uptime; dmesg | sed -n 's/^\[ *\([0-9.]*\)\] Run .* as init process$/\1/p'; cut -d' ' -f22 /proc/$$/stat`

// userHZ is the unit of /proc/PID/stat's start time on Linux.
const userHZ = 100

// coldBoot boots a machine of spec, runs the first command and returns
// the boot's phases.
func coldBoot(b *testing.B, spec qemu.Spec) bootPhases {
	b.Helper()
	dir, err := os.MkdirTemp("", "vmt")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	began := time.Now()
	cfg, err := spec.Config(dir, 1, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	m, err := qemu.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	started := time.Now()
	if err := m.Start(); err != nil {
		b.Fatal(err)
	}
	if err := m.Connect(ctx); err != nil {
		b.Fatal(err)
	}
	connected := time.Now()
	status, out, err := m.Execute(ctx, bootProbe, 0, nil)
	answered := time.Now()
	if err != nil || status != 0 {
		b.Fatalf("boot probe: (%d, %q, %v)", status, out, err)
	}
	fields := strings.Fields(string(out))
	if len(fields) != 4 {
		b.Fatalf("boot probe: want uptime (2 fields), /init time and shell start, got %q", out)
	}
	seconds := func(s string, unit float64) time.Duration {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			b.Fatalf("boot probe: %q in %q: %v", s, out, err)
		}
		return time.Duration(v / unit * float64(time.Second))
	}
	uptime, initAt, shellAt := seconds(fields[0], 1), seconds(fields[2], 1), seconds(fields[3], userHZ)
	// The probe ran between connected and answered: take the midpoint.
	clockZero := connected.Add(answered.Sub(connected)/2 - uptime)
	p := bootPhases{
		config:       started.Sub(began),
		firmware:     clockZero.Sub(started),
		kernel:       initAt,
		rc:           shellAt - initAt,
		connect:      connected.Sub(clockZero.Add(shellAt)),
		firstCommand: answered.Sub(started),
		qemuCPU:      qemuCPU(b, dir),
	}
	b.Logf("%s: %s", spec.Name, p)
	return p
}

func (p bootPhases) String() string {
	return fmt.Sprintf("first command %.2fs = firmware+decompress %.2fs + kernel %.2fs + rc %.2fs + connect %.2fs (config before: %.2fs; QEMU used %.2fs of CPU)",
		p.firstCommand.Seconds(), p.firmware.Seconds(), p.kernel.Seconds(), p.rc.Seconds(), p.connect.Seconds(), p.config.Seconds(), p.qemuCPU.Seconds())
}

// qemuCPU returns the processor time (user and system) used so far by the
// QEMU of the run in dir.
func qemuCPU(b *testing.B, dir string) time.Duration {
	b.Helper()
	for pid, cmdline := range qemutest.Processes(dir) {
		if !strings.HasPrefix(cmdline, "qemu-system-") {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			b.Fatal(err)
		}
		// Fields after the command name in parentheses: utime and stime
		// are the 12th and 13th (14th and 15th of the line).
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		utime, err1 := strconv.Atoi(fields[11])
		stime, err2 := strconv.Atoi(fields[12])
		if err1 != nil || err2 != nil {
			b.Fatalf("/proc/%d/stat: %q", pid, stat)
		}
		return time.Duration(utime+stime) * time.Second / userHZ
	}
	b.Fatalf("no QEMU process runs for %s", dir)
	return 0
}
