package runtime

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/internal/junit"
)

func TestStaticErrorsStopBeforeAnythingIsMade(t *testing.T) {
	cases := map[string]string{
		"syntax":    "alpha.succeed(\n",
		"undefined": "alpha.succeed('x')\nbeta.succeed('y')\n",
		"misspelt":  "sucess = 1\nassert_eq(sucess, 1)\nprnt('x')\n",
		"argument":  "alpha.succeed(str(1), 2)\n",
		"attribute": "alpha.succed('x')\n",
		"load":      "load('other.star', 'y')\n",
		"habit":     "with subtest('x'):\n    alpha.succeed('true')\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			err, _, backend := fakeRun(t, src, nil)
			var usage *UsageError
			if !errors.As(err, &usage) {
				t.Fatalf("got %v, want a UsageError", err)
			}
			if len(backend.machines) != 0 {
				t.Errorf("%d machines were made before the script was checked", len(backend.machines))
			}
			if !strings.Contains(err.Error(), "test.star:") {
				t.Errorf("the error does not give the position: %v", err)
			}
		})
	}
	err, _, _ := fakeRun(t, "prnt('x')\n", nil)
	if !strings.Contains(err.Error(), `did you mean "print"?`) {
		t.Errorf("no suggestion for a misspelt builtin: %v", err)
	}
}

func TestUnwritableOutputDirStopsBeforeBoot(t *testing.T) {
	err, _, backend := fakeRun(t, "alpha.succeed('true')\n", func(o *Options) {
		o.OutputDir = filepath.Join(t.TempDir(), "missing")
	})
	var usage *UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "output directory") {
		t.Fatalf("got %v, want a UsageError about the output directory", err)
	}
	if len(backend.machines) != 0 {
		t.Errorf("machines were made although the output directory is missing")
	}
}

func TestFailureReport(t *testing.T) {
	src := `def check(cmd):
    alpha.succeed(cmd)

check("echo fine")
check("exit 3")
`
	err, term, backend := fakeRun(t, src, nil)
	var failure *Failure
	if !errors.As(err, &failure) {
		t.Fatalf("got %v, want a Failure", err)
	}
	for _, want := range []string{
		"Traceback (most recent call last):",
		"test.star:5:6: in <toplevel>",
		`check("exit 3")`,
		"test.star:2:18: in check",
		"alpha.succeed(cmd)",
		"Error: alpha: command `exit 3` failed with exit status 3",
		"Command: exit 3",
		"Exit status: 3",
		"Output (3 lines):",
		"  | last line",
	} {
		if !strings.Contains(term, want) {
			t.Errorf("the report lacks %q:\n%s", want, term)
		}
	}
	if !backend.allReleased() {
		t.Errorf("machines were not released after the failure")
	}
}

func TestSubtestsInLogAndJUnit(t *testing.T) {
	reportPath := filepath.Join(t.TempDir(), "junit.xml")
	src := `subtest("first")
answer = alpha.succeed("echo 42")
subtest("second")
assert_eq(answer, "42\n")
def inner():
    alpha.succeed("exit 7")
subtest("third", inner)
`
	err, term, _ := fakeRun(t, src, func(o *Options) { o.JUnitXML = reportPath })
	if err == nil {
		t.Fatal("the test passed")
	}
	// third runs inside the open section second: both fail, the log names
	// the innermost.
	if !strings.Contains(term, `Failed in subtest "third"`) {
		t.Errorf("the log does not name the subtest:\n%s", term)
	}
	var report junit.Suites
	data, _ := os.ReadFile(reportPath)
	if err := xml.Unmarshal(data, &report); err != nil {
		t.Fatalf("JUnit report: %v\n%s", err, data)
	}
	got := map[string]string{}
	for _, c := range report.Suites[0].Cases {
		failure := ""
		if c.Failure != nil {
			failure = c.Failure.Message
		}
		got[c.Name] = failure
	}
	want := map[string]string{
		"main":   "",
		"first":  "",
		"second": "alpha: command `exit 7` failed with exit status 7",
		"third":  "alpha: command `exit 7` failed with exit status 7",
	}
	for name, failure := range want {
		if g, ok := got[name]; !ok || g != failure {
			t.Errorf("test case %q: failure %q (present %v), want %q", name, g, ok, failure)
		}
	}
	if report.Suites[0].Failures != 2 || report.Suites[0].Tests != 4 {
		t.Errorf("suite counts: %d failures of %d tests", report.Suites[0].Failures, report.Suites[0].Tests)
	}
}

func TestFailureOutsideSubtestsIsMain(t *testing.T) {
	reportPath := filepath.Join(t.TempDir(), "junit.xml")
	src := `subtest("fine")
end_subtest()
alpha.succeed("false")
`
	fakeRun(t, src, func(o *Options) { o.JUnitXML = reportPath })
	data, _ := os.ReadFile(reportPath)
	var report junit.Suites
	if err := xml.Unmarshal(data, &report); err != nil {
		t.Fatal(err)
	}
	if len(report.Suites) != 1 {
		t.Fatalf("%d test suites, want 1:\n%s", len(report.Suites), data)
	}
	failed := map[string]bool{}
	for _, c := range report.Suites[0].Cases {
		failed[c.Name] = c.Failure != nil
	}
	if want := map[string]bool{"fine": false, "main": true}; !maps.Equal(failed, want) {
		t.Errorf("test cases (name: failed) %v, want %v", failed, want)
	}
}

func TestGlobalTimeoutStopsWithinASecond(t *testing.T) {
	began := time.Now()
	err, term, backend := fakeRun(t, "alpha.succeed('hang')\n", func(o *Options) { o.GlobalTimeout = 300 * time.Millisecond })
	took := time.Since(began)
	var failure *Failure
	if !errors.As(err, &failure) {
		t.Fatalf("got %v, want a Failure", err)
	}
	if took > 1300*time.Millisecond {
		t.Errorf("the test stopped %s after the start, want about 0.3 s", took)
	}
	want := "global timeout of 0.30 s reached while running: alpha: must succeed: hang"
	if !strings.Contains(failure.Summary, want) || !strings.Contains(term, want) {
		t.Errorf("summary %q, want %q", failure.Summary, want)
	}
	if !backend.allReleased() {
		t.Errorf("machines were not released")
	}
}

func TestInterruptStopsPureStarlarkLoops(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	time.AfterFunc(200*time.Millisecond, func() { cancel(errors.New("interrupt received")) })
	backend := &fakeBackend{}
	began := time.Now()
	err := Run(ctx, Options{
		Script:    "test.star",
		Source:    []byte("alpha.succeed('true')\nwhile True:\n    pass\n"),
		Machines:  []MachineSpec{{Name: "alpha"}},
		OutputDir: t.TempDir(),
		Backend:   backend,
	})
	if time.Since(began) > time.Second {
		t.Errorf("the loop ran %s after the interruption", time.Since(began))
	}
	if err == nil || !strings.Contains(err.Error(), "interrupt received") {
		t.Errorf("got %v, want the interruption", err)
	}
	if !backend.allReleased() {
		t.Errorf("machines were not released")
	}
}

func TestRetryHasARealDeadline(t *testing.T) {
	began := time.Now()
	err, _, _ := fakeRun(t, "def hang():\n    alpha.succeed('hang')\n    return True\nretry(hang, timeout=1)\n", nil)
	if err == nil || !strings.Contains(err.Error(), "timed out after 1 s waiting for hang to return a true value") {
		t.Fatalf("got %v", err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("retry(timeout=1) took %s", took)
	}
}

func TestPollingConditionsGuardCommands(t *testing.T) {
	src := `state = {"ok": True, "checks": 0}
def healthy():
    state["checks"] += 1
    return state["ok"]
cond = polling_condition(healthy, seconds_interval=0)
alpha.succeed("true")
alpha.succeed("true")
assert_eq(state["checks"], 2)
cond.stop()
alpha.succeed("true")
assert_eq(state["checks"], 2)
cond = polling_condition(healthy, seconds_interval=0, description="health")
state["ok"] = False
alpha.succeed("true")
`
	err, _, backend := fakeRun(t, src, nil)
	if err == nil || !strings.Contains(err.Error(), `polling condition "health" failed`) {
		t.Fatalf("got %v", err)
	}
	commands := backend.machines[0].commands
	if len(commands) != 3 {
		t.Errorf("commands run: %q, want 3 (the fourth is stopped by the condition)", commands)
	}
}

func TestTerminalLog(t *testing.T) {
	src := `alpha.succeed("echo hi")
alpha.succeed("serial:kernel says hello")
subtest("group")
alpha.log("inside")
print("printed", 1)
`
	_, plain, _ := fakeRun(t, src, nil)
	for _, want := range []string{
		"alpha: must succeed: echo hi (0.",
		"alpha: must succeed: serial:kernel says hello\n",
		"  alpha # kernel says hello\n",
		"subtest: group\n",
		"  alpha: inside\n",
		"  printed 1\n",
		"(0.",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("the log lacks %q:\n%s", want, plain)
		}
	}
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("escape codes without colour:\n%q", plain)
	}
	_, colored, _ := fakeRun(t, src, func(o *Options) { o.Color = true })
	if !strings.Contains(colored, styleDim+"alpha # kernel says hello"+styleReset) {
		t.Errorf("serial lines are not dimmed:\n%q", colored)
	}
	_, quiet, _ := fakeRun(t, "serial_stdout_off()\n"+src, nil)
	if strings.Contains(quiet, "alpha # kernel says hello") {
		t.Errorf("serial_stdout_off() still shows serial lines:\n%s", quiet)
	}
}

func TestUseColor(t *testing.T) {
	for _, c := range []struct {
		terminal bool
		noColor  string
		want     bool
	}{{true, "", true}, {true, "1", false}, {false, "", false}} {
		if got := UseColor(c.terminal, c.noColor); got != c.want {
			t.Errorf("UseColor(%v, %q) = %v", c.terminal, c.noColor, got)
		}
	}
}

func TestXMLLog(t *testing.T) {
	var buf strings.Builder
	src := "alpha.succeed('echo hi')\nalpha.succeed('serial:a <b> & c')\nsubtest('s')\nalpha.log('x')\n"
	if err, _, _ := fakeRun(t, src, func(o *Options) { o.XMLLog = &buf }); err != nil {
		t.Fatal(err)
	}
	type line struct {
		Machine string `xml:"machine,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	type nest struct {
		Head  line   `xml:"head"`
		Lines []line `xml:"line"`
		Nests []nest `xml:"nest"`
	}
	var log struct {
		Nests []nest `xml:"nest"`
		Lines []line `xml:"line"`
	}
	if err := xml.Unmarshal([]byte(buf.String()), &log); err != nil {
		t.Fatalf("the XML log does not parse: %v\n%s", err, buf.String())
	}
	if len(log.Nests) != 3 || log.Nests[0].Head.Machine != "alpha" || log.Nests[0].Head.Text != "must succeed: echo hi" {
		t.Fatalf("unexpected steps: %+v", log.Nests)
	}
	serial := log.Nests[1].Lines[0]
	if serial.Type != "serial" || serial.Text != "a <b> & c" {
		t.Errorf("serial line %+v", serial)
	}
	sub := log.Nests[2]
	if sub.Head.Text != "subtest: s" || sub.Lines[0].Machine != "alpha" || sub.Lines[0].Text != "x" {
		t.Errorf("subtest nest %+v", sub)
	}
}

func TestREPLAfterScript(t *testing.T) {
	var term strings.Builder
	backend := &fakeBackend{}
	err := Run(t.Context(), Options{
		Script:      "test.star",
		Source:      []byte("x = 20\n"),
		Machines:    []MachineSpec{{Name: "alpha"}},
		OutputDir:   t.TempDir(),
		Interactive: true,
		Stdin:       strings.NewReader("x + 1\ndef f():\n    return alpha.succeed('echo repl')\n\nf()\nnope\n"),
		Terminal:    &term,
		Backend:     backend,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">>> 21\n", `"repl\n"`, "undefined: nope"} {
		if !strings.Contains(term.String(), want) {
			t.Errorf("the REPL output lacks %q:\n%s", want, term.String())
		}
	}
}

func TestLiveOutputOfLongCommands(t *testing.T) {
	var term strings.Builder
	log := newLog(newTerminalLog(&term, false))
	quick := newLiveOutput(log, "alpha")
	io.WriteString(quick, "quick line\n")
	quick.done()
	slow := newLiveOutput(log, "alpha")
	io.WriteString(slow, "early line\n")
	time.Sleep(liveDelay + 200*time.Millisecond)
	io.WriteString(slow, "late line\npartial")
	slow.done()
	got := term.String()
	if strings.Contains(got, "quick line") {
		t.Errorf("a quick command's output was shown:\n%s", got)
	}
	for _, want := range []string{"alpha > early line\n", "alpha > late line\n", "alpha > partial\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("a long command's output lacks %q:\n%s", want, got)
		}
	}
}

func TestGlobalTimeoutStopsTheWaitingREPL(t *testing.T) {
	typing, _ := io.Pipe() // a terminal nobody types on
	t.Cleanup(func() { typing.Close() })
	term := &lockedWriter{w: io.Discard}
	backend := &fakeBackend{}
	began := time.Now()
	err := Run(t.Context(), Options{
		Script:        "test.star",
		Source:        []byte("alpha.succeed('true')\n"),
		Machines:      []MachineSpec{{Name: "alpha"}},
		OutputDir:     t.TempDir(),
		Interactive:   true,
		Stdin:         typing,
		Terminal:      term,
		GlobalTimeout: 300 * time.Millisecond,
		Backend:       backend,
	})
	if took := time.Since(began); took > 1300*time.Millisecond {
		t.Errorf("the REPL stopped %s after the start, want about 0.3 s", took)
	}
	var failure *Failure
	if !errors.As(err, &failure) || !strings.Contains(failure.Summary, "global timeout of 0.30 s reached") {
		t.Fatalf("got %v, want a Failure by the global timeout", err)
	}
	if !backend.allReleased() {
		t.Errorf("machines were not released")
	}
}
