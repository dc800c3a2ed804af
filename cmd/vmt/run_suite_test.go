//go:build integration

package main

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// suiteScript is a test on vmt's default guest whose last command prints
// word; want is what the test expects it to print.
func suiteScript(word, want string) string {
	return `create_machine("machine")
start_all()
assert_eq(machine.succeed("echo ` + word + `"), "` + want + `\n")
`
}

// runVMTSuite runs `vmt run ARGS...` in dir with a TMPDIR of its own and an
// environment that names no single test, and returns its exit status,
// stdout and stderr.
func runVMTSuite(t testing.TB, vmt, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(vmt, append([]string{"run"}, args...)...)
	cmd.Dir = dir
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool {
		for _, name := range []string{"testScript=", "LOGFILE=", "VMT_DEBUG=", "startScripts=", "vlans=", "globalTimeout="} {
			if strings.HasPrefix(kv, name) {
				return true
			}
		}
		return false
	})
	cmd.Env = append(cmd.Env, "TMPDIR="+qemutest.TempDir(t), "NO_COLOR=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("running vmt: %v", err)
	}
	return code, stdout.String(), stderr.String()
}

// Three tests on real guests, two at a time: one fails an assertion. Each
// gets its output directory and log, the summary shows each result and the
// failure's last log lines, and one JUnit report holds all three.
func TestRunManyTests(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	dir := t.TempDir()
	tests := filepath.Join(dir, "tests")
	os.MkdirAll(filepath.Join(tests, "sub"), 0o755)
	os.WriteFile(filepath.Join(tests, "hello.star"), []byte(suiteScript("hello", "hello")), 0o644)
	os.WriteFile(filepath.Join(tests, "sub", "hi.star"), []byte(suiteScript("hi", "hi")), 0o644)
	os.WriteFile(filepath.Join(tests, "wrong.star"), []byte(suiteScript("hi", "bye")), 0o644)

	code, stdout, stderr := runVMTSuite(t, vmt, dir, "-j", "2", "--global-timeout", "300", "-o", "out", "--junit-xml", "report.xml", "tests")
	t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	if code != 1 {
		t.Errorf("vmt run exited %d with a failing test, want 1", code)
	}
	if !strings.Contains(stderr, "found 3 tests: 3 *.star in tests") {
		t.Error("vmt run does not say which tests it found")
	}
	// Two at a time: the second test starts before the first ends.
	lines := strings.Split(stderr, "\n")
	started := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "started  hello.star") })
	second := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "started  sub/hi.star") })
	ended := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "passed") || strings.HasPrefix(l, "failed") })
	if started < 0 || second < 0 || ended < 0 || second > ended {
		t.Errorf("with -j 2 the first two tests did not run together")
	}
	for _, want := range []string{
		"--- wrong.star failed: test failed; the last lines of out/wrong/vmt-run.log:",
		"Error: assert_eq: values differ",
		"3 tests: 2 passed, 1 failed in ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	for _, row := range []string{`hello\.star +passed +\d`, `sub/hi\.star +passed +\d`, `wrong\.star +failed +\d`} {
		if !regexp.MustCompile(`(?m)^` + row).MatchString(stdout) {
			t.Errorf("the summary table has no row %s", row)
		}
	}
	for name, want := range map[string]string{"hello": "test passed in", "sub/hi": "test passed in", "wrong": "test failed: assert_eq"} {
		log, err := os.ReadFile(filepath.Join(dir, "out", name, "vmt-run.log"))
		if err != nil || !strings.Contains(string(log), want) {
			t.Errorf("the log of %s: %v; it lacks %q:\n%s", name, err, want, log)
		}
	}

	data, err := os.ReadFile(filepath.Join(dir, "report.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &report); err != nil {
		t.Fatalf("the JUnit report is not XML: %v\n%s", err, data)
	}
	if report.Tests != 3 || report.Failures != 1 || report.Errors != 0 || len(report.Suites) != 3 {
		t.Fatalf("JUnit report: %d tests, %d failures, %d errors, %d suites; want 3, 1, 0, 3\n%s", report.Tests, report.Failures, report.Errors, len(report.Suites), data)
	}
	for i, want := range []struct {
		name     string
		failures int
	}{{"hello.star", 0}, {"sub/hi.star", 0}, {"wrong.star", 1}} {
		s := report.Suites[i]
		if s.Name != want.name || s.Tests != 1 || s.Failures != want.failures || len(s.Cases) != 1 || s.Cases[0].Name != "main" || (s.Cases[0].Failure != nil) != (want.failures == 1) {
			t.Errorf("JUnit suite %d: %+v, want %s with %d failures", i, s, want.name, want.failures)
		}
	}
}

// BenchmarkSuite runs four tests on vmt's default guest one at a time and
// two at a time, their machines restored from snapshots and booted: on two
// cores, -j 2 should take at most 0.6 of -j 1.
func BenchmarkSuite(b *testing.B) {
	vmt := filepath.Join(b.TempDir(), "vmt")
	if out, err := exec.Command("go", "build", "-o", vmt, ".").CombinedOutput(); err != nil {
		b.Fatalf("building vmt: %v\n%s", err, out)
	}
	dir := b.TempDir()
	os.MkdirAll(filepath.Join(dir, "tests"), 0o755)
	for _, word := range []string{"one", "two", "three", "four"} {
		os.WriteFile(filepath.Join(dir, "tests", word+".star"), []byte(suiteScript(word, word)), 0o644)
	}
	for _, boot := range []string{"restored", "booted"} {
		for _, jobs := range []string{"1", "2"} {
			b.Run(boot+"/j"+jobs, func(b *testing.B) {
				args := []string{"-j", jobs, "-o", "out", "tests"}
				if boot == "booted" {
					args = append(args, "--no-snapshot")
				}
				for b.Loop() {
					began := time.Now()
					code, stdout, stderr := runVMTSuite(b, vmt, dir, args...)
					if code != 0 {
						b.Fatalf("vmt run %v exited %d\n%s\n%s", args, code, stdout, stderr)
					}
					b.ReportMetric(time.Since(began).Seconds(), "s/suite")
				}
			})
		}
	}
}
