package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/internal/testcases"
)

// The testdata files follow go.starlark.net's convention (package
// internal/testcases): a file is split into independent cases by lines
// holding only "---", and a finding a case must produce is written on the
// line it is reported at, as
//
//	code  ### rule-name
//	code  ### rule-name: "message regexp"     (or `message regexp`)
//
// Every finding must be expected and every expectation met, so cases
// without ### are look-alikes that must stay silent. Cases set up machines
// with the `# vmt: machines=...` directive.

var expectation = regexp.MustCompile("^([a-z][a-z-]*)(?::\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`))?$")

type expected struct {
	line    int
	rule    string
	message *regexp.Regexp
	met     bool
}

func parseExpectations(t *testing.T, c testcases.Case) []*expected {
	var exps []*expected
	for _, x := range c.Expectations() {
		m := expectation.FindStringSubmatch(x.Text)
		if m == nil {
			t.Fatalf("%s: expectation %q is not rule-name or rule-name: \"message regexp\"", c.Where(x.Line), x.Text)
		}
		e := &expected{line: x.Line, rule: m[1]}
		if RuleByName(e.rule) == nil {
			t.Errorf("%s: expectation names unknown rule %q", c.Where(x.Line), e.rule)
		}
		if m[2] != "" {
			text := m[2][1 : len(m[2])-1]
			if m[2][0] == '"' {
				var err error
				if text, err = strconv.Unquote(m[2]); err != nil {
					t.Fatalf("%s: bad quoted message: %v", c.Where(x.Line), err)
				}
			}
			re, err := regexp.Compile(text)
			if err != nil {
				t.Fatalf("%s: bad message regexp: %v", c.Where(x.Line), err)
			}
			e.message = re
		}
		exps = append(exps, e)
	}
	return exps
}

// checkCase lints one case and compares findings with its expectations; it
// returns how many findings each rule produced.
func checkCase(t *testing.T, c testcases.Case) map[string]int {
	t.Helper()
	exps := parseExpectations(t, c)
	counts := map[string]int{}
	for _, f := range File(c.File, []byte(c.Text()), Config{}) {
		counts[f.Rule]++
		matched := false
		for _, e := range exps {
			if !e.met && e.line == f.Pos.Line && e.rule == f.Rule && (e.message == nil || e.message.MatchString(f.Message)) {
				e.met, matched = true, true
				break
			}
		}
		if !matched {
			t.Errorf("%s:%d: unexpected %s: %s", c.Where(f.Pos.Line), f.Pos.Col, f.Rule, f.Message)
		}
	}
	for _, e := range exps {
		if !e.met {
			want := e.rule
			if e.message != nil {
				want += fmt.Sprintf(" matching %q", e.message)
			}
			t.Errorf("%s: expected %s, not reported", c.Where(e.line), want)
		}
	}
	return counts
}

func TestRules(t *testing.T) {
	hits := map[string]int{}
	silentCases := map[string]int{}
	for _, c := range testcases.Load(t, "testdata/*.star") {
		rule := strings.TrimSuffix(filepath.Base(c.File), ".star")
		counts := checkCase(t, c)
		for r, n := range counts {
			hits[r] += n
		}
		// A case expecting the rule reports it, or checkCase failed.
		if counts[rule] == 0 {
			silentCases[rule]++
		}
	}
	// Every rule shows what it reports and what it leaves alone.
	for _, r := range Rules() {
		if _, err := os.Stat(filepath.Join("testdata", r.Name+".star")); err != nil {
			t.Errorf("rule %s has no testdata/%s.star", r.Name, r.Name)
			continue
		}
		if hits[r.Name] == 0 {
			t.Errorf("rule %s: no testdata case reports it", r.Name)
		}
		if silentCases[r.Name] == 0 {
			t.Errorf("rule %s: testdata/%s.star has no look-alike case that must stay silent", r.Name, r.Name)
		}
	}
}

func TestRulesHaveDocs(t *testing.T) {
	kebab := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	for _, r := range Rules() {
		if !kebab.MatchString(r.Name) {
			t.Errorf("rule name %q is not kebab-case", r.Name)
		}
		if len(r.Doc) < 80 || !strings.HasSuffix(r.Doc, ".") {
			t.Errorf("rule %s: doc should be a paragraph ending with a period", r.Name)
		}
	}
}
