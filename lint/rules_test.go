package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The testdata files follow go.starlark.net's convention: a file is split
// into independent cases by lines holding only "---", and a finding a case
// must produce is written on the line it is reported at, as
//
//	code  ### rule-name
//	code  ### rule-name: "message regexp"     (or `message regexp`)
//
// Every finding must be expected and every expectation met, so cases
// without ### are look-alikes that must stay silent. Cases set up machines
// with the `# vmt: machines=...` directive.

var expectation = regexp.MustCompile("###\\s*([a-z][a-z-]*)(?::\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`))?")

type testCase struct {
	file      string
	firstLine int // line of the case's first line in the file
	src       string
}

func splitCases(file string, data string) []testCase {
	var cases []testCase
	var b strings.Builder
	first := 1
	for i, line := range strings.SplitAfter(data, "\n") {
		if strings.TrimRight(line, "\r\n") == "---" {
			cases = append(cases, testCase{file, first, b.String()})
			b.Reset()
			first = i + 2
			continue
		}
		b.WriteString(line)
	}
	return append(cases, testCase{file, first, b.String()})
}

type expected struct {
	line    int
	rule    string
	message *regexp.Regexp
	met     bool
}

func parseExpectations(t *testing.T, c testCase) []*expected {
	var exps []*expected
	for i, line := range strings.Split(c.src, "\n") {
		for _, m := range expectation.FindAllStringSubmatch(line, -1) {
			e := &expected{line: i + 1, rule: m[1]}
			if RuleByName(e.rule) == nil {
				t.Errorf("%s:%d: expectation names unknown rule %q", c.file, c.firstLine+i, e.rule)
			}
			if m[2] != "" {
				text := m[2][1 : len(m[2])-1]
				if m[2][0] == '"' {
					var err error
					if text, err = strconv.Unquote(m[2]); err != nil {
						t.Fatalf("%s:%d: bad quoted message: %v", c.file, c.firstLine+i, err)
					}
				}
				re, err := regexp.Compile(text)
				if err != nil {
					t.Fatalf("%s:%d: bad message regexp: %v", c.file, c.firstLine+i, err)
				}
				e.message = re
			}
			exps = append(exps, e)
		}
	}
	return exps
}

// checkCase lints one case and compares findings with its expectations; it
// returns how many findings each rule produced.
func checkCase(t *testing.T, c testCase) map[string]int {
	t.Helper()
	exps := parseExpectations(t, c)
	counts := map[string]int{}
	for _, f := range File(c.file, []byte(c.src), Config{}) {
		counts[f.Rule]++
		matched := false
		for _, e := range exps {
			if !e.met && e.line == f.Pos.Line && e.rule == f.Rule && (e.message == nil || e.message.MatchString(f.Message)) {
				e.met, matched = true, true
				break
			}
		}
		if !matched {
			t.Errorf("%s:%d:%d: unexpected %s: %s", c.file, c.firstLine+f.Pos.Line-1, f.Pos.Col, f.Rule, f.Message)
		}
	}
	for _, e := range exps {
		if !e.met {
			want := e.rule
			if e.message != nil {
				want += fmt.Sprintf(" matching %q", e.message)
			}
			t.Errorf("%s:%d: expected %s, not reported", c.file, c.firstLine+e.line-1, want)
		}
	}
	return counts
}

func TestRules(t *testing.T) {
	files, err := filepath.Glob("testdata/*.star")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	hits := map[string]int{}
	silentCases := map[string]int{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rule := strings.TrimSuffix(filepath.Base(file), ".star")
		for _, c := range splitCases(file, string(data)) {
			counts := checkCase(t, c)
			for r, n := range counts {
				hits[r] += n
			}
			if counts[rule] == 0 && !strings.Contains(c.src, "### "+rule) {
				silentCases[rule]++
			}
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
