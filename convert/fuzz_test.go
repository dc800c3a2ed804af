package convert

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzConvert feeds the converter arbitrary text, as Python and as Nix: it
// must return a result or an error, never panic.
func FuzzConvert(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.py")
	nix, _ := filepath.Glob("testdata/*.nix")
	for _, path := range append(seeds, nix...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("f'{x!r:>{w}}' f\"{{\" '''a\n'''\n")
	f.Add("with subtest('a'):\n  with subtest('b'):\n    pass\n")
	f.Fuzz(func(t *testing.T, src string) {
		Python(src)
		Nix("{ testScript = ''\n" + src + "\n''; }")
	})
}
