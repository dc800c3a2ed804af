package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/internal/testcases"
)

func TestDisableDirectives(t *testing.T) {
	src := `# vmt: disable=unused-variable
a = 1
machine.succed("x")  # vmt: disable=unknown-attribute
# vmt: disable=undefined-name
print(nope)
print(nope2)
`
	var rules []string
	for _, f := range File("t.star", []byte(src), Config{}) {
		rules = append(rules, f.Rule+":"+strings.TrimSpace(strings.Split(src, "\n")[f.Pos.Line-1]))
	}
	want := []string{"undefined-name:print(nope2)"}
	if !slices.Equal(rules, want) {
		t.Errorf("got %q, want %q", rules, want)
	}
	all := File("t.star", []byte("# vmt: disable=all\nprint(nope)\nmachine.succed()\n"), Config{})
	if len(all) != 0 {
		t.Errorf("disable=all at the top should silence everything: %+v", all)
	}
}

// Columns count runes, not bytes, and end positions are exclusive.
func TestPositionsCountRunes(t *testing.T) {
	findings := File("t.star", []byte("print(\"ünïcödé\", nope)\n"), Config{})
	if len(findings) != 1 {
		t.Fatalf("want one finding, got %+v", findings)
	}
	f := findings[0]
	if f.Pos != (Position{Line: 1, Col: 18}) || f.End != (Position{Line: 1, Col: 22}) {
		t.Errorf("got %v-%v, want 1:18-1:22", f.Pos, f.End)
	}
}

func TestApplyFixes(t *testing.T) {
	src := []byte("machine.copy_from_vm(\"/ä\")\nmachine.copy_from_vm(\"/b\", \"out\")\n")
	fixed, n := ApplyFixes(src, File("t.star", src, Config{}))
	want := "machine.copy_from_machine(\"/ä\")\nmachine.copy_from_machine(\"/b\", \"out\")\n"
	if n != 2 || string(fixed) != want {
		t.Errorf("got %d fixes:\n%s", n, fixed)
	}
	// Edits outside the text are skipped, not applied half-way.
	bad := []Finding{{Fix: &Fix{Edits: []Edit{{Pos: Position{Line: 9, Col: 1}, End: Position{Line: 9, Col: 2}, New: "x"}}}}}
	if out, n := ApplyFixes(src, bad); n != 0 || string(out) != string(src) {
		t.Errorf("out-of-range edit applied: %d, %q", n, out)
	}
}

// A syntax error does not hide the findings of the lines that parse.
func TestSyntaxErrorDoesNotHideTheRest(t *testing.T) {
	findings := File("t.star", []byte("machine.succed('x')\nx = (\n"), Config{})
	var rules []string
	for _, f := range findings {
		rules = append(rules, f.Rule)
	}
	if !slices.Equal(rules, []string{"unknown-attribute", "syntax-error"}) {
		t.Errorf("got %+v", findings)
	}
}

// The repository's example scripts lint clean.
func TestExamplesLintClean(t *testing.T) {
	examples, err := filepath.Glob("../examples/*.star")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range examples {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range File(path, src, Config{}) {
			t.Errorf("%s:%d:%d: %s: %s: %s", path, f.Pos.Line, f.Pos.Col, f.Severity, f.Rule, f.Message)
		}
	}
	t.Logf("linted %d example scripts", len(examples))
}

// The fixes of Python habits give Starlark: after `vmt lint --fix`, only
// the habits without a fix are left, and nothing new is reported.
func TestPythonHabitFixes(t *testing.T) {
	for _, c := range testcases.Read(t, "testdata/python-habit.star") {
		before := File(c.File, []byte(c.Text()), Config{})
		unfixable := 0
		for _, f := range before {
			if f.Rule == "python-habit" && f.Fix == nil {
				unfixable++
			}
		}
		fixed, _ := ApplyFixes([]byte(c.Text()), before)
		after := File(c.File, fixed, Config{})
		left := 0
		for _, f := range after {
			if f.Rule == "python-habit" || f.Rule == "syntax-error" {
				left++
			}
		}
		if left != unfixable || len(after) > len(before) {
			t.Errorf("%s: after the fixes:\n%s\nfindings %+v", c.Where(1), fixed, after)
		}
	}
}

// Fixes that overlap are applied in later rounds.
func TestFixAllAppliesOverlappingFixes(t *testing.T) {
	src := "import json\nwith subtest(\"a\"):\n    assert 1 == 1, \"m\"\nprint(json.loads(\"1\"))\n"
	fixed, n := FixAll("t.star", []byte(src), Config{})
	want := "subtest(\"a\")\nassert_true(1 == 1, \"m\")\nend_subtest()\nprint(json.loads(\"1\"))\n"
	if n != 3 || string(fixed) != want {
		t.Errorf("%d fixes:\n%s\nwant:\n%s", n, fixed, want)
	}
}
