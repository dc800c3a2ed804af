package lint

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzFile feeds arbitrary bytes to the linter: it must never panic, and
// every finding must name a rule and point inside the text.
// Run with: go test ./lint -fuzz FuzzFile
func FuzzFile(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.star")
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range splitCases(path, string(data)) {
			f.Add([]byte(c.src))
		}
	}
	f.Add([]byte(benchScript()))
	f.Add([]byte("\xff\xfe(\"\n\t  x = [1,\n"))
	f.Add([]byte("def f(*, a, **k):\n  return lambda *a, **b: f(*a, **b)\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, finding := range File("fuzz.star", src, Config{}) {
			if RuleByName(finding.Rule) == nil {
				t.Fatalf("finding of unknown rule %q", finding.Rule)
			}
			if finding.Pos.Line < 1 || finding.Pos.Col < 1 {
				t.Fatalf("finding at invalid position %+v", finding.Pos)
			}
			ApplyFixes(src, []Finding{finding})
		}
	})
}
