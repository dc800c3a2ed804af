package lang

import (
	"os"
	"path/filepath"
	"testing"
)

// renderGoldens are entries of every kind whose rendering is pinned in
// testdata/render/PATH.md and PATH.txt; refresh them with -update.
var renderGoldens = []string{
	"start_all",            // a function without parameters
	"Machine.succeed",      // a method with *args and a keyword parameter
	"Machine.copy_from_vm", // a deprecated method
	"machines",             // a global value
	"VLan",                 // a type with attributes
	"json",                 // a module
}

func TestRenderGolden(t *testing.T) {
	formats := map[string]Format{".md": Markdown, ".txt": Text}
	for _, path := range renderGoldens {
		entries := Default.Lookup(path)
		if len(entries) != 1 {
			t.Fatalf("%s names %d entries, want 1", path, len(entries))
		}
		for ext, format := range formats {
			got := entries[0].Render(format)
			golden := filepath.Join("testdata", "render", path+ext)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("reading %s: %v (create it with -update)", golden, err)
			}
			if got != string(want) {
				t.Errorf("%s rendered differs from %s; got\n%s", path, golden, got)
			}
		}
	}
}
