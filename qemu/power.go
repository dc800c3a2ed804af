package qemu

import (
	"context"
	"fmt"
	"time"
)

// Shutdown powers the guest off from its shell and waits for QEMU to exit.
func (m *Machine) Shutdown(ctx context.Context) error {
	if !m.IsUp() {
		if !m.Booted() {
			return nil
		}
		if err := m.Connect(ctx); err != nil {
			return err
		}
	}
	m.mu.Lock()
	sh := m.shell
	m.mu.Unlock()
	m.logf("shutting down")
	m.expectExit()
	if ag := m.agentConn(); ag != nil && ag.shutdown() == nil {
		return m.WaitForShutdown(ctx)
	}
	if sh == nil || sh.send([]byte("poweroff\n")) != nil {
		// No shell to ask: press the power button instead.
		if _, err := m.QMP(ctx, "system_powerdown", nil); err != nil {
			return fmt.Errorf("machine %s: could not power off (no shell, and QMP failed: %v)", m.cfg.Name, err)
		}
	}
	return m.WaitForShutdown(ctx)
}

// Crash stops QEMU at once, as pulling the plug would.
func (m *Machine) Crash() error {
	if !m.Booted() {
		return nil
	}
	m.logf("simulating a crash")
	m.expectExit()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, q, err := m.monitors(ctx); err == nil {
		q.execute(ctx, "quit", nil)
	}
	if err := m.WaitForShutdown(ctx); err != nil {
		m.Release()
	}
	return nil
}

// Reboot presses Ctrl+Alt+Delete and prepares the next command to wait
// for the new shell. Without AllowReboot QEMU runs with -no-reboot and
// exits as the guest reboots: Reboot waits for that and starts QEMU again
// (disks and state stay), so that the guest comes back either way.
func (m *Machine) Reboot(ctx context.Context) error {
	if !m.cfg.AllowReboot {
		m.expectExit()
	}
	if err := m.SendKey(ctx, "ctrl-alt-delete"); err != nil {
		return err
	}
	m.ExpectReconnect()
	if m.cfg.AllowReboot {
		return nil
	}
	if err := m.WaitForShutdown(ctx); err != nil {
		return err
	}
	return m.start()
}

// ExpectReconnect tells the engine that the guest's shell is about to be
// replaced (the guest switched its root file system, say): the next command
// waits for the new shell's ready line.
func (m *Machine) ExpectReconnect() {
	m.mu.Lock()
	m.connected = false
	m.mu.Unlock()
}

// WaitForShutdown waits until QEMU exits, then closes the connections.
func (m *Machine) WaitForShutdown(ctx context.Context) error {
	m.mu.Lock()
	exited := m.exited
	m.mu.Unlock()
	if exited == nil {
		return nil
	}
	select {
	case <-exited:
	case <-ctx.Done():
		return fmt.Errorf("machine %s: waiting for the VM to power off: %w", m.cfg.Name, ctx.Err())
	}
	m.mu.Lock()
	m.lost = nil // the test waited for this exit
	m.cleanupLocked()
	m.mu.Unlock()
	return nil
}
