//go:build integration

package qemu_test

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

// TestHostRoot boots the test kernel with the host's root shared read-only
// and a working directory shared writable at its own path: host programs
// run in the guest, its writes reach the host, the root stays read-only.
func TestHostRoot(t *testing.T) {
	dir := qemutest.TempDir(t)
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	spec := qemu.Spec{
		Name: "hostroot", Kernel: qemutest.Image(t).Kernel, MemoryMB: 256, RootFS: "/", NoNetwork: true,
		SharedDirs: []qemu.SharedDir{{Source: work, Target: work}},
	}
	cfg, err := spec.Config(dir, 1, nil, qemutest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	m, err := qemu.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	run := func(cmd string) (int, string) {
		t.Helper()
		status, out, err := m.Execute(ctx, cmd, time.Minute, nil)
		if err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		return status, string(out)
	}
	// /usr/bin/env is the host's (busybox has no /usr/bin/env of its own).
	if status, out := run("/usr/bin/env --version"); status != 0 || !strings.Contains(out, "GNU coreutils") {
		t.Errorf("/usr/bin/env --version: status %d, output %q; want the host's coreutils", status, out)
	}
	if status, _ := run("cd " + work + " && echo from-guest > written"); status != 0 {
		t.Errorf("writing in the working directory: status %d", status)
	}
	if data, err := os.ReadFile(filepath.Join(work, "written")); err != nil || string(data) != "from-guest\n" {
		t.Errorf("the guest's file on the host: %q, %v", data, err)
	}
	if status, _ := run("touch /vmt-must-not-exist"); status == 0 {
		t.Errorf("touch /vmt-must-not-exist succeeded: the root is writable")
	}
	for _, want := range []int{0, 1, 7} {
		if status, _ := run("exit " + string(rune('0'+want))); status != want {
			t.Errorf("exit %d: status %d", want, status)
		}
	}
}
