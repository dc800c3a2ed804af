package qemu

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vmt-dev/vmt/internal/reaper"
)

// Start launches QEMU and returns without waiting for the guest. Starting a
// running machine does nothing; starting a machine whose QEMU died is how
// a test boots it again.
func (m *Machine) Start() error {
	m.mu.Lock()
	m.lost = nil
	m.mu.Unlock()
	if err := m.start(); err != nil {
		return err
	}
	if plan := m.snapshotPlan(); plan != nil && plan.restore {
		m.restoreInBackground()
	}
	return nil
}

func (m *Machine) start() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.runningLocked() {
		return nil
	}
	if m.released {
		return fmt.Errorf("machine %s was released and cannot start again", m.cfg.Name)
	}
	m.cleanupLocked()
	state := m.cfg.stateDir()
	// Like the NixOS driver, wipe state once per run, not on every start:
	// disks must survive a shutdown and start within the test.
	if !m.started && !m.cfg.KeepState {
		os.RemoveAll(state)
	}
	fresh := m.disksFresh()
	m.started, m.restarting = true, false
	m.stopping = false
	for _, d := range []string{state, m.cfg.SharedDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("machine %s: %w", m.cfg.Name, err)
		}
	}
	os.Chmod(state, 0o700) // the sockets live here
	if err := m.prepareLocked(); err != nil {
		return err
	}
	sockets := map[string]net.Listener{}
	for _, name := range []string{"shell", "data", "monitor", "qmp"} {
		path := filepath.Join(state, name)
		os.Remove(path)
		l, err := net.Listen("unix", path)
		if err != nil {
			m.closeListenersLocked()
			return fmt.Errorf("machine %s: listening on %s: %w", m.cfg.Name, path, err)
		}
		m.listeners = append(m.listeners, l)
		sockets[name] = l
	}
	cmd := m.command()
	m.dropUnfinishedSnapshotLocked()
	m.plan = m.planSnapshotLocked(cmd, fresh)
	m.stderr = tailBuffer{max: 64 * 1024}
	cmd.Stderr = &m.stderr
	stdout, err := cmd.StdoutPipe()
	if err == nil {
		m.stdin, err = cmd.StdinPipe()
	}
	if err != nil {
		m.closeListenersLocked()
		return fmt.Errorf("machine %s: %w", m.cfg.Name, err)
	}
	m.logf("starting vm: %s", strings.Join(cmd.Args, " "))
	if err := reaper.Start(cmd); err != nil {
		m.closeListenersLocked()
		return fmt.Errorf("machine %s: starting QEMU: %w", m.cfg.Name, err)
	}
	m.cmd = cmd
	m.exited = make(chan struct{})
	m.attached = make(chan struct{})
	go m.readSerial(stdout)
	go m.wait(cmd, m.exited)
	go m.attach(sockets, m.exited, m.attached)
	return nil
}

// wait records QEMU's exit.
func (m *Machine) wait(cmd *exec.Cmd, exited chan struct{}) {
	err := cmd.Wait()
	reaper.KillGroup(cmd.Process.Pid) // helpers a start script left behind
	m.mu.Lock()
	m.exitErr = err
	close(exited)
	unexpected := !m.stopping && !m.released
	if unexpected {
		m.lost = fmt.Errorf("machine %s: QEMU exited (%s) while the test did not stop it; last console lines:\n%s\n(start() boots it again)",
			m.cfg.Name, exitDesc(err), m.lastConsoleLines(10))
	}
	m.mu.Unlock()
	if unexpected {
		m.logf("QEMU exited unexpectedly: %s", exitDesc(err))
	} else {
		m.logf("QEMU exited")
	}
}

// lostErr says why the machine is down when its QEMU died unexpectedly.
func (m *Machine) lostErr() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lost
}

// expectExit marks QEMU's coming exit as the engine's doing.
func (m *Machine) expectExit() {
	m.mu.Lock()
	m.stopping = true
	m.mu.Unlock()
}

// startFailure explains why QEMU did not come up, with its stderr when it
// exited (its exit status may lag behind its closed sockets by a moment).
func (m *Machine) startFailure(err error, exited chan struct{}) error {
	select {
	case <-exited:
	case <-time.After(2 * time.Second):
		return fmt.Errorf("machine %s: %w", m.cfg.Name, err)
	}
	m.mu.Lock()
	status := m.exitErr
	m.mu.Unlock()
	return fmt.Errorf("machine %s: QEMU exited at start (%v): %s", m.cfg.Name, exitDesc(status), strings.TrimSpace(m.stderr.String()))
}

// Release kills QEMU (and everything its start script started), closes
// the connections and removes the state dir unless KeepState. It is safe
// to call more than once.
func (m *Machine) Release() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.released {
		return nil
	}
	m.released = true
	if m.cmd != nil && m.runningLocked() {
		pid, exited := m.cmd.Process.Pid, m.exited
		m.mu.Unlock()
		reaper.Stop(pid)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
		}
		m.mu.Lock()
	}
	m.cleanupLocked()
	m.dropUnfinishedSnapshotLocked()
	if !m.cfg.KeepState {
		os.RemoveAll(m.cfg.stateDir())
	}
	return nil
}

// cleanupLocked closes every connection of a stopped (or stopping) machine.
func (m *Machine) cleanupLocked() {
	m.closeListenersLocked()
	if m.shell != nil {
		m.shell.close()
		m.shell = nil
	}
	m.closeAgentLocked()
	if m.qmp != nil {
		m.qmp.Disconnect()
		m.qmp = nil
	}
	if m.hmp != nil {
		m.hmp.conn.Close()
		m.hmp = nil
	}
	if m.stdin != nil {
		m.stdin.Close()
		m.stdin = nil
	}
	m.connected = false
}

func (m *Machine) closeListenersLocked() {
	for _, l := range m.listeners {
		l.Close()
	}
	m.listeners = nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
