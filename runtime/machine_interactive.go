package runtime

import (
	"bufio"
	"errors"
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
	eng, err := m.eng()
	if err != nil {
		return nil, err
	}
	in, out := c.d.opts.Stdin, c.d.opts.Terminal
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
		in, out = stdout, stdin
	}
	if in == nil {
		return nil, errors.New("shell_interact: there is no terminal to interact with")
	}
	m.d.log.Line(m.name, "the root shell reads lines from the terminal (no prompt); end with Ctrl-D")
	lines := bufio.NewScanner(in)
	lines.Buffer(make([]byte, 64*1024), 1024*1024)
	for lines.Scan() {
		command := lines.Text()
		if strings.TrimSpace(command) == "" {
			continue
		}
		ctx, cancel := c.d.callContext()
		status, _, err := eng.Execute(ctx, command, 0, out)
		cancel()
		if err != nil {
			return nil, c.d.callError(ctx, err)
		}
		if status != 0 {
			fmt.Fprintf(out, "[exit status %d]\n", status)
		}
	}
	return starlark.None, lines.Err()
}

// machineConsoleInteract sends what the terminal types to the serial
// console until end of input; the console's output appears in the log.
func machineConsoleInteract(m *Machine, c *call) (starlark.Value, error) {
	eng, err := m.eng()
	if err != nil {
		return nil, err
	}
	if c.d.opts.Stdin == nil {
		return nil, errors.New("console_interact: there is no terminal to interact with")
	}
	c.d.log.serial.Store(true)
	m.d.log.Line(m.name, "typing goes to the serial console; end with Ctrl-D")
	buf := make([]byte, 4096)
	for {
		n, err := c.d.opts.Stdin.Read(buf)
		if n > 0 {
			if serr := eng.SendConsole(string(buf[:n])); serr != nil {
				return nil, serr
			}
		}
		if err == io.EOF {
			return starlark.None, nil
		}
		if err != nil {
			return nil, err
		}
		if stop := c.d.stopped(); stop != nil {
			return nil, stop
		}
	}
}

func machineLog(m *Machine, c *call) (starlark.Value, error) {
	c.d.log.Line(m.name, c.args.str("msg"))
	return starlark.None, nil
}
