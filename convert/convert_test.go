package convert

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/lint"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

// TestGolden converts each testdata script (NAME.py, NAME.nix) and
// compares the result, summary included, with NAME.py.star or
// NAME.nix.golden. A converted script left with nothing to do by hand
// must lint clean.
func TestGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/*.py")
	nix, _ := filepath.Glob("testdata/*.nix")
	inputs = append(inputs, nix...)
	if len(inputs) < 6 {
		t.Fatalf("found %d testdata scripts", len(inputs))
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var r Result
			golden := in + ".star"
			if strings.HasSuffix(in, ".nix") {
				r, err = Nix(string(src))
				golden = in + ".golden"
			} else {
				r, err = Python(string(src))
			}
			if err != nil {
				t.Fatal(err)
			}
			got := r.Output + "\n# summary:\n# " + strings.ReplaceAll(strings.TrimSuffix(r.Summary(filepath.Base(in)), "\n"), "\n", "\n# ") + "\n"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./convert -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("converted %s differs from %s:\n%s", in, golden, got)
			}
			if len(r.Left) > 0 {
				return
			}
			script := r.Output
			if strings.HasSuffix(in, ".nix") {
				// The script in the Nix string, as Nix gives it to the
				// driver, with stand-ins for the splices.
				start := strings.Index(script, "''\n") + 3
				script = dedentAll(hideSplices(script[start : start+strings.Index(script[start:], "'';")]))
			}
			for _, f := range lint.File(golden, []byte(script), lint.Config{Machines: []string{"machine", "server", "client"}}) {
				if f.Rule == "undefined-name" && strings.Contains(f.Message, "___") {
					continue // a splice's stand-in
				}
				t.Errorf("%s:%d:%d: %s: %s", golden, f.Pos.Line, f.Pos.Col, f.Rule, f.Message)
			}
		})
	}
}

func TestPythonSyntaxErrors(t *testing.T) {
	for src, want := range map[string]string{
		"x = (1,\n":                 "line 1, column 5: '(' was never closed",
		"print('abc)\n":             "line 1, column 7: unterminated string literal",
		"s = \"\"\"\nabc\n":         "line 1, column 5: unterminated triple-quoted string literal",
		"a = 1\nb = ]\n":            "line 2, column 5: unmatched ']'",
		"a = 1 $ 2\n":               "line 1, column 7: invalid character '$'",
		"x = 1 \\ y\n":              "line 1, column 7: unexpected character after line continuation character",
		"machine.succeed('a')\n)\n": "line 2, column 1: unmatched ')'",
	} {
		_, err := Python(src)
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %s", src, err, want)
		}
	}
}

func TestNixErrors(t *testing.T) {
	for src, want := range map[string]string{
		"{ name = \"x\"; }":                      "no testScript attribute in this Nix file",
		"{ testScript = ''\n  start_all(\n''; }": "line 2, column 12: '(' was never closed",
	} {
		_, err := Nix(src)
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %s", src, err, want)
		}
	}
}

// TestNixFormsLeftAsTheyAre: a testScript the converter cannot read as
// one indented string stays as it is, reported at its line; the others
// in the file are converted.
func TestNixFormsLeftAsTheyAre(t *testing.T) {
	for src, want := range map[string]Note{
		"{ testScript = \"start_all()\"; }":           {1, `testScript is a "..." string, not one indented string: convert it by hand, or make it one string and convert again`},
		"{ testScript = lib.concatStrings [ a b ]; }": {1, `testScript is built with lib.concatStrings, not one indented string: convert it by hand, or make it one string and convert again`},
		"{ testScript = ''\n  a()\n'' + extra; }":     {1, "testScript is an indented string joined to more (joined with +): convert it by hand, or make it one string and convert again"},
		"{ testScript = ''\n  a()\n":                  {1, "line 1: the testScript string never ends (no closing two single quotes)"},
	} {
		r, err := Nix(src)
		if err != nil || len(r.Left) != 1 || r.Left[0] != want || r.Output != src {
			t.Errorf("%q: %+v, %v; want %+v and the file unchanged", src, r, err, want)
		}
	}
	src := "{\n  a.testScript = ''\n    assert x is None\n  '';\n  b.testScript = \"x\";\n  c.testScript = { nodes, ... }: let y = 1; in ''\n    import json\n  '';\n}\n"
	r, err := Nix(src)
	want := "{\n  a.testScript = ''\n    assert_eq(x, None)\n  '';\n  b.testScript = \"x\";\n  c.testScript = { nodes, ... }: let y = 1; in ''\n  '';\n}\n"
	if err != nil || r.Output != want || len(r.Left) != 1 || r.Left[0].Line != 5 {
		t.Errorf("three tests: %v\n%s\n%+v", err, r.Output, r.Left)
	}
}
