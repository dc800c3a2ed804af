package qemu

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
)

// Connect starts the machine if needed and waits for the backdoor shell.
// One connect runs at a time: a second caller waits for the first's result
// (a restore that Start began, say).
func (m *Machine) Connect(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.lostErr(); err != nil {
		return err
	}
	if err := m.start(); err != nil {
		return err
	}
	m.mu.Lock()
	if m.connected && m.runningLocked() {
		m.mu.Unlock()
		return nil
	}
	if c := m.connecting; c != nil {
		m.mu.Unlock()
		select {
		case <-c.done:
			return c.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c := &connectCall{done: make(chan struct{})}
	m.connecting = c
	m.mu.Unlock()
	c.err = m.connect(ctx)
	m.mu.Lock()
	m.connecting = nil
	m.mu.Unlock()
	close(c.done)
	return c.err
}

// connectCall is a connect in progress; err is its result once done is
// closed.
type connectCall struct {
	done chan struct{}
	err  error
}

// restoreInBackground connects a machine that started from a snapshot
// without waiting for a caller: a booted guest runs on its own from its
// start, and a restored one must too (a peer pings it before the test
// talks to it). The restore, the clock and the shares are done then.
func (m *Machine) restoreInBackground() {
	go func() {
		if err := m.Connect(context.Background()); err != nil {
			m.mu.Lock()
			released := m.released
			m.mu.Unlock()
			if !released {
				m.logf("the restored machine did not come up: %v", err)
			}
		}
	}()
}

// connect waits for the backdoor shell of the QEMU that started, taking or
// restoring its snapshot as planned.
func (m *Machine) connect(ctx context.Context) error {
	began := time.Now()
	m.logf("waiting for the VM to finish booting")
	ctx, cancel := context.WithTimeout(ctx, m.cfg.BootTimeout)
	defer cancel()
	go m.bootProgress(ctx, began)
	err := m.reachShell(ctx)
	if stale := (*staleNoteError)(nil); errors.As(err, &stale) && ctx.Err() == nil {
		err = m.startAfresh(ctx, stale)
	}
	if plan := m.snapshotPlan(); plan != nil && plan.restore && err != nil && ctx.Err() == nil {
		err = m.bootWithoutSnapshot(ctx, plan, err)
	}
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.connected = true
	m.mu.Unlock()
	m.logf("connected to guest root shell (%.1f s)", time.Since(began).Seconds())
	return nil
}

// reachShell waits for the backdoor shell of the QEMU that started, takes
// a snapshot if planned, and runs the resume command.
func (m *Machine) reachShell(ctx context.Context) error {
	sh, err := m.awaitShell(ctx)
	if err == nil {
		sh, err = m.settleSnapshot(ctx, sh)
	}
	if err == nil && m.cfg.Resume != nil {
		err = m.resumeGuest(ctx, sh)
	}
	return err
}

// awaitShell waits for QEMU's sockets, then for the backdoor shell: its
// ready line, the guest agent, or the restore of a snapshot.
func (m *Machine) awaitShell(ctx context.Context) (*shell, error) {
	m.mu.Lock()
	attached, exited, plan := m.attached, m.exited, m.plan
	m.mu.Unlock()
	select {
	case <-attached:
	case <-ctx.Done():
		return nil, m.bootTimeout(ctx)
	}
	m.mu.Lock()
	sh, err := m.shell, m.attachErr
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if sh == nil {
		return nil, m.notRunning()
	}
	if plan != nil && plan.script != nil {
		if err := m.checkScriptQEMU(plan); err != nil {
			var stale *staleNoteError
			if plan.restore || errors.As(err, &stale) {
				return nil, err // Connect starts again, or boots
			}
			m.logf("snapshot: not taken: %v", err)
			m.mu.Lock()
			m.dropUnfinishedSnapshotLocked()
			m.mu.Unlock()
			plan = nil
		}
	}
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-exited:
			cancel()
		case <-waitCtx.Done():
		}
	}()
	wait := func() error { return sh.waitReady(waitCtx, func(msg string) { m.logf("%s", msg) }) }
	switch {
	case plan != nil && plan.restore:
		wait = func() error { return m.restoreSnapshot(waitCtx, plan, sh) }
	case m.cfg.GuestAgent:
		wait = func() error { return m.connectImage(waitCtx, sh) }
	}
	if err := wait(); err != nil {
		if plan != nil && plan.restore {
			return nil, m.startFailure(err, exited) // QEMU's stderr says why
		}
		select {
		case <-exited:
			return nil, fmt.Errorf("machine %s: %w", m.cfg.Name, m.guestGone(2*time.Second))
		default:
		}
		if ctx.Err() != nil {
			return nil, m.bootTimeout(ctx)
		}
		return nil, fmt.Errorf("machine %s: %w", m.cfg.Name, err)
	}
	return sh, nil
}

// bootProgress says every 30 s that the boot wait goes on, with the last
// console lines, until ctx ends.
func (m *Machine) bootProgress(ctx context.Context, began time.Time) {
	tick := time.NewTicker(bootNoteEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			m.logf("still waiting for the %s after %.0f s (gives up after %s); last console lines:\n%s",
				m.waitingFor(), time.Since(began).Seconds(), m.cfg.BootTimeout, m.lastConsoleLines(5))
		}
	}
}

// bootNoteEvery is how often a long boot wait says it goes on.
const bootNoteEvery = 30 * time.Second

func (m *Machine) bootTimeout(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("machine %s: boot wait cancelled", m.cfg.Name)
	}
	if m.cfg.GuestAgent {
		return fmt.Errorf("machine %s: neither the backdoor shell (on hvc0) nor a guest agent (qemu-ga on the %s port) answered within %s; last console lines:\n%s",
			m.cfg.Name, agentName, m.cfg.BootTimeout, m.lastConsoleLines(10))
	}
	return fmt.Errorf("machine %s: the backdoor shell did not come up within %s (is the guest's shell on hvc0?); last console lines:\n%s",
		m.cfg.Name, m.cfg.BootTimeout, m.lastConsoleLines(10))
}

// guestGone returns why the guest is gone if QEMU has exited or exits
// within wait (a closed shell socket usually precedes the exit status).
func (m *Machine) guestGone(wait time.Duration) error {
	m.mu.Lock()
	exited := m.exited
	m.mu.Unlock()
	select {
	case <-exited:
	case <-time.After(wait):
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Errorf("the guest died (QEMU exited: %v); last console lines:\n%s", exitDesc(m.exitErr), m.lastConsoleLines(5))
}

// watchShell reports the shell's death when QEMU says vmt.alive closed.
func (m *Machine) watchShell(ev qmp.Event) {
	if ev.Event != "VSERPORT_CHANGE" || ev.Data["id"] != alivePort {
		return
	}
	if open, _ := ev.Data["open"].(bool); open {
		return
	}
	m.mu.Lock()
	sh, connected := m.shell, m.connected
	m.mu.Unlock()
	if sh != nil && connected {
		sh.die(errors.New("the backdoor shell exited (it was killed, or the guest is going down); crash() and start() boot the machine again"))
	}
}
