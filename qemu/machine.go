package qemu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
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
	started   bool // Start ran once: the state dir was wiped then
	released  bool
	// stopping is set while the engine itself stops QEMU; an exit without
	// it is unexpected, and lost says why until the test starts the
	// machine again or waits for its shutdown.
	stopping bool
	lost     error

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

func (m *Machine) Name() string      { return m.cfg.Name }
func (m *Machine) StateDir() string  { return m.cfg.stateDir() }
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

// Start launches QEMU and returns without waiting for the guest. Starting a
// running machine does nothing; starting a machine whose QEMU died is how
// a test boots it again.
func (m *Machine) Start() error {
	m.mu.Lock()
	m.lost = nil
	m.mu.Unlock()
	return m.start()
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
	m.started = true
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
	if err := startChild(cmd); err != nil {
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

// prepareLocked creates the directories and disks the command line refers to.
func (m *Machine) prepareLocked() error {
	for _, d := range m.cfg.MakeDirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("machine %s: %w", m.cfg.Name, err)
		}
	}
	for _, d := range m.cfg.Disks {
		if _, err := os.Stat(d.Path); err == nil {
			continue
		}
		args := []string{"create", "-q", "-f", "qcow2"}
		if d.Backing != "" {
			backing, err := filepath.Abs(d.Backing)
			if err != nil {
				return err
			}
			format := d.BackingFormat
			if format == "" {
				format = "raw"
				if strings.HasSuffix(backing, ".qcow2") {
					format = "qcow2"
				}
			}
			args = append(args, "-b", backing, "-F", format, d.Path)
		} else {
			args = append(args, d.Path, strconv.Itoa(d.SizeMB)+"M")
		}
		if out, err := exec.Command("qemu-img", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("machine %s: creating disk %s: qemu-img: %v: %s (is qemu-utils installed?)", m.cfg.Name, d.Path, err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// command builds the QEMU invocation with the engine's own arguments.
func (m *Machine) command() *exec.Cmd {
	state := m.cfg.stateDir()
	args := []string{
		"-monitor", "unix:" + filepath.Join(state, "monitor"),
		"-qmp", "unix:" + filepath.Join(state, "qmp"),
		"-chardev", "socket,id=shell,path=" + filepath.Join(state, "shell"),
		// attach.go hot-plugs consoles on this bus by its id.
		"-device", "virtio-serial,id=" + serialBus,
		"-device", "virtconsole,chardev=shell",
		"-chardev", "socket,id=vmtdata,path=" + filepath.Join(state, "data"),
		"-device", "virtserialport,chardev=vmtdata,name=vmt.data",
		// The shell holds vmt.alive open and gives it to no command: QEMU
		// reports its close (VSERPORT_CHANGE) when the shell dies.
		"-chardev", "null,id=" + alivePort,
		"-device", "virtserialport,chardev=" + alivePort + ",name=vmt.alive,id=" + alivePort,
		"-device", "virtio-rng-pci",
		"-serial", "stdio",
	}
	args = append(args, agentArgs(m.cfg)...)
	if !m.cfg.AllowReboot {
		args = append(args, "-no-reboot")
	}
	if !m.cfg.Display {
		args = append(args, "-display", "none")
	}
	var cmd *exec.Cmd
	if m.cfg.StartScript != "" {
		// A start script picks its accelerator itself (NixOS's qemu-kvm
		// adds -enable-kvm whenever /dev/kvm is readable), and appended
		// options cannot take that back.
		if accel, reason := Accel(); accel == AccelTCG && fileReadable("/dev/kvm") {
			m.logf("warning: %s; the start script may still choose KVM", reason)
		}
		cmd = exec.Command(m.cfg.StartScript, args...)
	} else {
		full := append(append(append([]string(nil), m.cfg.Command[1:]...), args...), strings.Fields(os.Getenv("QEMU_OPTS"))...)
		cmd = exec.Command(m.cfg.Command[0], full...)
	}
	cmd.Dir = state
	cmd.Env = append(os.Environ(),
		"TMPDIR="+state,
		"USE_TMPDIR=1",
		"SHARED_DIR="+m.cfg.SharedDir,
	)
	return cmd
}

// wait records QEMU's exit.
func (m *Machine) wait(cmd *exec.Cmd, exited chan struct{}) {
	err := cmd.Wait()
	killGroup(cmd.Process.Pid) // helpers a start script left behind
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

// attach accepts QEMU's connections to the shell and monitor sockets and
// connects to QMP.
func (m *Machine) attach(sockets map[string]net.Listener, exited, attached chan struct{}) {
	conns := map[string]net.Conn{}
	var err error
	for _, name := range []string{"monitor", "qmp", "shell", "data"} {
		var c net.Conn
		c, err = acceptOrExit(sockets[name], exited, m.cfg.BootTimeout)
		if err != nil {
			err = fmt.Errorf("waiting for QEMU to connect to the %s socket: %w", name, err)
			break
		}
		conns[name] = c
	}
	var q *qmpMonitor
	h := &hmpMonitor{conn: conns["monitor"]}
	if err == nil {
		if err = h.connect(); err == nil {
			q = newQMPMonitor(conns["qmp"])
			q.onEvent = func(ev qmp.Event) { m.watchShell(ev); m.watchAgent(ev) }
			err = q.Connect()
		}
	}
	if err != nil {
		for _, c := range conns {
			c.Close()
		}
		err = m.startFailure(err, exited)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.attachErr = err
	} else {
		m.hmp, m.qmp = h, q
		m.shell = &shell{conn: conns["shell"], data: conns["data"], guestGone: m.guestGone, logf: func(msg string) { m.logf("%s", msg) }}
	}
	m.closeListenersLocked()
	close(attached)
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

func acceptOrExit(l net.Listener, exited chan struct{}, timeout time.Duration) (net.Conn, error) {
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := l.Accept()
		ch <- result{c, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	giveUp := func(err error) (net.Conn, error) {
		l.Close()
		if r := <-ch; r.c != nil {
			r.c.Close() // accepted just as we gave up
		}
		return nil, err
	}
	select {
	case r := <-ch:
		return r.c, r.err
	case <-exited:
		return giveUp(errors.New("QEMU exited"))
	case <-t.C:
		return giveUp(fmt.Errorf("%w after %s", ErrTimeout, timeout))
	}
}

func (m *Machine) readSerial(r io.Reader) {
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			m.console.write(buf[:n], func(line string) {
				m.cfg.Log.Serial(m.cfg.Name, line)
				if strings.Contains(line, "Kernel panic - not syncing") {
					m.mu.Lock()
					sh := m.shell
					m.mu.Unlock()
					if sh != nil {
						sh.die(fmt.Errorf("the guest kernel panicked: %s", strings.TrimSpace(line)))
					}
				}
			})
		}
		if err != nil {
			return
		}
	}
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

// Connect starts the machine if needed and waits for the backdoor shell.
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
	attached, exited := m.attached, m.exited
	m.mu.Unlock()
	began := time.Now()
	m.logf("waiting for the VM to finish booting")
	ctx, cancel := context.WithTimeout(ctx, m.cfg.BootTimeout)
	defer cancel()
	go m.bootProgress(ctx, began)
	select {
	case <-attached:
	case <-ctx.Done():
		return m.bootTimeout(ctx)
	}
	m.mu.Lock()
	sh, err := m.shell, m.attachErr
	m.mu.Unlock()
	if err != nil {
		return err
	}
	if sh == nil {
		return m.notRunning()
	}
	go func() {
		select {
		case <-exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	wait := func() error { return sh.waitReady(ctx, func(msg string) { m.logf("%s", msg) }) }
	if m.cfg.GuestAgent {
		wait = func() error { return m.connectImage(ctx, sh) }
	}
	if err := wait(); err != nil {
		select {
		case <-exited:
			return fmt.Errorf("machine %s: %w", m.cfg.Name, m.guestGone(2*time.Second))
		default:
		}
		if ctx.Err() != nil {
			return m.bootTimeout(ctx)
		}
		return fmt.Errorf("machine %s: %w", m.cfg.Name, err)
	}
	m.mu.Lock()
	m.connected = true
	m.mu.Unlock()
	m.logf("connected to guest root shell (%.1f s)", time.Since(began).Seconds())
	return nil
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
		stopChildren(pid)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
		}
		m.mu.Lock()
	}
	m.cleanupLocked()
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

// WaitForConsoleText waits until re matches console output that no earlier
// wait matched past, and returns the matched text. A timeout of 0 means none.
func (m *Machine) WaitForConsoleText(ctx context.Context, re *regexp.Regexp, timeout time.Duration) (string, error) {
	text, err := m.console.waitFor(ctx, re, timeout)
	if err != nil {
		return "", fmt.Errorf("machine %s: %w", m.cfg.Name, err)
	}
	return text, nil
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

func fileReadable(path string) bool {
	f, err := os.Open(path)
	if err == nil {
		f.Close()
	}
	return err == nil
}

// Block takes the links of the machine's VLAN NICs down, as if their
// cables were pulled; user-mode networking stays up.
func (m *Machine) Block(ctx context.Context) error { return m.setLinks(ctx, "block", "off") }

// Unblock brings the VLAN links back up.
func (m *Machine) Unblock(ctx context.Context) error { return m.setLinks(ctx, "unblock", "on") }

// setLinks sets the link of every VLAN NIC. The NICs are asked of QEMU
// each time: a start script plugs in what it likes, under names vmt
// cannot know beforehand.
func (m *Machine) setLinks(ctx context.Context, verb, state string) error {
	info, err := m.SendMonitorCommand(ctx, "info network")
	if err != nil {
		return err
	}
	nics := parseNICs(info)
	var vlan []string
	for _, n := range nics {
		if n.onVLAN() {
			vlan = append(vlan, n.Name)
		}
	}
	if len(vlan) == 0 {
		return fmt.Errorf("machine %s has no VLAN NIC to %s (%s): plug it into a VLAN with create_machine(..., vlans=[N]) or a -netdev vde in its start script", m.cfg.Name, verb, describeNICs(nics))
	}
	for _, nic := range vlan {
		out, err := m.SendMonitorCommand(ctx, "set_link "+nic+" "+state)
		if err != nil {
			return err
		}
		if out = strings.TrimSpace(out); out != "" {
			return fmt.Errorf("machine %s: set_link %s %s: %s", m.cfg.Name, nic, state, out)
		}
	}
	return nil
}

// ForwardPort forwards host TCP port hostPort (on 127.0.0.1) to guestPort
// over user-mode networking.
func (m *Machine) ForwardPort(ctx context.Context, hostPort, guestPort int) error {
	out, err := m.SendMonitorCommand(ctx, fmt.Sprintf("hostfwd_add %s tcp:127.0.0.1:%d-:%d", userNetdev, hostPort, guestPort))
	if err == nil && strings.TrimSpace(out) != "" {
		err = fmt.Errorf("%s", strings.TrimSpace(out))
	}
	if err != nil {
		return fmt.Errorf("machine %s: forwarding host port %d to guest port %d: %w", m.cfg.Name, hostPort, guestPort, err)
	}
	return nil
}
