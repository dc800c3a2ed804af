package suite

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("start_all()\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A directory gives its *.star files, recursively and sorted, named below
// it; a file is named by its base name; a file given again through its
// directory runs once.
func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, "tests/net/ping.star", "tests/boot.star", "tests/README.md", "tests/z/a.star", "extra.star")
	tests, found, err := Discover([]string{filepath.Join(dir, "tests"), filepath.Join(dir, "extra.star"), filepath.Join(dir, "tests/boot.star")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tt := range tests {
		names = append(names, tt.Name)
		if _, err := os.Stat(tt.Path); err != nil {
			t.Errorf("test %s: path %s: %v", tt.Name, tt.Path, err)
		}
	}
	if want := []string{"boot.star", "net/ping.star", "z/a.star", "extra.star"}; !reflect.DeepEqual(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
	want := []Found{
		{Arg: filepath.Join(dir, "tests"), Dir: true, Count: 3},
		{Arg: filepath.Join(dir, "extra.star"), Count: 1},
		{Arg: filepath.Join(dir, "tests/boot.star"), Count: 1},
	}
	if !reflect.DeepEqual(found, want) {
		t.Errorf("found %+v, want %+v", found, want)
	}
}

func TestDiscoverErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, "a/x.star", "b/x.star", "empty/notes.txt")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{filepath.Join(dir, "missing.star")}, "missing.star: no such file"},
		{[]string{filepath.Join(dir, "empty")}, "holds no *.star file"},
		{[]string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}, "would both be named x.star"},
	} {
		_, _, err := Discover(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Discover(%v): %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}
