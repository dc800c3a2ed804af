package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmt-dev/vmt/internal/reaper"
	"go.starlark.net/starlark"
)

// The host module: commands and temporary directories on the host, for
// what NixOS scripts do with subprocess and tempfile. What it starts and
// makes belongs to the run: release kills what its commands left running
// and removes its directories.

// hostOutputGrace is how long host.run reads output after the command
// exits, for a background process that inherited its stdout.
const hostOutputGrace = time.Second

// errHostTimeout ends a host command that ran past its own timeout.
var errHostTimeout = errors.New("host command timeout")

// hostState is what the host module started and made during the run.
type hostState struct {
	mu      sync.Mutex
	reapers map[int]bool // pids of the reapers of host commands
	base    string       // the directory holding the tempdirs, made on first use
}

// track notes the reaper of a command just started.
func (h *hostState) track(pid int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.reapers == nil {
		h.reapers = map[int]bool{}
	}
	h.reapers[pid] = true
}

// forget drops a reaper that has exited and been waited for, so that
// release cannot hit another process that gets its pid later.
func (h *hostState) forget(pid int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.reapers, pid)
}

// release kills what the host commands left running and removes the
// temporary directories.
func (h *hostState) release() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	pids := make([]int, 0, len(h.reapers))
	for pid := range h.reapers {
		pids = append(pids, pid)
		delete(h.reapers, pid)
	}
	reaper.Stop(pids...)
	if h.base == "" {
		return nil
	}
	err := os.RemoveAll(h.base)
	h.base = ""
	return err
}

// hostResult is a finished host command (lang's HostResult type).
type hostResult struct {
	status         int
	stdout, stderr string
}

var _ starlark.HasAttrs = (*hostResult)(nil)

func (r *hostResult) String() string {
	return fmt.Sprintf("HostResult(status = %d, stdout = %s, stderr = %s)", r.status, starlark.String(r.stdout), starlark.String(r.stderr))
}
func (r *hostResult) Type() string          { return "HostResult" }
func (r *hostResult) Freeze()               {}
func (r *hostResult) Truth() starlark.Bool  { return true }
func (r *hostResult) Hash() (uint32, error) { return 0, errors.New("unhashable: HostResult") }
func (r *hostResult) AttrNames() []string   { return memberNames("HostResult") }
func (r *hostResult) Attr(name string) (starlark.Value, error) {
	return member[*hostResult](nil, "HostResult", r, name, nil, hostResultAttrs)
}

// hostCommandError is a host command that exited with a non-zero status
// under check=True.
type hostCommandError struct {
	command string
	status  int
	stderr  string
}

func (e *hostCommandError) Error() string {
	how := fmt.Sprintf("failed with exit status %d", e.status)
	if e.status < 0 {
		how = fmt.Sprintf("was killed by signal %d (%s)", -e.status, syscall.Signal(-e.status))
	}
	msg := fmt.Sprintf("host.run: command `%s` %s", e.command, how)
	if stderr := strings.TrimRight(e.stderr, "\n"); stderr != "" {
		lines := strings.Split(stderr, "\n")
		if len(lines) > outputTailLines {
			lines = lines[len(lines)-outputTailLines:]
		}
		msg += "; stderr:\n" + strings.Join(lines, "\n")
	}
	return msg
}

func hostRun(c *call) (starlark.Value, error) {
	argv, shown, err := hostArgv(c.args.value("args"))
	if err != nil {
		return nil, err
	}
	timeout, err := c.args.commandTimeout("timeout")
	if err != nil {
		return nil, err
	}
	input, hasInput := c.args.optStr("input")
	s := c.d.log.Nest("", "host: running "+firstLine(shown))
	res, err := c.d.runHost(argv, shown, input, hasInput, timeout)
	if err == nil && res.status != 0 && c.args.bool("check") {
		err = &hostCommandError{command: shown, status: res.status, stderr: res.stderr}
	}
	s.end(err)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// hostArgv is the argv of a host command and how messages show it: a
// list as it is, shell-quoted; a string through sh -c, as written.
func hostArgv(v starlark.Value) ([]string, string, error) {
	argv, shown, err := hostWords(v)
	if err != nil {
		return nil, "", err
	}
	for _, arg := range argv {
		if strings.ContainsRune(arg, 0) {
			return nil, "", fmt.Errorf("host.run: argument %q holds a NUL byte, which no program can receive", arg)
		}
	}
	return argv, shown, nil
}

// hostWords is hostArgv before the check every argument needs.
func hostWords(v starlark.Value) ([]string, string, error) {
	if s, ok := starlark.AsString(v); ok {
		return []string{"sh", "-c", s}, s, nil
	}
	list := v.(*starlark.List)
	if list.Len() == 0 {
		return nil, "", errors.New("host.run: args is an empty list: give the program and its arguments")
	}
	argv := make([]string, list.Len())
	quoted := make([]string, list.Len())
	for i := range argv {
		s, ok := starlark.AsString(list.Index(i))
		if !ok {
			return nil, "", fmt.Errorf("host.run: args[%d] is %s, want a str (convert it with str())", i, describeValue(list.Index(i)))
		}
		argv[i], quoted[i] = s, shellQuote(s)
	}
	return argv, strings.Join(quoted, " "), nil
}

// runHost runs argv under a reaper (package internal/reaper), in the
// script's directory, until it exits, its timeout (0: none) passes, the
// deadline of a wait around the call passes or the test is stopped; then
// the reaper kills everything below it. What the command leaves running
// when it exits keeps running under the reaper until release stops it;
// should vmt die, even by SIGKILL, the reaper kills it all.
func (d *driver) runHost(argv []string, shown, input string, hasInput bool, timeout time.Duration) (*hostResult, error) {
	ctx, cancel := d.callContext()
	defer cancel()
	own := ctx
	if timeout > 0 {
		var cancelOwn context.CancelFunc
		own, cancelOwn = context.WithTimeoutCause(ctx, timeout, errHostTimeout)
		defer cancelOwn()
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = d.scriptDir
	if hasInput {
		cmd.Stdin = strings.NewReader(input)
	}
	// The output is read through pipes of our own: the command's result
	// comes when it exits, not when its reaper does.
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("host.run: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("host.run: %w", err)
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	exited, err := reaper.StartLinger(cmd)
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("host.run: %w", err)
	}
	pid := cmd.Process.Pid
	d.host.track(pid)
	reaped := make(chan struct{})
	go func() {
		cmd.Wait()
		reaper.KillGroup(pid)
		d.host.forget(pid)
		close(reaped)
	}()
	var stdout, stderr bytes.Buffer
	outDone, errDone := readAll(outR, &stdout), readAll(errR, &stderr)
	ws, ok := syscall.WaitStatus(0), false
	select {
	case ws, ok = <-exited:
	case <-own.Done():
		reaper.Stop(pid)
	}
	// Output comes until hostOutputGrace after the command exits, for a
	// background process that inherited its stdout.
	grace := make(chan struct{})
	timer := time.AfterFunc(hostOutputGrace, func() { close(grace) })
	for _, done := range []chan struct{}{outDone, errDone} {
		select {
		case <-done:
		case <-grace:
		}
	}
	timer.Stop()
	outR.Close()
	errR.Close()
	<-outDone
	<-errDone
	switch {
	case d.stopped() != nil:
		return nil, d.stopped()
	case context.Cause(own) == errHostTimeout:
		return nil, fmt.Errorf("host.run: command `%s` timed out after %s; its process group was killed", shown, formatSeconds(timeout))
	case ctx.Err() != nil:
		return nil, &deadlineError{fmt.Errorf("host.run: command `%s` was stopped at the deadline of the wait around it", shown)}
	}
	if !ok {
		// The reaper ended before the command: it could not run it, or
		// was killed; its own status says so.
		<-reaped
		ws, ok = cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ok {
			return nil, fmt.Errorf("host.run: %s", cmd.ProcessState)
		}
	}
	status := ws.ExitStatus()
	if ws.Signaled() {
		status = -int(ws.Signal())
	}
	return &hostResult{status: status, stdout: stdout.String(), stderr: stderr.String()}, nil
}

// readAll copies r to b until r ends or is closed, and then closes the
// channel it returns.
func readAll(r *os.File, b *bytes.Buffer) chan struct{} {
	done := make(chan struct{})
	go func() {
		io.Copy(b, r)
		close(done)
	}()
	return done
}

func hostTempdir(c *call) (starlark.Value, error) {
	base, err := c.d.hostBase()
	if err != nil {
		return nil, fmt.Errorf("host.tempdir: %w", err)
	}
	dir, err := os.MkdirTemp(base, "tmp-")
	if err != nil {
		return nil, fmt.Errorf("host.tempdir: %w", err)
	}
	return starlark.String(dir), nil
}

// hostBase is the directory of the run's host temporary directories: in
// the run directory when the backend has one, else a private directory
// of the system's; both are 0700.
func (d *driver) hostBase() (string, error) {
	h := &d.host
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.base != "" {
		return h.base, nil
	}
	parent := ""
	if q, ok := d.opts.Backend.(*QEMU); ok {
		q.mu.Lock()
		run, err := q.runDirLocked()
		q.mu.Unlock()
		if err != nil {
			return "", err
		}
		parent = run.Path
	}
	base, err := os.MkdirTemp(parent, "vmt-host-")
	if err != nil {
		return "", err
	}
	h.base = base
	return base, nil
}
