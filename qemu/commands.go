package qemu

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Execute runs command in the guest's shell, connecting first if needed,
// and returns its exit status and exact stdout. live, if not nil, receives
// the output as it arrives. A timeout of 0 means none.
func (m *Machine) Execute(ctx context.Context, command string, timeout time.Duration, live io.Writer) (int, []byte, error) {
	if err := m.Connect(ctx); err != nil {
		return -1, nil, err
	}
	m.mu.Lock()
	sh, ag := m.shell, m.agent
	m.mu.Unlock()
	if ag != nil {
		status, out, err := ag.execute(ctx, command, timeout, live)
		if err != nil {
			return status, out, fmt.Errorf("machine %s: command %q (through the guest agent): %w", m.cfg.Name, command, err)
		}
		return status, out, nil
	}
	if sh == nil {
		return -1, nil, m.notRunning()
	}
	status, out, err := sh.execute(ctx, command, timeout, live)
	if err != nil {
		return status, out, fmt.Errorf("machine %s: command %q: %w", m.cfg.Name, command, err)
	}
	return status, out, nil
}
