package lint

import (
	"testing"

	"github.com/vmt-dev/vmt/internal/testcases"
)

// FuzzFile feeds arbitrary bytes to the linter: it must never panic, and
// every finding must name a rule and point inside the text.
// Run with: go test ./lint -fuzz FuzzFile
func FuzzFile(f *testing.F) {
	for _, c := range testcases.Load(f, "testdata/*.star") {
		f.Add([]byte(c.Text()))
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
