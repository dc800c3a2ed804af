package suite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// LogName is the file, in a test's output directory, that holds
// everything its vmt run printed.
const LogName = "vmt-run.log"

// tailLines is how many of a failed test's last log lines are kept.
const tailLines = 20

// stopGrace is how long a test stopped by an interruption may take to
// release its machines before it is killed.
const stopGrace = 10 * time.Second

// Child runs each test as `Exe run ARGS... --output-dir OUT/NAME
// [--junit-xml TMP] SCRIPT`, a process of its own: a crash or a timeout
// in one test cannot take down the others.
type Child struct {
	Exe  string   // the vmt binary
	Args []string // flags passed to every test's vmt run
	Env  []string // its environment
	// OutputDir holds one directory per test, named after the test
	// without .star; its log is LogName there.
	OutputDir string
	// JUnitDir, when set, receives each test's own JUnit report.
	JUnitDir string
}

// TestOutputDir is the output directory of the test named name.
func (c *Child) TestOutputDir(name string) string {
	return filepath.Join(c.OutputDir, filepath.FromSlash(strings.TrimSuffix(name, ".star")))
}

// Run runs one test; it is a Runner.
func (c *Child) Run(ctx context.Context, t Test, progress func(line string)) Result {
	began := time.Now()
	res := Result{Test: t, Outcome: Errored}
	out := c.TestOutputDir(t.Name)
	if err := os.MkdirAll(out, 0o755); err != nil {
		res.Detail = fmt.Sprintf("output directory: %v", err)
		return res
	}
	res.Log = filepath.Join(out, LogName)
	logFile, err := os.Create(res.Log)
	if err != nil {
		res.Detail = fmt.Sprintf("log file: %v", err)
		return res
	}
	defer logFile.Close()

	args := append([]string{"run"}, c.Args...)
	args = append(args, "--output-dir", out)
	var junit string
	if c.JUnitDir != "" {
		f, err := os.CreateTemp(c.JUnitDir, "test-*.xml")
		if err != nil {
			res.Detail = fmt.Sprintf("JUnit report: %v", err)
			return res
		}
		f.Close()
		junit = f.Name()
		args = append(args, "--junit-xml", junit)
	}
	args = append(args, "--", t.Path)

	lines := &lineTail{progress: progress}
	cmd := exec.CommandContext(ctx, c.Exe, args...)
	cmd.Env = c.Env
	cmd.Stdout = io.MultiWriter(logFile, lines)
	cmd.Stderr = cmd.Stdout
	// Its own process group, so a Ctrl-C at the terminal reaches the
	// suite, which stops the tests in order; and it dies with the suite,
	// even a SIGKILLed one (its machines die with it through vmt's reaper).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopGrace
	err = runLocked(cmd)
	lines.flush()
	res.Took = time.Since(began)
	if junit != "" {
		if data, readErr := os.ReadFile(junit); readErr == nil && len(bytes.TrimSpace(data)) > 0 {
			res.JUnit = data
		}
	}
	res.Outcome, res.Detail = outcomeOf(ctx, err)
	if res.Outcome != Passed {
		res.Tail = lines.tail
	}
	return res
}

// runLocked starts and waits for cmd on one OS thread: the parent-death
// signal fires when the thread that started the child ends, not the
// process.
func runLocked(cmd *exec.Cmd) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		return err
	}
	err := cmd.Wait()
	// Whatever the test left in its process group goes with it.
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	return err
}

// outcomeOf reads vmt run's exit status: 0 passed, 1 failed, 2 refused.
func outcomeOf(ctx context.Context, err error) (Outcome, string) {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return Passed, ""
	case errors.As(err, &exit) && exit.Exited():
		switch exit.ExitCode() {
		case 1:
			if ctx.Err() != nil {
				return Failed, "interrupted"
			}
			return Failed, "test failed"
		case 2:
			return Errored, "vmt run refused the test (exit status 2)"
		}
		return Failed, fmt.Sprintf("vmt run ended with exit status %d", exit.ExitCode())
	case errors.As(err, &exit):
		if ctx.Err() != nil {
			return Failed, "interrupted, killed after " + stopGrace.String()
		}
		return Failed, "vmt run died: " + exit.String()
	}
	return Errored, fmt.Sprintf("starting vmt run: %v", err)
}

// lineTail splits a test's output into lines, reports each as progress
// and keeps the last ones.
type lineTail struct {
	mu       sync.Mutex
	partial  []byte
	tail     []string
	progress func(string)
}

func (l *lineTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.add(string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	return len(p), nil
}

func (l *lineTail) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.partial) > 0 {
		l.add(string(l.partial))
		l.partial = nil
	}
}

func (l *lineTail) add(line string) {
	line = strings.TrimRight(line, "\r")
	l.tail = append(l.tail, line)
	if len(l.tail) > tailLines {
		l.tail = l.tail[len(l.tail)-tailLines:]
	}
	if l.progress != nil {
		l.progress(line)
	}
}
