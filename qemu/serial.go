package qemu

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

func (m *Machine) readSerial(r io.Reader) {
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			m.console.write(buf[:n], m.serialLine)
		}
		if err != nil {
			return
		}
	}
}

// serialLine takes one line of the serial console.
func (m *Machine) serialLine(line string) {
	m.cfg.Log.Serial(m.cfg.Name, line)
	if strings.Contains(line, "Kernel panic - not syncing") {
		m.mu.Lock()
		sh := m.shell
		m.mu.Unlock()
		if sh != nil {
			sh.die(fmt.Errorf("the guest kernel panicked: %s", strings.TrimSpace(line)))
		}
	}
}

// ConsoleLog returns everything the guest printed on its serial console.
func (m *Machine) ConsoleLog() string { return m.console.log() }

// lastConsoleLines joins up to n last console lines for an error message.
func (m *Machine) lastConsoleLines(n int) string {
	tail := m.console.tail(n)
	if len(tail) == 0 {
		return "(the guest has printed nothing on its serial console)"
	}
	return strings.Join(tail, "\n")
}

// ConsoleTail returns up to n last console lines.
func (m *Machine) ConsoleTail(n int) []string { return m.console.tail(n) }

// SendConsole writes chars to the guest's serial console input.
func (m *Machine) SendConsole(chars string) error {
	m.mu.Lock()
	stdin, running := m.stdin, m.runningLocked()
	m.mu.Unlock()
	if !running {
		return fmt.Errorf("machine %s is not running", m.cfg.Name)
	}
	_, err := io.WriteString(stdin, chars)
	return err
}

// WaitForConsoleText waits until re matches console output that no earlier
// wait matched past, and returns the matched text. A timeout of 0 means none.
func (m *Machine) WaitForConsoleText(ctx context.Context, re *regexp.Regexp, timeout time.Duration) (string, error) {
	text, err := m.console.waitFor(ctx, re, timeout)
	if err != nil {
		return "", fmt.Errorf("machine %s: %w", m.cfg.Name, err)
	}
	return text, nil
}
