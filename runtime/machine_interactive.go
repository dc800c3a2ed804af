package runtime

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"go.starlark.net/starlark"
)

// machineShellInteract hands the guest's root shell to the terminal, or to
// a socat address: each line read is run as a command, its output and a
// non-zero status written back, until end of input.
func machineShellInteract(m *Machine, c *call) (starlark.Value, error) {
	shell, err := role[GuestCommands](m)
	if err != nil {
		return nil, err
	}
	readLine, out := c.d.readLine, c.d.opts.Terminal
	if address, ok := c.args.optStr("address"); ok {
		socat := exec.CommandContext(c.d.ctx, "socat", "STDIO", address)
		stdin, err := socat.StdinPipe()
		if err != nil {
			return nil, err
		}
		stdout, err := socat.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := socat.Start(); err != nil {
			return nil, fmt.Errorf("shell_interact: starting socat (is it installed?): %w", err)
		}
		defer socat.Wait()
		defer stdin.Close()
		lines := bufio.NewReader(stdout)
		readLine, out = func() ([]byte, error) { return lines.ReadBytes('\n') }, stdin
	} else if c.d.opts.Stdin == nil {
		return nil, fmt.Errorf("shell_interact: %w", errNoTerminal)
	}
	m.d.log.Line(m.name, "the root shell reads lines from the terminal (no prompt); end with Ctrl-D")
	for {
		line, err := readLine()
		if command := strings.TrimSpace(string(line)); command != "" {
			ctx, cancel := c.d.callContext()
			status, _, xerr := shell.Execute(ctx, command, 0, out)
			cancel()
			if xerr != nil {
				return nil, c.d.callError(ctx, xerr)
			}
			if status != 0 {
				fmt.Fprintf(out, "[exit status %d]\n", status)
			}
		}
		switch {
		case err == io.EOF:
			return starlark.None, nil
		case err != nil:
			return nil, err
		}
	}
}

// machineConsoleInteract sends what the terminal types to the serial
// console until end of input; the console's output appears in the log.
func machineConsoleInteract(m *Machine, c *call) (starlark.Value, error) {
	console, err := role[Console](m)
	if err != nil {
		return nil, err
	}
	if c.d.opts.Stdin == nil {
		return nil, fmt.Errorf("console_interact: %w", errNoTerminal)
	}
	c.d.log.serial.Store(true)
	m.d.log.Line(m.name, "typing goes to the serial console; end with Ctrl-D")
	for {
		line, err := c.d.readLine()
		if len(line) > 0 {
			if serr := console.SendConsole(string(line)); serr != nil {
				return nil, serr
			}
		}
		switch {
		case err == io.EOF:
			return starlark.None, nil
		case err != nil:
			return nil, err
		}
	}
}

func machineLog(m *Machine, c *call) (starlark.Value, error) {
	c.d.log.Line(m.name, c.args.str("msg"))
	return starlark.None, nil
}
