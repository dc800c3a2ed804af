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
		"{ name = \"x\"; }":                                     "no testScript attribute in this Nix file",
		"{ testScript = \"start_all()\"; }":                     `line 1: testScript is a "..." string, not one indented string (''...''): convert its parts by hand or make it one string`,
		"{ testScript = lib.concatStrings [ a b ]; }":           `line 1: testScript is built with lib.concatStrings, not one indented string (''...''): convert its parts by hand or make it one string`,
		"{ testScript = ''\n  a()\n'' + extra; }":               "line 3: testScript is an indented string joined to more (joined with +): convert its parts by hand or make it one string",
		"{ testScript = ''\n  start_all(\n''; }":                "line 2, column 12: '(' was never closed",
		"{ testScript = ''\n  a()\n  ''; testScript = ''b''; }": "more than one testScript attribute in this Nix file: convert each test's script separately",
		"{ testScript = ''\n  a()\n":                            "line 1: the testScript string never ends (no closing '')",
	} {
		_, err := Nix(src)
		if err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %s", src, err, want)
		}
	}
}
