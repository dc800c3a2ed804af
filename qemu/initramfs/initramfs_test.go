package initramfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree lays down a fake module tree: name -> dependencies.
func writeTree(t *testing.T, withDep bool, mods map[string][]string, builtin ...string) string {
	t.Helper()
	dir := t.TempDir()
	var dep strings.Builder
	for name, deps := range mods {
		rel := "kernel/drivers/" + strings.ReplaceAll(name, "_", "-") + ".ko"
		os.MkdirAll(filepath.Join(dir, "kernel/drivers"), 0o755)
		os.WriteFile(filepath.Join(dir, rel), []byte("not an ELF file"), 0o644)
		dep.WriteString(rel + ":")
		for _, d := range deps {
			dep.WriteString(" kernel/drivers/" + d + ".ko")
		}
		dep.WriteString("\n")
	}
	if withDep {
		os.WriteFile(filepath.Join(dir, "modules.dep"), []byte(dep.String()), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "modules.builtin"), []byte(strings.Join(builtin, "\n")), 0o644)
	return dir
}

func TestResolveFromModulesDep(t *testing.T) {
	dir := writeTree(t, true, map[string][]string{
		"9p":           {"9pnet", "netfs"},
		"9pnet":        nil,
		"netfs":        nil,
		"9pnet_virtio": {"9pnet", "virtio_ring"},
		"virtio_ring":  nil,
		"virtio_net":   {"net_failover", "virtio_ring"},
		"net_failover": {"failover"},
		"failover":     nil,
	}, "kernel/drivers/virtio/virtio_pci.ko")
	tree, err := OpenModuleTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := tree.Resolve([]string{"virtio_pci", "9p", "virtio-net"}, []string{"9pnet_virtio", "not_there"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	pos := map[string]int{}
	for i, m := range mods {
		names = append(names, m.Name)
		pos[m.Name] = i
	}
	if len(mods) != 8 {
		t.Fatalf("got %v, want the 8 modules of the closure (virtio_pci is built in)", names)
	}
	for mod, deps := range map[string][]string{"9p": {"9pnet", "netfs"}, "virtio_net": {"net_failover", "virtio_ring"}, "net_failover": {"failover"}, "9pnet_virtio": {"9pnet", "virtio_ring"}} {
		for _, d := range deps {
			if pos[d] > pos[mod] {
				t.Errorf("%s loads before its dependency %s: %v", mod, d, names)
			}
		}
	}
	if _, err := tree.Resolve([]string{"virtio_console"}, nil); err == nil || !strings.Contains(err.Error(), "virtio_console") {
		t.Errorf("missing module: %v", err)
	}
}
