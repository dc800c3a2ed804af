package runtime

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.starlark.net/starlark"
)

// Failure is a test that ran and failed: an assertion, a command, a
// timeout, an error in the script, or a stop by the global timeout or a
// signal. Its report has been written to the log.
type Failure struct {
	Summary string
	Err     error // what failed, with its Starlark backtrace when it has one
}

func (f *Failure) Error() string { return "test failed: " + f.Summary }
func (f *Failure) Unwrap() error { return f.Err }

// Run checks the script, sets up the machines and VLANs, runs the script
// (and the REPL when interactive), releases everything and writes the
// reports. It returns nil when the test passed, a *UsageError when it
// could not start (nothing was booted), or a *Failure.
func Run(ctx context.Context, opts Options) error {
	prog, err := compile(opts)
	if err != nil {
		return err
	}
	if err := checkOutputDir(opts.OutputDir); err != nil {
		return &UsageError{err}
	}
	var junit *os.File
	if opts.JUnitXML != "" {
		// Created now, so that an unwritable path is reported before booting.
		if junit, err = os.Create(opts.JUnitXML); err != nil {
			return &UsageError{fmt.Errorf("JUnit report: %w", err)}
		}
		junit.Close()
	}

	// stopCtx ends on the global timeout or the caller's cancellation; the
	// driver's own context ends only after the watcher has noted what was
	// running then.
	stopCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	if opts.GlobalTimeout > 0 {
		timer := time.AfterFunc(opts.GlobalTimeout, func() {
			stop(fmt.Errorf("%w of %s reached", errGlobalTimeout, formatSeconds(opts.GlobalTimeout)))
		})
		defer timer.Stop()
	}
	driverCtx, cancelDriver := context.WithCancelCause(context.Background())
	defer cancelDriver(nil)
	var sinks []logSink
	if opts.Terminal != nil {
		sinks = append(sinks, newTerminalLog(opts.Terminal, opts.Color))
	}
	if opts.XMLLog != nil {
		sinks = append(sinks, newXMLLog(opts.XMLLog))
	}
	d := newDriver(driverCtx, opts, sinks...)
	defer d.log.close()
	if err := d.setUp(prog.declared, prog.vlans); err != nil {
		d.release()
		return &UsageError{err}
	}
	defer d.release()
	control, controlErr := d.serveControl()
	if controlErr != nil {
		d.log.Line("", fmt.Sprintf("warning: %v; vmt attach cannot reach this test", controlErr))
	}

	thread := &starlark.Thread{Name: opts.Script}
	watcher := d.watchForStop(stopCtx, cancelDriver, thread)
	began := time.Now()
	globals, err := prog.prog.Init(thread, d.newEnv())
	if opts.Interactive && d.stopped() == nil {
		if err != nil {
			d.reportFailure(err, d.failedSubtest(err))
		}
		env := d.newEnv()
		for k, v := range globals {
			env[k] = v
		}
		if stop := d.repl(thread, env); stop != nil {
			err = stop
		}
	}
	watcher.stop()
	// --debug waits on a failure, not on the user's own interruption.
	if err != nil && opts.Debug && !opts.Interactive && ctx.Err() == nil {
		d.waitForDebugger(ctx, control, err, globals)
	}
	control.close()
	return d.finish(err, time.Since(began))
}

// setUp creates the VLANs and the engines of the machines; nothing boots.
func (d *driver) setUp(declared []string, vlans []int) error {
	for _, nr := range vlans {
		if _, err := d.addVLAN(nr); err != nil {
			return err
		}
	}
	for _, spec := range d.opts.Machines {
		spec.Index = len(d.machines) + 1
		engine, err := d.opts.Backend.NewMachine(spec, d.log)
		if err != nil {
			return err
		}
		d.machines = append(d.machines, &Machine{d: d, name: spec.Name, spec: spec, engine: engine})
	}
	for _, name := range declared {
		spec := MachineSpec{Name: name, Index: len(d.machines) + 1}
		d.machines = append(d.machines, &Machine{d: d, name: name, spec: spec})
	}
	return nil
}

// checkOutputDir makes sure the output directory exists and is writable.
func checkOutputDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("output directory %s is not a directory", dir)
	}
	probe, err := os.CreateTemp(dir, ".vmt-write-test-")
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// stopWatcher stops the test when stop ends: it notes what was running,
// cancels the driver's context and the Starlark thread.
type stopWatcher struct {
	done chan struct{}
	wg   sync.WaitGroup
}

func (d *driver) watchForStop(stop context.Context, cancel context.CancelCauseFunc, thread *starlark.Thread) *stopWatcher {
	w := &stopWatcher{done: make(chan struct{})}
	w.wg.Go(func() {
		select {
		case <-stop.Done():
			reason := stopError(stop).Error()
			if running := d.log.current(); running != "" {
				reason += " while running: " + running
			}
			d.stopMu.Lock()
			d.stopReason = reason
			d.stopMu.Unlock()
			cancel(context.Cause(stop))
			thread.Cancel(reason)
		case <-w.done:
		}
	})
	return w
}

func (w *stopWatcher) stop() {
	close(w.done)
	w.wg.Wait()
}

// finish closes the open subtests, reports the outcome and writes the
// JUnit report.
func (d *driver) finish(err error, took time.Duration) error {
	subtest := d.failedSubtest(err)
	if err != nil {
		err = d.explainStop(err)
	}
	if len(d.subtests.open) > 0 {
		d.closeSubtest(d.subtests.open[0], err)
	}
	d.endAllNested(err)
	cases := []testCase{{name: "main", took: took}}
	var summary string
	if err != nil {
		summary = d.reportFailure(err, subtest)
		if subtest == "" {
			cases[0].failure, cases[0].details = d.describeFailure(err)
		}
	}
	cases = append(cases, d.subtests.finished...)
	d.release()
	var junitErr error
	if d.opts.JUnitXML != "" {
		junitErr = writeJUnit(d.opts.JUnitXML, filepath.Base(d.opts.Script), cases, took)
	}
	if err != nil {
		return &Failure{Summary: summary, Err: err}
	}
	d.log.Line("", fmt.Sprintf("test passed in %s", formatDuration(took)))
	return junitErr
}

// failedSubtest names the subtest a failure belongs to: the innermost
// open one, or the one it passed through; "" for none (main).
func (d *driver) failedSubtest(err error) string {
	switch {
	case err == nil:
		return ""
	case err == d.subtests.lastErr:
		return d.subtests.failedIn
	case d.subtests.current() != nil:
		return d.subtests.current().name
	}
	return ""
}

// reportFailure writes a failure's report to the log, once, and returns
// its summary.
func (d *driver) reportFailure(err error, subtest string) string {
	summary, report := d.describeFailure(err)
	if !d.reported {
		d.reported = true
		if subtest != "" {
			report = fmt.Sprintf("Failed in subtest %q\n", subtest) + report
		}
		d.log.write("", report, "error")
	}
	return summary
}

// explainStop replaces the error of a stopped test by the reason it was
// stopped and what was running then.
func (d *driver) explainStop(err error) error {
	if d.ctx.Err() == nil {
		return err
	}
	d.stopMu.Lock()
	reason := d.stopReason
	d.stopMu.Unlock()
	if reason == "" {
		reason = d.stopped().Error()
	}
	return &stoppedError{reason: strings.TrimSpace(reason), err: err}
}
