//go:build integration

package vmtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// TestRunKernelWithout9p boots the test kernel beside a module tree
// without the 9p modules (as a kernel built without them): the target
// fails to boot, and the error names the options and modules it needs.
func TestRunKernelWithout9p(t *testing.T) {
	real := qemutest.Image(t).Kernel
	version := strings.TrimPrefix(filepath.Base(real), "vmlinuz-")
	realMods := filepath.Join(filepath.Dir(filepath.Dir(real)), "lib", "modules", version)
	dir := t.TempDir()
	mods := filepath.Join(dir, "lib", "modules", version)
	if err := os.MkdirAll(filepath.Join(dir, "boot"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(mods, 0o755); err != nil {
		t.Fatal(err)
	}
	kernel := filepath.Join(dir, "boot", filepath.Base(real))
	if err := os.Symlink(real, kernel); err != nil {
		t.Fatal(err)
	}
	// Only the virtio drivers and the console: no 9p. (A tree without
	// modules.dep is indexed from the modules themselves.)
	for _, sub := range []string{"drivers/virtio", "drivers/char"} {
		if err := linkTree(filepath.Join(realMods, "kernel", sub), filepath.Join(mods, "kernel", sub)); err != nil {
			t.Fatal(err)
		}
	}
	x := NewTarget()
	x.Name, x.Kernel, x.Command = "no9p", kernel, "true"
	results, _ := runTargets(t, []Target{x}, Options{Verbose: testing.Verbose()})
	r := results[0]
	if r.Outcome != NoBoot || r.Err == nil || !strings.Contains(r.Err.Error(), "CONFIG_NET_9P_VIRTIO") || !strings.Contains(r.Err.Error(), "9pnet_virtio") {
		t.Errorf("result %s (%v), want a boot failure naming the 9p options and modules", r, r.Err)
	}
}

// linkTree links the files under src into dst.
func linkTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		return os.Symlink(p, filepath.Join(dst, rel))
	})
}

func TestCheck(t *testing.T) {
	work := t.TempDir()
	for _, c := range []struct {
		target Target
		want   string
	}{
		{Target{Name: "a", Kernel: "/nonexistent/bzImage", RootFS: "/", Command: "true"}, "target a: kernel /nonexistent/bzImage: no such file"},
		{Target{Name: "a", Image: "/nonexistent.qcow2", Command: "true"}, "target a: image /nonexistent.qcow2: no such file"},
		{Target{Name: "a", Kernel: "/", RootFS: "/", Command: "true"}, "kernel / is a directory"},
		{Target{Name: "a", Command: "true"}, "give a kernel (-k, kernel=) or a disk image (-i, image=)"},
		{Target{Name: "a", Kernel: "/dev/null", RootFS: "/nonexistent", Command: "true"}, "root file system /nonexistent is not a directory"},
		{Target{Name: "a", Kernel: "/dev/null", RootFS: t.TempDir(), Command: "true"}, "has no directory"},
		{Target{Name: "a", Kernel: "/dev/null", RootFS: "/", Arch: "riscv64", Command: "true"}, `architecture "riscv64" is not supported`},
		{Target{Name: "a", Kernel: "/dev/null", RootFS: "/", Command: "true", VM: VM{Mounts: []Mount{{GuestPath: "/no/such/dir", HostPath: work}}}}, "mount /no/such/dir: the root file system / has no directory /no/such/dir to mount it on"},
		{Target{Name: "a", Kernel: "/dev/null", RootFS: "/", Command: "true", Line: 7, VM: VM{Mounts: []Mount{{GuestPath: "/mnt", HostPath: "/no/host"}}}}, "target a (line 7): mount /mnt: host_path /no/host is not a directory"},
	} {
		err := c.target.Check(work)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.target, err, c.want)
		}
	}
}
