//go:build integration

package guest

import (
	"os"
	"path/filepath"
	"testing"
)

// KernelAt finds the module tree of a kernel unpacked from a Debian
// package (lib/modules beside boot/) from its file name; the bzImage
// header names the release too; a file that is no kernel has none.
func TestKernelAt(t *testing.T) {
	k, err := DebianKernel("linux-image-amd64")
	if err != nil {
		t.Fatal(err)
	}
	got, err := KernelAt(k.Image)
	if err != nil || got.ModulesDir != k.ModulesDir {
		t.Errorf("KernelAt(%s) = %+v, %v; want modules %s", k.Image, got, err, k.ModulesDir)
	}
	// A bzImage under another name (a kernel build's) names its release.
	f, err := os.Open(k.Image)
	if err != nil {
		t.Fatal(err)
	}
	if v := bzImageVersion(f); "vmlinuz-"+v != filepath.Base(k.Image) {
		t.Errorf("bzImage version %q, want the one of %s", v, k.Image)
	}
	f.Close()
	other := filepath.Join(t.TempDir(), "bzImage")
	os.WriteFile(other, []byte("not a kernel"), 0o644)
	if got, err := KernelAt(other); err != nil || got.ModulesDir != "" {
		t.Errorf("KernelAt(a non-kernel) = %+v, %v; want no modules", got, err)
	}
	if _, err := KernelAt(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("KernelAt(a missing file) succeeded")
	}
}
