package runtime

import (
	"fmt"
	"strings"
	"time"

	"go.starlark.net/starlark"
)

// waitForCommand repeats a probe command once a second until its exit
// status says the condition holds (zero when wantZero, else non-zero).
func (m *Machine) waitForCommand(c *call, msg, what, probe string, wantZero bool) (starlark.Value, error) {
	timeout, err := c.args.timeout("timeout")
	if err != nil {
		return nil, err
	}
	err = m.step(msg, func() error {
		return c.d.waitUntil(what, timeout, time.Second, func(bool) error {
			status, _, err := m.run(c, probe, 0)
			if err != nil {
				return err
			}
			if (status == 0) != wantZero {
				return &notYet{}
			}
			return nil
		})
	})
	return starlark.None, err
}

func machineWaitForFile(m *Machine, c *call) (starlark.Value, error) {
	name := c.args.str("filename")
	// With two arguments test reads the second as the operand of -e
	// whatever it looks like; a "--" would break bash's test.
	return m.waitForCommand(c, "waiting for file "+name, "file "+name+" to exist", "test -e "+shellQuote(name), true)
}

// portProbe builds a command that exits 0 when something accepts TCP
// connections on addr:port in the guest: `nc -z` where the guest has a
// netcat that knows -z, else, for a loopback address, a listening socket
// on the port in /proc/net/tcp{,6} (busybox's nc has no -z). "--" keeps an
// address from being read as an option.
func portProbe(port int, addr string) string {
	probe := fmt.Sprintf("nc -z -- %s %d 2>/dev/null", shellQuote(addr), port)
	if isLoopback(addr) {
		probe += fmt.Sprintf(" || grep -qE ':%04X [0-9A-F]+:[0-9A-F]+ 0A ' /proc/net/tcp /proc/net/tcp6 2>/dev/null", port)
	}
	return probe
}

func isLoopback(addr string) bool {
	return addr == "localhost" || addr == "::1" || strings.HasPrefix(addr, "127.")
}

func machineWaitForOpenPort(m *Machine, c *call) (starlark.Value, error) {
	return m.waitForPort(c, true)
}

func machineWaitForClosedPort(m *Machine, c *call) (starlark.Value, error) {
	return m.waitForPort(c, false)
}

func (m *Machine) waitForPort(c *call, open bool) (starlark.Value, error) {
	port, err := c.args.int("port")
	if err != nil {
		return nil, err
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("%s: port %d is not a TCP port number (1-65535)", c.args.name, port)
	}
	addr := c.args.str("addr")
	state := "open"
	if !open {
		state = "closed"
	}
	target := fmt.Sprintf("%s:%d", addr, port)
	return m.waitForCommand(c, fmt.Sprintf("waiting for TCP port %s to be %s", target, state),
		fmt.Sprintf("TCP port %s to be %s", target, state), portProbe(port, addr), open)
}

// unixSocketProbe builds a command that exits 0 when a socket of the
// type is bound at path (listening, for a stream socket), read from
// /proc/net/unix so that it works on any Linux guest.
func unixSocketProbe(path string, datagram bool) string {
	condition := `$5 == "0001" && $4 == "00010000"`
	if datagram {
		condition = `$5 == "0002"`
	}
	return fmt.Sprintf(`P=%s awk 'BEGIN { found = 1 } $8 == ENVIRON["P"] && %s { found = 0 } END { exit found }' /proc/net/unix`,
		shellQuote(path), condition)
}

func machineWaitForOpenUnixSocket(m *Machine, c *call) (starlark.Value, error) {
	path := c.args.str("addr")
	kind := "stream"
	if c.args.bool("is_datagram") {
		kind = "datagram"
	}
	return m.waitForCommand(c, fmt.Sprintf("waiting for UNIX %s socket %s", kind, path),
		fmt.Sprintf("a UNIX %s socket at %s", kind, path), unixSocketProbe(path, c.args.bool("is_datagram")), true)
}
