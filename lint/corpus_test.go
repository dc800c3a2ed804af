package lint

import (
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/internal/testcases"
)

// testdata/corpus holds real-style test scripts: helpers that take
// machines, regexes and formats kept in variables, declared machines.
// Each NAME-clean.star gets no finding at all; NAME-seeded.star is the
// same test with the mistakes people make, each expected on its line.
func TestCorpus(t *testing.T) {
	seeded, clean := 0, 0
	for _, c := range testcases.Load(t, "testdata/corpus/*.star") {
		if len(c.Lines) == 0 || c.Line != 1 {
			t.Fatalf("%s: a corpus script is one whole script, without %q lines", c.File, testcases.Separator)
		}
		exps := parseExpectations(t, c)
		if strings.HasSuffix(c.File, "-clean.star") {
			clean++
			if len(exps) > 0 {
				t.Errorf("%s: a clean script expects findings", c.File)
			}
		} else {
			seeded += len(exps)
		}
		checkCase(t, c)
	}
	t.Logf("%d clean scripts, %d seeded mistakes found at their lines", clean, seeded)
}
