package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata/corpus holds real-style test scripts: helpers that take
// machines, regexes and formats kept in variables, declared machines.
// Each NAME-clean.star gets no finding at all; NAME-seeded.star is the
// same test with the mistakes people make, each expected on its line.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.star")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	seeded, clean := 0, 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		c := testCase{file, 1, string(data)}
		if strings.HasSuffix(file, "-clean.star") {
			clean++
			if strings.Contains(c.src, "###") {
				t.Errorf("%s: a clean script expects findings", file)
			}
		} else {
			seeded += len(parseExpectations(t, c))
		}
		checkCase(t, c)
	}
	t.Logf("%d clean scripts, %d seeded mistakes found at their lines", clean, seeded)
}
