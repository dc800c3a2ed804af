package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.starlark.net/starlark"
)

// DefaultDebugTimeout is how long vmt run --debug waits after a failure
// when no --debug-timeout is given.
const DefaultDebugTimeout = time.Hour

// debugWait is the state of a run that failed under --debug and waits for
// someone to look inside its machines.
type debugWait struct {
	summary string
	// globals are the script's globals when it failed, for the REPL.
	globals     starlark.StringDict
	released    chan struct{}
	releaseOnce sync.Once
	// repl is held by the one REPL client at a time.
	repl sync.Mutex
}

// waitForDebugger reports failure, keeps the machines as they are and
// waits until vmt attach --release, ctx's end (Ctrl-C) or the debug
// timeout, while the control socket serves terminals and the REPL.
func (d *driver) waitForDebugger(ctx context.Context, s *controlServer, failure error, globals starlark.StringDict) {
	summary := d.reportFailure(d.explainStop(failure), d.failedSubtest(failure))
	if s == nil {
		d.log.Line("", "--debug: not waiting, the run has no control socket to attach through (see the warning above)")
		return
	}
	env := d.newEnv()
	for k, v := range globals {
		env[k] = v
	}
	w := &debugWait{summary: summary, globals: env, released: make(chan struct{})}
	s.mu.Lock()
	s.debug = w
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.debug = nil
		s.mu.Unlock()
	}()

	var b strings.Builder
	fmt.Fprintf(&b, "--debug: the test failed (%s); its machines are kept as they are:\n", summary)
	for _, m := range d.machines {
		fmt.Fprintf(&b, "  %s: %s\n", m.name, machineState(m.currentEngine()))
	}
	attach := "vmt attach --socket " + s.path
	example := "MACHINE"
	if len(d.machines) > 0 {
		example = d.machines[0].name
	}
	fmt.Fprintf(&b, "a shell in a machine:  %s %s\n", attach, example)
	fmt.Fprintf(&b, "the test's REPL:       %s --repl\n", attach)
	fmt.Fprintf(&b, "end the test:          %s --release   (or Ctrl-C; it ends by itself after %s)", attach, formatSeconds(d.opts.DebugTimeout))
	d.log.Line("", b.String())

	timer := time.NewTimer(d.opts.DebugTimeout)
	defer timer.Stop()
	select {
	case <-w.released:
		d.log.Line("", "--debug: released by vmt attach --release")
	case <-ctx.Done():
		d.log.Line("", "--debug: "+context.Cause(ctx).Error())
	case <-timer.C:
		d.log.Line("", fmt.Sprintf("--debug: nobody released the test within %s (--debug-timeout)", formatSeconds(d.opts.DebugTimeout)))
	}
}

// release ends the debug wait.
func (s *controlServer) release() error {
	s.mu.Lock()
	w := s.debug
	s.mu.Unlock()
	if w == nil {
		return errors.New("the test is not waiting to be released: vmt run --debug waits only after a failure, and this test has not failed (or runs without --debug)")
	}
	w.releaseOnce.Do(func() { close(w.released) })
	return nil
}
