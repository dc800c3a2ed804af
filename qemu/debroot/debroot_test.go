package debroot

import (
	"strings"
	"testing"
	"testing/fstest"
)

func testRoot() Root {
	return Root{
		What: "a test root", Version: "test-1", CacheDir: "test", Suite: "bookworm",
		Packages: []string{"systemd-sysv"}, Label: "test", Size: "64M",
		Tree: fstest.MapFS{"tree/etc/hostname": {Data: []byte("x\n")}},
	}
}

// The cache key follows every input: packages, files and the version.
func TestKeyFollowsInputs(t *testing.T) {
	r := testRoot()
	base, err := r.Key()
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := r.Key(); again != base {
		t.Fatalf("Key is not stable: %s then %s", base, again)
	}
	changes := map[string]func(*Root){
		"a package": func(r *Root) { r.Packages = append(r.Packages, "procps") },
		"a file":    func(r *Root) { r.Tree = fstest.MapFS{"tree/etc/hostname": {Data: []byte("y\n")}} },
		"a version": func(r *Root) { r.Version = "test-2" },
		"the size":  func(r *Root) { r.Size = "128M" },
	}
	for what, change := range changes {
		changed := testRoot()
		change(&changed)
		if key, _ := changed.Key(); key == base {
			t.Errorf("changing %s left the cache key at %s", what, base)
		}
	}
}

// A missing tool is named with the package to install, before anything
// is built.
func TestMissingToolSaysWhatToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("VMT_CACHE_DIR", t.TempDir())
	_, err := testRoot().Image()
	if err == nil || !strings.Contains(err.Error(), "install mmdebstrap") {
		t.Fatalf("Image without mmdebstrap on PATH: %v, want an error saying to install mmdebstrap", err)
	}
}
