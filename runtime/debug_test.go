package runtime

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// debugRun runs a failing script on fake machines with --debug in the
// background; the returned function waits for its end.
func debugRun(t *testing.T, src string, timeout time.Duration) (log func() string, wait func() error) {
	t.Helper()
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv("TMPDIR", t.TempDir()) // runs of vmt elsewhere on the machine are not this test's
	var mu sync.Mutex
	var term strings.Builder
	done := make(chan error, 1)
	go func() {
		err, _, _ := fakeRun(t, src, func(o *Options) {
			o.Debug, o.DebugTimeout = true, timeout
			o.Terminal = &lockedWriter{w: writerFunc(func(p []byte) (int, error) {
				mu.Lock()
				defer mu.Unlock()
				return term.Write(p)
			})}
		})
		done <- err
	}()
	log = func() string {
		mu.Lock()
		defer mu.Unlock()
		return term.String()
	}
	wait = func() error {
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatalf("the run did not end:\n%s", log())
			return nil
		}
	}
	return log, wait
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// waitLog waits for re in the log and returns its first submatch.
func waitLog(t *testing.T, log func() string, re string) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := rx.FindStringSubmatch(log()); m != nil {
			return m[len(m)-1]
		}
	}
	t.Fatalf("no %q in the log:\n%s", re, log())
	return ""
}

func TestDebugWaitEndsAtItsTimeout(t *testing.T) {
	began := time.Now()
	log, wait := debugRun(t, "alpha.succeed(\"false\")\n", 300*time.Millisecond)
	var failure *Failure
	if err := wait(); !errors.As(err, &failure) {
		t.Fatalf("got %v, want the command's failure", err)
	}
	if took := time.Since(began); took < 300*time.Millisecond {
		t.Errorf("the run ended after %s, before its debug timeout", took)
	}
	for _, want := range []string{
		"--debug: the test failed (alpha: command `false` failed with exit status 1)",
		"  alpha: up\n",
		"a shell in a machine:  vmt attach --socket ",
		"--debug: nobody released the test within 0.30 s (--debug-timeout)",
	} {
		if !strings.Contains(log(), want) {
			t.Errorf("the log lacks %q:\n%s", want, log())
		}
	}
}

// The REPL and the release of a waiting run, over its control socket; the
// run is listed with its failure meanwhile.
func TestDebugREPLAndRelease(t *testing.T) {
	log, wait := debugRun(t, "n = 20\nalpha.succeed(\"false\")\n", time.Minute)
	socket := waitLog(t, log, `vmt attach --socket (\S+) --release`)

	runs := RunningTests()
	if len(runs) != 1 || runs[0].Socket != socket || !strings.Contains(runs[0].Failure, "failed with exit status 1") || runs[0].Machine[0].State != "up" {
		t.Errorf("RunningTests() = %+v", runs)
	}

	conn, err := DialControl(socket)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Request(ControlRequest{Op: OpREPL}); err != nil {
		t.Fatal(err)
	}
	second, err := DialControl(socket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.Request(ControlRequest{Op: OpREPL}); err == nil || !strings.Contains(err.Error(), "one REPL at a time") {
		t.Errorf("a second REPL: %v", err)
	}
	second.Close()
	WriteFrame(conn, FrameInput, []byte("n * 2 + 2\nalpha.succeed(\"echo from-repl\")\n"))
	WriteFrame(conn, FrameEOF, nil)
	var out strings.Builder
	for {
		kind, payload, err := ReadFrame(conn)
		if err != nil {
			t.Fatalf("reading the REPL: %v; so far:\n%s", err, out.String())
		}
		if kind == FrameOutput {
			out.Write(payload)
			continue
		}
		if kind != FrameExit || string(payload) != "0" {
			t.Errorf("the REPL ended with %c %q", kind, payload)
		}
		break
	}
	for _, want := range []string{">>> 42\n", `"from-repl\n"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the REPL printed no %q:\n%s", want, out.String())
		}
	}

	release, err := DialControl(socket)
	if err != nil {
		t.Fatal(err)
	}
	defer release.Close()
	if _, err := release.Request(ControlRequest{Op: OpRelease}); err != nil {
		t.Fatal(err)
	}
	var failure *Failure
	if err := wait(); !errors.As(err, &failure) {
		t.Fatalf("got %v, want the command's failure", err)
	}
	if !strings.Contains(log(), "--debug: released by vmt attach --release") {
		t.Errorf("the log does not say the run was released:\n%s", log())
	}
	if _, err := DialControl(socket); err == nil || !strings.Contains(err.Error(), "the test has ended") {
		t.Errorf("dialling an ended run: %v", err)
	}
}

// A passing test does not wait, and a failing one without --debug neither.
func TestDebugWaitsOnlyOnFailure(t *testing.T) {
	began := time.Now()
	log, wait := debugRun(t, "alpha.succeed(\"true\")\n", time.Minute)
	if err := wait(); err != nil {
		t.Fatalf("got %v:\n%s", err, log())
	}
	if took := time.Since(began); took > 5*time.Second || strings.Contains(log(), "--debug") {
		t.Errorf("a passing test waited (%s):\n%s", took, log())
	}
}
