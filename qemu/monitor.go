package qemu

import (
	"context"
	"fmt"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
)

// monitors waits until QEMU's monitors are connected.
func (m *Machine) monitors(ctx context.Context) (*hmpMonitor, *qmpMonitor, error) {
	m.mu.Lock()
	attached, running := m.attached, m.runningLocked()
	m.mu.Unlock()
	if !running {
		return nil, nil, fmt.Errorf("machine %s is not running (start it first)", m.cfg.Name)
	}
	select {
	case <-attached:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hmp, m.qmp, m.attachErr
}

// SendMonitorCommand runs a command on QEMU's human monitor (HMP).
func (m *Machine) SendMonitorCommand(ctx context.Context, command string) (string, error) {
	h, _, err := m.monitors(ctx)
	if err != nil {
		return "", err
	}
	out, err := h.command(ctx, command)
	if err != nil {
		return out, fmt.Errorf("machine %s: monitor command %q: %w", m.cfg.Name, command, err)
	}
	return out, nil
}

// QMP runs a QMP command with arguments (nil for none) and returns its
// "return" value.
func (m *Machine) QMP(ctx context.Context, command string, args any) ([]byte, error) {
	_, q, err := m.monitors(ctx)
	if err != nil {
		return nil, err
	}
	out, err := q.execute(ctx, command, args)
	if err != nil {
		return nil, fmt.Errorf("machine %s: QMP %s: %w", m.cfg.Name, command, err)
	}
	return out, nil
}

// WaitForQMPEvent returns the oldest QMP event, received since the machine
// started and not yet returned, that match accepts; it waits for one until
// the timeout (0: none).
func (m *Machine) WaitForQMPEvent(ctx context.Context, match func(qmp.Event) bool, timeout time.Duration) (qmp.Event, error) {
	_, q, err := m.monitors(ctx)
	if err != nil {
		return qmp.Event{}, err
	}
	ev, err := q.waitEvent(ctx, match, timeout)
	if err != nil {
		return ev, fmt.Errorf("machine %s: %w", m.cfg.Name, err)
	}
	return ev, nil
}
