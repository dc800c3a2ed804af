package qemu

import (
	"fmt"
	"io"
	"net"
	"os/exec"
	"sync"
)

// Machine is one QEMU virtual machine and its connections.
type Machine struct {
	cfg Config

	mu        sync.Mutex
	cmd       *exec.Cmd
	stdin     io.WriteCloser
	listeners []net.Listener
	exited    chan struct{} // closed when QEMU has exited
	exitErr   error
	stderr    tailBuffer
	console   *console
	attached  chan struct{} // closed when the sockets are connected or that failed
	attachErr error
	shell     *shell
	agent     *agent // the guest agent, when commands go through it (see Config.GuestAgent)
	qmp       *qmpMonitor
	hmp       *hmpMonitor
	connected bool
	// connecting is the connect in progress (Connect), if any.
	connecting *connectCall
	started    bool // Start ran once: the state dir was wiped then
	released   bool
	// stopping is set while the engine itself stops QEMU; an exit without
	// it is unexpected, and lost says why until the test starts the
	// machine again or waits for its shutdown.
	stopping bool
	lost     error

	// plan is what this start does about snapshots (nil: it boots);
	// noSnapshot is set when a restore failed: the machine boots from then.
	plan       *snapshotPlan
	noSnapshot bool
	// restarting is set while the engine starts QEMU again on disks as
	// new as the first start's (restart).
	restarting bool
	// script is the QEMU command line of the start script, once probed
	// (snapshot_script.go).
	script *scriptQEMU
	// bootShown is set when the console shows the boot a restore
	// continues (the snapshot was just taken): it is not replayed.
	bootShown bool

	// agentStderr receives the stderr of commands run through the agent
	// (SetAgentStderr); nil: the log, as console lines.
	agentStderr io.Writer
}

// New checks cfg and returns a machine that has not started.
func New(cfg Config) (*Machine, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Machine{cfg: cfg, console: newConsole()}, nil
}

func (m *Machine) Name() string { return m.cfg.Name }

func (m *Machine) StateDir() string { return m.cfg.stateDir() }

func (m *Machine) SharedDir() string { return m.cfg.SharedDir }

func (m *Machine) logf(format string, args ...any) {
	m.cfg.Log.Log(m.cfg.Name, fmt.Sprintf(format, args...))
}

// Booted reports whether QEMU has been started and has not exited.
func (m *Machine) Booted() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.runningLocked()
}

func (m *Machine) runningLocked() bool {
	if m.cmd == nil {
		return false
	}
	select {
	case <-m.exited:
		return false
	default:
		return true
	}
}

// PID returns the process id of the reaper that runs the start command
// or QEMU (see Config.StartScript), or 0.
func (m *Machine) PID() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.runningLocked() {
		return 0
	}
	return m.cmd.Process.Pid
}

// IsUp reports whether QEMU runs and the backdoor shell is connected.
func (m *Machine) IsUp() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.runningLocked() && m.connected
}

// notRunning explains why a machine has no shell to use.
func (m *Machine) notRunning() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.released {
		return fmt.Errorf("machine %s was released", m.cfg.Name)
	}
	return fmt.Errorf("machine %s is not running (it shut down while in use)", m.cfg.Name)
}

func exitDesc(err error) string {
	if err == nil {
		return "status 0"
	}
	return err.Error()
}
