package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/internal/testcases"
	"go.starlark.net/starlark"
)

// The script API is tested the go.starlark.net way (package
// internal/testcases): each testdata/*.star file holds cases separated by
// "---" lines; a case passes when it runs
// without error, unless a line carries `### "regexp"`: then the case must
// fail there (innermost script frame, or the position of a static error)
// with a message the regular expression (the text between the quotes, as
// is) matches.
//
// A case configures its run with `# harness: key=value ...` lines:
//
//	machines=alpha,beta  the shared guests the case sees (default alpha)
//	tesseract=NAME       the OCR program: a file in testdata, or a name on PATH
//	stdin="..."          what the terminal types (a Go string literal)
//	global-timeout=SECS  the global timeout
//	vlans=1,2            VLANs (vde switches)
//	interactive          run the REPL after the script
//	systemd=server,...   machines of the Debian systemd guest, from
//	                     NixOS-style start scripts (systemd_guests_test.go);
//	                     no default alpha unless machines= is given
//
// Placeholders: @OUTDIR@ (the output directory), @TESTDATA@, @KERNEL@ and
// @INITRD@ (the test guest's), @KERNEL_REL@ and @INITRD_REL@ (the same,
// relative to testdata).

// scriptCase is one case of a testdata file.
type scriptCase struct {
	file    string
	line    int    // first line of the case in the file
	src     string // the file with every other case blanked out
	expects map[int]*regexp.Regexp
	opts    caseOptions
}

type caseOptions struct {
	machines      []string
	tesseract     string
	stdin         string
	globalTimeout time.Duration
	vlans         []int
	interactive   bool
	systemd       []string
	machinesSet   bool
}

// readCases reads a testdata file's cases. Each case's source is the file
// with the other cases' lines blank, so positions are those of the file.
func readCases(t *testing.T, file string) []scriptCase {
	var cases []scriptCase
	for _, tc := range testcases.Read(t, file) {
		c := scriptCase{file: file, line: tc.Line, src: tc.InFile(), expects: map[int]*regexp.Regexp{}, opts: caseOptions{machines: []string{"alpha"}}}
		for _, x := range tc.Expectations() {
			if len(x.Text) < 2 || x.Text[0] != '"' || x.Text[len(x.Text)-1] != '"' {
				t.Fatalf("%s: expectation %s is not a \"regexp\" between double quotes", tc.Where(x.Line), x.Text)
			}
			// The text between the quotes is the regular expression, as is.
			re, err := regexp.Compile(x.Text[1 : len(x.Text)-1])
			if err != nil {
				t.Fatalf("%s: bad expectation %s: %v", tc.Where(x.Line), x.Text, err)
			}
			c.expects[tc.Line+x.Line-1] = re
		}
		for i, line := range tc.Lines {
			if directive, ok := strings.CutPrefix(strings.TrimSpace(line), "# harness:"); ok {
				parseDirective(t, tc.Where(i+1), directive, &c.opts)
			}
		}
		cases = append(cases, c)
	}
	return cases
}

func parseDirective(t *testing.T, where, directive string, o *caseOptions) {
	for _, field := range splitDirective(directive) {
		key, value, _ := strings.Cut(field, "=")
		var err error
		switch key {
		case "machines":
			o.machinesSet = true
			o.machines = nil
			if value != "" {
				o.machines = strings.Split(value, ",")
			}
		case "tesseract":
			o.tesseract = value
			if abs, _ := filepath.Abs(filepath.Join("testdata", value)); fileExists(abs) {
				o.tesseract = abs
			}
		case "stdin":
			o.stdin, err = strconv.Unquote(value)
		case "global-timeout":
			var secs float64
			secs, err = strconv.ParseFloat(value, 64)
			o.globalTimeout = time.Duration(secs * float64(time.Second))
		case "vlans":
			for _, v := range strings.Split(value, ",") {
				nr, _ := strconv.Atoi(v)
				o.vlans = append(o.vlans, nr)
			}
		case "interactive":
			o.interactive = true
		case "systemd":
			o.systemd = strings.Split(value, ",")
			if !o.machinesSet {
				o.machines = nil
			}
		default:
			err = fmt.Errorf("unknown key %q", key)
		}
		if err != nil {
			t.Fatalf("%s: harness directive %q: %v", where, field, err)
		}
	}
}

// splitDirective splits on spaces outside double quotes.
func splitDirective(s string) []string {
	var fields []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '\\' && quoted && i+1 < len(s):
			cur.WriteByte(ch)
			i++
			cur.WriteByte(s[i])
		case ch == '"':
			quoted = !quoted
			cur.WriteByte(ch)
		case ch == ' ' && !quoted:
			if cur.Len() > 0 {
				fields = append(fields, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(ch)
		}
	}
	if cur.Len() > 0 {
		fields = append(fields, cur.String())
	}
	return fields
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// checkOutcome compares a run's error with the case's expectations.
func checkOutcome(t *testing.T, c scriptCase, err error) {
	t.Helper()
	if len(c.expects) == 0 {
		if err != nil {
			t.Fatalf("%s:%d: unexpected failure: %v", c.file, c.line, err)
		}
		return
	}
	if err == nil {
		for line, re := range c.expects {
			t.Errorf("%s:%d: the case passed, want an error matching %q", c.file, line, re)
		}
		return
	}
	var usage *UsageError
	if errors.As(err, &usage) {
		// Static errors: one per line, "file:line:col: message".
		for _, l := range strings.Split(usage.Error(), "\n") {
			line, msg := errorLine(c.file, l)
			matchExpectation(t, c, line, msg)
		}
		return
	}
	var failure *Failure
	if !errors.As(err, &failure) {
		t.Fatalf("%s:%d: Run returned %T %v, want *Failure", c.file, c.line, err, err)
	}
	line := 0
	var eval *starlark.EvalError
	if errors.As(failure.Err, &eval) {
		for _, fr := range eval.CallStack {
			if fr.Pos.Filename() == c.file {
				line = int(fr.Pos.Line)
			}
		}
	}
	matchExpectation(t, c, line, failure.Err.Error())
}

// errorLine splits "file:line:col: message".
func errorLine(file, s string) (int, string) {
	rest, ok := strings.CutPrefix(s, file+":")
	if !ok {
		return 0, s
	}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) < 3 {
		return 0, s
	}
	line, _ := strconv.Atoi(parts[0])
	return line, strings.TrimSpace(parts[2])
}

func matchExpectation(t *testing.T, c scriptCase, line int, msg string) {
	t.Helper()
	re, ok := c.expects[line]
	if !ok {
		t.Errorf("%s:%d: error at line %d, where none is expected: %s", c.file, c.line, line, msg)
		return
	}
	if !re.MatchString(msg) {
		t.Errorf("%s:%d: error %q does not match %q", c.file, line, msg, re)
	}
}

// testWriter sends the terminal log to the test log, line by line.
type testWriter struct {
	t       *testing.T
	partial []byte
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.t.Log(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
}
