package vmtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/vmt-dev/vmt/qemu"
)

// Options of a run of targets.
type Options struct {
	Filter  *regexp.Regexp // targets whose name matches; nil: all
	Jobs    int            // targets run at once; default 1
	Timeout time.Duration  // per command; 0: none
	Net     bool           // user-mode networking in the guests
	Workdir string         // shared writable with kernel targets, at its own path; the command runs there
	Env     Env
	Stdout  io.Writer // the commands' output, streamed
	Stderr  io.Writer // vmt's notes
	Verbose bool      // the guests' consoles and the engine's notes on Stderr
}

// Outcome is how a target ended.
type Outcome int

const (
	Passed   Outcome = iota // the command exited 0
	Failed                  // the command exited non-zero
	TimedOut                // the command outlived Options.Timeout
	NoBoot                  // the machine did not come up, or broke down
)

// Result is what became of one target.
type Result struct {
	Target  string
	Outcome Outcome
	Status  int   // the command's exit status, when it ran to its end
	Err     error // why, when the outcome is TimedOut or NoBoot
	Boot    time.Duration
	Total   time.Duration
}

// ErrNoMatch is returned when the filter selects no target.
var ErrNoMatch = errors.New("the filter matches no target")

// Select returns the targets whose names match filter (all for nil).
func Select(targets []Target, filter *regexp.Regexp) ([]Target, error) {
	if filter == nil {
		return targets, nil
	}
	var out []Target
	var names []string
	for _, t := range targets {
		names = append(names, t.Name)
		if filter.MatchString(t.Name) {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: -f %q, targets: %s", ErrNoMatch, filter, strings.Join(names, ", "))
	}
	return out, nil
}

// Run runs targets, Jobs at a time, in the order given, and returns their
// results in that order. The targets must have passed Check.
func Run(ctx context.Context, targets []Target, opts Options) []Result {
	if opts.Jobs < 1 {
		opts.Jobs = 1
	}
	results := make([]Result, len(targets))
	run, err := qemu.NewRunDir("")
	if err != nil {
		for i, t := range targets {
			results[i] = Result{Target: t.Name, Outcome: NoBoot, Err: err}
		}
		return results
	}
	defer run.Remove()
	var out sync.Mutex // whole lines of parallel targets, one writer at a time
	sem := make(chan struct{}, opts.Jobs)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			stdout := opts.Stdout
			if opts.Jobs > 1 && len(targets) > 1 {
				stdout = &prefixWriter{prefix: t.Name + " | ", w: opts.Stdout, mu: &out}
			} else if len(targets) > 1 {
				fmt.Fprintf(opts.Stderr, "=> %s\n", t.Name)
			}
			results[i] = runTarget(ctx, t, machineName(t.Name, i+1), run.Path, stdout, opts)
			if pw, ok := stdout.(*prefixWriter); ok {
				pw.flush()
			}
		}()
	}
	wg.Wait()
	return results
}

// runTarget boots one target's machine, runs its command and stops it.
func runTarget(ctx context.Context, t Target, name, dir string, stdout io.Writer, opts Options) Result {
	began := time.Now()
	r := Result{Target: t.Name, Status: -1}
	fail := func(outcome Outcome, err error) Result {
		r.Outcome, r.Err, r.Total = outcome, err, time.Since(began)
		return r
	}
	log := &logger{w: opts.Stderr, verbose: opts.Verbose, target: t.Name}
	cfg, err := t.Spec(name, opts.Workdir, opts.Net).Config(dir, 1, nil, log)
	if err != nil {
		return fail(NoBoot, err)
	}
	m, err := qemu.New(cfg)
	if err != nil {
		return fail(NoBoot, err)
	}
	defer m.Release()
	if err := m.Connect(ctx); err != nil {
		return fail(NoBoot, bootError(t, m, err))
	}
	r.Boot = time.Since(began)
	status, _, err := m.Execute(ctx, t.shellCommand(opts.Workdir, opts.Env), opts.Timeout, stdout)
	switch {
	case errors.Is(err, qemu.ErrTimeout):
		return fail(TimedOut, fmt.Errorf("the command did not finish within %s", opts.Timeout))
	case err != nil:
		return fail(NoBoot, bootError(t, m, err))
	}
	r.Status, r.Total = status, time.Since(began)
	if status != 0 {
		r.Outcome = Failed
	}
	return r
}

// bootError explains a machine that did not come up or broke down: the
// guest's own report when it has one (a kernel without 9p), else the
// engine's error with the last console lines.
func bootError(t Target, m *qemu.Machine, err error) error {
	if why := qemu.HostRootFailure(m.ConsoleLog()); why != "" {
		what := "kernel " + t.Kernel
		if t.Kernel == "" {
			what = "image " + t.Image
		}
		return fmt.Errorf("%s: %s", what, why)
	}
	tail := m.ConsoleTail(15)
	if strings.Contains(err.Error(), "last console lines") || len(tail) == 0 {
		return err
	}
	return fmt.Errorf("%w; last console lines:\n%s", err, strings.Join(tail, "\n"))
}

// logger passes the engine's notes and the guest's console on when
// verbose; a failed boot reads the console from the machine instead.
type logger struct {
	w       io.Writer
	verbose bool
	target  string
	mu      sync.Mutex
}

func (l *logger) Log(_, msg string) {
	if l.verbose {
		l.mu.Lock()
		defer l.mu.Unlock()
		fmt.Fprintf(l.w, "vmt: %s: %s\n", l.target, msg)
	}
}

func (l *logger) Serial(_, line string) {
	if l.verbose {
		l.mu.Lock()
		defer l.mu.Unlock()
		fmt.Fprintf(l.w, "%s # %s\n", l.target, line)
	}
}

// prefixWriter writes whole lines, each after prefix, so that the output
// of targets running at once stays readable.
type prefixWriter struct {
	prefix string
	w      io.Writer
	mu     *sync.Mutex
	line   []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.line = append(p.line, b...)
	for {
		i := bytes.IndexByte(p.line, '\n')
		if i < 0 {
			return len(b), nil
		}
		p.emit(p.line[:i+1])
		p.line = p.line[i+1:]
	}
}

// flush writes a last line that has no newline.
func (p *prefixWriter) flush() {
	if len(p.line) > 0 {
		p.emit(append(p.line, '\n'))
		p.line = nil
	}
}

func (p *prefixWriter) emit(line []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.w, p.prefix)
	p.w.Write(line)
}
