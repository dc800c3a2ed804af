//go:build integration

package guest

import (
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/qemu/initramfs"
)

// TestBuildDebianGuest builds the test guest from the Debian kernel package
// and checks what the initramfs holds.
func TestBuildDebianGuest(t *testing.T) {
	k, err := DebianKernel("linux-image-amd64")
	if err != nil {
		t.Fatal(err)
	}
	img, err := Build(k)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Build(k)
	if err != nil || again.Initramfs != img.Initramfs {
		t.Fatalf("a second build did not reuse the cache: %v", err)
	}
	dir := t.TempDir()
	f, err := os.Open(img.Initramfs)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("busybox", "cpio", "-id")
	cmd.Dir, cmd.Stdin = dir, zr
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("extracting the initramfs: %v: %s", err, out)
	}
	for _, want := range []string{"bin/busybox", "etc/inittab", "etc/rc", "etc/backdoor", "lib/modules/virtio_console.ko", "lib/modules/9p.ko"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("initramfs lacks %s", want)
		}
	}
	if target, err := os.Readlink(filepath.Join(dir, "init")); err != nil || target != "bin/busybox" {
		t.Errorf("/init -> %q, %v", target, err)
	}
	order, err := os.ReadFile(filepath.Join(dir, "etc/modules"))
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, name := range strings.Fields(string(order)) {
		pos[name] = i + 1
	}
	// Each module after what it depends on, the whole closure present.
	for _, pair := range [][2]string{{"virtio_ring", "virtio"}, {"virtio", "virtio_console"}, {"virtio", "virtio_pci"}, {"9pnet", "9pnet_virtio"}, {"netfs", "9p"}, {"9pnet", "9p"}, {"failover", "net_failover"}, {"net_failover", "virtio_net"}} {
		if pos[pair[0]] == 0 || pos[pair[1]] == 0 || pos[pair[0]] > pos[pair[1]] {
			t.Errorf("%s must be loaded before %s; order:\n%s", pair[0], pair[1], order)
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "etc/backdoor"))
	if !bytes.Contains(data, []byte("Spawning backdoor root shell...")) {
		t.Error("the backdoor script does not announce the shell")
	}
}

// TestCompressedModuleTree resolves and reads modules shipped xz-compressed
// (as Debian 13 and Ubuntu ship them) from a tree with no modules.dep.
func TestCompressedModuleTree(t *testing.T) {
	k, err := DebianKernel("linux-image-amd64")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := initramfs.OpenModuleTree(k.ModulesDir)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := tree.Resolve([]string{"virtio_console"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, m := range mods {
		rel, _ := filepath.Rel(k.ModulesDir, m.Path)
		dst := filepath.Join(dir, rel+".xz")
		os.MkdirAll(filepath.Dir(dst), 0o755)
		out, err := exec.Command("xz", "-c", m.Path).Output()
		if err != nil {
			t.Fatalf("xz: %v", err)
		}
		os.WriteFile(dst, out, 0o644)
	}
	xzTree, err := initramfs.OpenModuleTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := xzTree.Resolve([]string{"virtio_console"}, nil)
	if err != nil || len(got) != len(mods) {
		t.Fatalf("compressed tree: %v, %v (want %d modules)", got, err, len(mods))
	}
	data, err := initramfs.ReadModule(got[len(got)-1].Path)
	if err != nil || !bytes.HasPrefix(data, []byte("\x7fELF")) {
		t.Fatalf("reading %s: %v", got[len(got)-1].Path, err)
	}
}
