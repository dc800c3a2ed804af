package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"go.starlark.net/starlark"
)

// Options configure one run of a test script.
type Options struct {
	// Script names the script in messages and backtraces; Source is its
	// text. Relative host paths in the script are read against the
	// directory of Script when it is a file, else the working directory.
	Script string
	Source []byte
	// Machines are the machines given on the command line (start scripts).
	Machines []MachineSpec
	// VLANs are the numbers of the VLANs to create.
	VLANs []int
	// GlobalTimeout stops the test when it runs longer; 0 means never.
	GlobalTimeout time.Duration
	// BootTimeout is the boot timeout of the machines create_machine
	// declares without boot_timeout (those in Machines carry their own);
	// 0 leaves the engine's default.
	BootTimeout time.Duration
	// OutputDir receives screenshots and files copied out of guests;
	// nothing is written outside it.
	OutputDir string
	// Interactive runs a REPL after the script (or instead, without one).
	Interactive bool
	// Debug keeps the machines of a failed test running and waits, until
	// vmt attach --release, the caller's cancellation or DebugTimeout, for
	// someone to attach to them (vmt run --debug).
	Debug        bool
	DebugTimeout time.Duration
	// Stdin feeds the REPL and the interactive methods.
	Stdin io.Reader
	// Terminal receives the human-readable log; Color styles it.
	Terminal io.Writer
	Color    bool
	// XMLLog, when set, receives the log in the NixOS driver's XML format.
	XMLLog io.Writer
	// JUnitXML, when set, is the path of a JUnit report, one test case per
	// subtest.
	JUnitXML string
	// Tesseract is the OCR program; "" looks up tesseract on PATH.
	Tesseract string
	// Backend makes the machines and VLANs.
	Backend Backend
}

// driver runs one test: its machines, VLANs, log, subtests and the
// polling conditions and deadlines every guest call honours.
type driver struct {
	opts Options
	ctx  context.Context // cancelled by the global timeout or a signal
	log  *Log
	// scriptDir is where relative host paths of the script are read from.
	scriptDir string

	machines []*Machine
	vlans    []*VLAN // in order of their numbers
	// vlansValue is the `vlans` global: a frozen list, remade when a VLAN
	// is added; envs are the environments handed to the script and the
	// REPL, which see added VLANs.
	vlansValue starlark.Value
	envs       []starlark.StringDict
	sources    map[string][]byte // script sources by file name, for backtraces

	subtests   subtests
	conditions []*pollingCondition
	checking   bool // a polling condition is being checked

	// deadlines are the ends of the waits in progress (retry, ...);
	// guest calls made inside them stop at the earliest.
	deadlines []time.Time

	// stopReason says why and during which step the test was stopped.
	stopMu     sync.Mutex
	stopReason string
	// reported is set once a failure report is in the log.
	reported bool

	releaseOnce sync.Once

	// input reads the terminal (Options.Stdin) for the REPL and the
	// interactive methods.
	input *input

	// host is what the host module started and made.
	host hostState
	// nested are the open blocks of nested and Machine.nested, innermost
	// last.
	nested []*nestedBlock
}

// errGlobalTimeout is the cause of the context when the global timeout fires.
var errGlobalTimeout = errors.New("global timeout")

func newDriver(ctx context.Context, opts Options, sinks ...logSink) *driver {
	return &driver{
		opts:       opts,
		ctx:        ctx,
		log:        newLog(sinks...),
		scriptDir:  scriptDir(opts.Script),
		sources:    map[string][]byte{opts.Script: opts.Source},
		vlansValue: frozenList([]*VLAN(nil)),
	}
}

// callContext returns the context a guest call runs under: the test's,
// ending at the earliest deadline of the waits in progress.
func (d *driver) callContext() (context.Context, context.CancelFunc) {
	if len(d.deadlines) == 0 {
		return context.WithCancel(d.ctx)
	}
	return context.WithDeadline(d.ctx, d.earliestDeadline())
}

// earliestDeadline is the first deadline of the waits in progress; there
// must be one.
func (d *driver) earliestDeadline() time.Time {
	earliest := d.deadlines[0]
	for _, t := range d.deadlines[1:] {
		if t.Before(earliest) {
			earliest = t
		}
	}
	return earliest
}

// within runs fn with a deadline that guest calls inside it honour.
func (d *driver) within(deadline time.Time, fn func() error) error {
	d.deadlines = append(d.deadlines, deadline)
	defer func() { d.deadlines = d.deadlines[:len(d.deadlines)-1] }()
	return fn()
}

// stopped returns the reason the whole test was stopped, or nil.
func (d *driver) stopped() error {
	if d.ctx.Err() == nil {
		return nil
	}
	return stopError(d.ctx)
}

// stopError explains why ctx ended: the global timeout or an interruption.
func stopError(ctx context.Context) error {
	cause := context.Cause(ctx)
	if errors.Is(cause, errGlobalTimeout) {
		return &stoppedError{reason: cause.Error()}
	}
	return &stoppedError{reason: "stopped: " + cause.Error()}
}

// stoppedError ends the test early; retries and assert_fails let it
// through. err, when set, is the error the script saw.
type stoppedError struct {
	reason string
	err    error
}

func (e *stoppedError) Error() string { return e.reason }
func (e *stoppedError) Unwrap() error { return e.err }

// sleep waits on the host clock, returning early when the test is stopped.
func (d *driver) sleep(dur time.Duration) error {
	if dur <= 0 {
		return d.stopped()
	}
	timer := time.NewTimer(dur)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-d.ctx.Done():
		return d.stopped()
	}
}

// release stops every machine at once, then the VLANs.
func (d *driver) release() {
	d.releaseOnce.Do(func() {
		if err := d.host.release(); err != nil {
			d.log.Line("", fmt.Sprintf("releasing host files: %v", err))
		}
		var wg sync.WaitGroup
		for _, m := range d.machines {
			if m.engine == nil {
				continue
			}
			wg.Go(func() {
				if err := m.engine.Release(); err != nil {
					d.log.Line(m.name, fmt.Sprintf("releasing: %v", err))
				}
			})
		}
		wg.Wait()
		if err := d.opts.Backend.Release(); err != nil {
			d.log.Line("", fmt.Sprintf("releasing: %v", err))
		}
	})
}
