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

	"go.starlark.net/starlark"
)

// The script API is tested the go.starlark.net way: each testdata/*.star
// file holds cases separated by "---" lines; a case passes when it runs
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

var expectation = regexp.MustCompile(`### (".*")\s*$`)

// readCases splits a testdata file into cases. Each case's source keeps
// the other cases' lines blank, so positions are those of the file.
func readCases(t *testing.T, file string) []scriptCase {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var cases []scriptCase
	start := 0
	for i := 0; i <= len(lines); i++ {
		if i < len(lines) && strings.TrimSpace(lines[i]) != "---" {
			continue
		}
		c := scriptCase{file: file, line: start + 1, expects: map[int]*regexp.Regexp{}, opts: caseOptions{machines: []string{"alpha"}}}
		blank := make([]string, len(lines))
		copy(blank[start:i], lines[start:i])
		c.src = strings.Join(blank, "\n")
		for n := start; n < i; n++ {
			if m := expectation.FindStringSubmatch(lines[n]); m != nil {
				// The text between the quotes is the regular expression, as is.
				re, err := regexp.Compile(m[1][1 : len(m[1])-1])
				if err != nil {
					t.Fatalf("%s:%d: bad expectation %s: %v", file, n+1, m[1], err)
				}
				c.expects[n+1] = re
			}
			if directive, ok := strings.CutPrefix(strings.TrimSpace(lines[n]), "# harness:"); ok {
				parseDirective(t, fmt.Sprintf("%s:%d", file, n+1), directive, &c.opts)
			}
		}
		cases = append(cases, c)
		start = i + 1
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

func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.star")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.star files: %v", err)
	}
	pool := newGuestPool(t)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			for _, c := range readCases(t, file) {
				t.Run(fmt.Sprintf("line%d", c.line), func(t *testing.T) { runCase(t, pool, c) })
			}
			pool.releaseSystemd()
		})
	}
}

func runCase(t *testing.T, pool *guestPool, c scriptCase) {
	outDir := t.TempDir()
	testdata, _ := filepath.Abs("testdata")
	img := pool.image()
	src := strings.NewReplacer(
		"@OUTDIR@", outDir,
		"@TESTDATA@", testdata,
		"@KERNEL@", img.Kernel,
		"@INITRD@", img.Initramfs,
		"@KERNEL_REL@", relativeTo(t, testdata, img.Kernel),
		"@INITRD_REL@", relativeTo(t, testdata, img.Initramfs),
	).Replace(c.src)
	var specs []MachineSpec
	for _, name := range c.opts.machines {
		specs = append(specs, MachineSpec{Name: name})
	}
	specs = append(specs, pool.systemdSpecs(t, c)...)
	opts := Options{
		Script:        c.file,
		Source:        []byte(src),
		Machines:      specs,
		VLANs:         c.opts.vlans,
		GlobalTimeout: c.opts.globalTimeout,
		OutputDir:     outDir,
		Interactive:   c.opts.interactive,
		Stdin:         strings.NewReader(c.opts.stdin),
		Terminal:      &testWriter{t: t},
		Tesseract:     c.opts.tesseract,
		Backend:       pool.backend(t),
	}
	err := Run(t.Context(), opts)
	checkOutcome(t, c, err)
}

// relativeTo is path relative to dir.
func relativeTo(t *testing.T, dir, path string) string {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	return rel
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
