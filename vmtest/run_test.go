//go:build integration

package vmtest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/internal/syncbuf"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// kernelTarget is a target booting the test kernel with the host's root.
func kernelTarget(t *testing.T, name, command string) Target {
	x := NewTarget()
	x.Name, x.Kernel, x.Command = name, kernelImage(t), command
	return x
}

// kernelImage is the test guest's kernel.
func kernelImage(t testing.TB) string { return qemutest.Image(t).Kernel }

func runTargets(t *testing.T, targets []Target, opts Options) ([]Result, string) {
	t.Helper()
	var out, errs syncbuf.Buffer
	opts.Stdout, opts.Stderr, opts.Env = &out, &errs, CallerEnv()
	if opts.Workdir == "" {
		opts.Workdir = t.TempDir()
	}
	for _, x := range targets {
		if err := x.Check(opts.Workdir); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	results := Run(ctx, targets, opts)
	if t.Failed() || testing.Verbose() {
		t.Logf("stderr:\n%s", errs.String())
	}
	return results, out.String()
}

// TestRunHostRoot: a host program runs in the guest, in the working
// directory (shared writable at its own path) with the caller's HOME,
// its stderr joined to its output, and its exit status comes back.
func TestRunHostRoot(t *testing.T) {
	work := t.TempDir()
	t.Setenv("HOME", "/home/vmt-test")
	// Without --net the guest has no network card.
	cmd := `/usr/bin/env | grep '^HOME=' && pwd > from-guest && test "$(ls /sys/class/net)" = lo && echo to-stderr >&2 && exit 7`
	results, out := runTargets(t, []Target{kernelTarget(t, "host", cmd)}, Options{Workdir: work})
	r := results[0]
	if r.Outcome != Failed || r.Status != 7 || r.Err != nil {
		t.Errorf("result %+v, want exit status 7", r)
	}
	if want := "HOME=/home/vmt-test\nto-stderr\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	if data, err := os.ReadFile(filepath.Join(work, "from-guest")); err != nil || string(data) != work+"\n" {
		t.Errorf("from-guest on the host: %q, %v; want %q", data, err, work+"\n")
	}
}

// TestRunTargets runs three targets (exit statuses 0, 1, 7) one after
// another, two at a time, and filtered.
func TestRunTargets(t *testing.T) {
	targets := []Target{
		kernelTarget(t, "zero", "echo zero"),
		kernelTarget(t, "one", "echo one; exit 1"),
		kernelTarget(t, "seven", "echo seven; exit 7"),
	}
	want := map[string]int{"zero": 0, "one": 1, "seven": 7}
	check := func(t *testing.T, results []Result, names ...string) {
		if len(results) != len(names) {
			t.Fatalf("%d results, want %d", len(results), len(names))
		}
		for i, r := range results {
			if r.Target != names[i] || r.Status != want[r.Target] || r.Err != nil {
				t.Errorf("result %d: %+v, want target %s with status %d", i, r, names[i], want[names[i]])
			}
		}
	}
	for _, jobs := range []int{1, 2} {
		t.Run("j"+string(rune('0'+jobs)), func(t *testing.T) {
			began := time.Now()
			results, out := runTargets(t, targets, Options{Jobs: jobs})
			t.Logf("-j %d: %.1f s", jobs, time.Since(began).Seconds())
			check(t, results, "zero", "one", "seven")
			wantOut := "zero\none\nseven\n"
			if jobs > 1 {
				wantOut = "one | one\nseven | seven\nzero | zero\n"
				lines := strings.SplitAfter(out, "\n")
				sort.Strings(lines)
				out = strings.Join(lines, "")
			}
			if out != wantOut {
				t.Errorf("output %q, want %q", out, wantOut)
			}
		})
	}
	t.Run("filter", func(t *testing.T) {
		selected, err := Select(targets, regexp.MustCompile("^(one|seven)$"))
		if err != nil {
			t.Fatal(err)
		}
		results, _ := runTargets(t, selected, Options{Jobs: 2})
		check(t, results, "one", "seven")
	})
}

func TestRunTimeout(t *testing.T) {
	results, _ := runTargets(t, []Target{kernelTarget(t, "slow", "sleep 60")}, Options{Timeout: 2 * time.Second})
	if r := results[0]; r.Outcome != TimedOut || !strings.Contains(r.Err.Error(), "did not finish within 2s") {
		t.Errorf("result %+v, want a timeout", r)
	}
}

// TestRunNet: --net gives the guest user-mode networking: QEMU's NIC with
// the address and default route of its user network.
func TestRunNet(t *testing.T) {
	cmd := `cat /sys/class/net/*/address | grep -x 52:54:00:12:34:56 && grep -q '^[a-z0-9]*\s00000000\s0202000A' /proc/net/route`
	results, out := runTargets(t, []Target{kernelTarget(t, "net", cmd)}, Options{Net: true})
	if r := results[0]; r.Outcome != Passed {
		t.Errorf("result %s (%v), output %q; want the user network's NIC and route", r, r.Err, out)
	}
}

// TestRunMounts: vm.mounts share host directories at guest paths of the
// root, writable or read-only.
func TestRunMounts(t *testing.T) {
	rw, ro := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(ro, "given"), []byte("from the host\n"), 0o644)
	x := kernelTarget(t, "mounts", `echo written > /mnt/out && cat /opt/given && ! touch /opt/refused 2>/dev/null`)
	x.VM.Mounts = []Mount{{GuestPath: "/mnt", HostPath: rw, Writable: true}, {GuestPath: "/opt", HostPath: ro}}
	results, out := runTargets(t, []Target{x}, Options{})
	if r := results[0]; r.Outcome != Passed || out != "from the host\n" {
		t.Errorf("result %s (%v), output %q", r, r.Err, out)
	}
	if data, _ := os.ReadFile(filepath.Join(rw, "out")); string(data) != "written\n" {
		t.Errorf("the writable mount on the host: %q", data)
	}
	if _, err := os.Stat(filepath.Join(ro, "refused")); err == nil {
		t.Error("the guest wrote into a read-only mount")
	}
}
