package runtime

import (
	"bytes"
	"fmt"
	"time"

	"go.starlark.net/starlark"
)

// commandError is a guest command that did not end the way its step
// required.
type commandError struct {
	machine string
	command string
	status  int
	output  []byte
	// wantFailure is set when the command had to fail but succeeded.
	wantFailure bool
}

func (e *commandError) Error() string {
	if e.wantFailure {
		return fmt.Sprintf("%s: command `%s` succeeded unexpectedly", e.machine, firstLine(e.command))
	}
	return fmt.Sprintf("%s: command `%s` failed with exit status %d", e.machine, firstLine(e.command), e.status)
}

// run executes a command in the guest after the polling conditions. The
// deadline of the waits in progress becomes the command's timeout, so
// that the engine interrupts the command itself; timeout 0 means none.
func (m *Machine) run(c *call, command string, timeout time.Duration) (int, []byte, error) {
	shell, err := role[GuestCommands](m)
	if err != nil {
		return -1, nil, err
	}
	if err := c.d.checkConditions(c.thread); err != nil {
		return -1, nil, err
	}
	// Boot first (within the deadline), so that the time before output is
	// shown live counts from the command's start.
	ctx, cancel := c.d.callContext()
	m.started = true
	err = shell.Connect(ctx)
	cancel()
	if err != nil {
		return -1, nil, c.d.callError(ctx, err)
	}
	var deadline time.Time
	if len(c.d.deadlines) > 0 {
		deadline = c.d.earliestDeadline()
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return -1, nil, &deadlineError{fmt.Errorf("%s: no time left to run `%s`", m.name, command)}
		}
		if timeout == 0 || remaining < timeout {
			timeout = remaining
		}
	}
	live := newLiveOutput(c.d.log, m.name)
	status, out, err := shell.Execute(c.d.ctx, command, timeout, live)
	live.done()
	switch {
	case err == nil:
		return status, out, nil
	case c.d.stopped() != nil:
		return status, out, c.d.stopped()
	case !deadline.IsZero() && !time.Now().Before(deadline):
		return status, out, &deadlineError{err}
	}
	return status, out, err
}

// mustSucceed runs a command that has to exit with status 0.
func (m *Machine) mustSucceed(c *call, command string, timeout time.Duration) ([]byte, error) {
	var out []byte
	err := m.step("must succeed: "+command, func() error {
		status, output, err := m.run(c, command, timeout)
		out = output
		if err == nil && status != 0 {
			err = &commandError{machine: m.name, command: command, status: status, output: output}
		}
		return err
	})
	return out, err
}

func machineExecute(m *Machine, c *call) (starlark.Value, error) {
	command := c.args.str("command")
	timeout, err := c.args.commandTimeout("timeout")
	if err != nil {
		return nil, err
	}
	if !c.args.bool("check_output") {
		// Nothing will read the output: run the command in the background.
		command = "( " + command + "\n) </dev/null >/dev/null 2>&1 &"
		timeout = 0
	}
	var status int
	var out []byte
	err = m.step("executing: "+c.args.str("command"), func() error {
		var err error
		status, out, err = m.run(c, command, timeout)
		return err
	})
	if err != nil {
		return nil, err
	}
	switch {
	case !c.args.bool("check_output"):
		status, out = -2, nil
	case !c.args.bool("check_return"):
		status = -1
	}
	return starlark.Tuple{starlark.MakeInt(status), starlark.String(out)}, nil
}

func machineSucceed(m *Machine, c *call) (starlark.Value, error) {
	timeout, err := c.args.commandTimeout("timeout")
	if err != nil {
		return nil, err
	}
	var all bytes.Buffer
	for _, command := range c.args.strings("commands") {
		out, err := m.mustSucceed(c, command, timeout)
		if err != nil {
			return nil, err
		}
		all.Write(out)
	}
	return starlark.String(all.String()), nil
}

func machineFail(m *Machine, c *call) (starlark.Value, error) {
	timeout, err := c.args.commandTimeout("timeout")
	if err != nil {
		return nil, err
	}
	var all bytes.Buffer
	for _, command := range c.args.strings("commands") {
		err := m.step("must fail: "+command, func() error {
			status, out, err := m.run(c, command, timeout)
			if err == nil && status == 0 {
				err = &commandError{machine: m.name, command: command, output: out, wantFailure: true}
			}
			all.Write(out)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return starlark.String(all.String()), nil
}

// waitForStatus repeats a command once a second until its exit status is
// zero (wantZero) or non-zero, and returns its output.
func (m *Machine) waitForStatus(c *call, command string, wantZero bool) (starlark.Value, error) {
	timeout, err := c.args.timeout("timeout")
	if err != nil {
		return nil, err
	}
	what, verb := "success", "to succeed"
	if !wantZero {
		what, verb = "failure", "to fail"
	}
	var out []byte
	err = m.step(fmt.Sprintf("waiting for %s: %s", what, command), func() error {
		return c.d.waitUntil(fmt.Sprintf("`%s` %s", command, verb), timeout, time.Second, func(bool) error {
			status, output, err := m.run(c, command, 0)
			if err != nil {
				return err
			}
			out = output
			if (status == 0) != wantZero {
				return &notYet{&commandError{machine: m.name, command: command, status: status, output: output, wantFailure: !wantZero}}
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return starlark.String(out), nil
}

func machineWaitUntilSucceeds(m *Machine, c *call) (starlark.Value, error) {
	return m.waitForStatus(c, c.args.str("command"), true)
}

func machineWaitUntilFails(m *Machine, c *call) (starlark.Value, error) {
	return m.waitForStatus(c, c.args.str("command"), false)
}

// machineSleep sleeps in the guest, so the time passes on its clock.
func machineSleep(m *Machine, c *call) (starlark.Value, error) {
	secs, err := c.args.seconds("secs")
	if err != nil {
		return nil, err
	}
	_, err = m.mustSucceed(c, fmt.Sprintf("sleep %g", secs.Seconds()), 0)
	return starlark.None, err
}
