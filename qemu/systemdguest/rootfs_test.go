package systemdguest

import (
	"strings"
	"testing"
)

// The cache key follows every input: the package list and the builder's
// version (the embedded files are hashed the same way).
func TestRootKeyFollowsInputs(t *testing.T) {
	base, err := rootKey()
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := rootKey(); again != base {
		t.Fatalf("rootKey is not stable: %s then %s", base, again)
	}
	saved := Packages
	Packages = append(append([]string(nil), saved...), "python3-minimal")
	changed, _ := rootKey()
	Packages = saved
	if changed == base {
		t.Errorf("adding a package left the cache key at %s", base)
	}
}

// A missing tool is named with the package to install.
func TestMissingToolSaysWhatToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := buildRoot(t.TempDir(), "unused")
	if err == nil || !strings.Contains(err.Error(), "install mmdebstrap") {
		t.Fatalf("buildRoot without mmdebstrap on PATH: %v, want an error saying to install mmdebstrap", err)
	}
}
