package qemu

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
)

// The QEMU guest agent (qemu-ga) of disk-image guests. QEMU serves its
// virtio port, org.qemu.guest_agent.0, on the socket agentSocket in the
// machine's state dir; vmt connects to it as a client. The protocol is
// QMP-like JSON, one request at a time; guest-sync-delimited (a 0xFF
// byte before the request and before the answer) resynchronises a stream
// that has stale requests or answers in it, as it has after the agent
// restarted or a wait was abandoned.

// agentSocket is the file name of the agent's socket in the state dir;
// agentPort is the QEMU id of its virtio port (VSERPORT_CHANGE names it).
const (
	agentSocket = "agent"
	agentPort   = "vmtqga"
	agentName   = "org.qemu.guest_agent.0"
)

// agentArgs are the QEMU arguments of the guest agent's port, after the
// virtio-serial controller; none unless the machine has one.
func agentArgs(cfg Config) []string {
	if !cfg.GuestAgent {
		return nil
	}
	return []string{
		"-chardev", "socket,id=" + agentPort + ",path=" + filepath.Join(cfg.stateDir(), agentSocket) + ",server=on,wait=off",
		"-device", "virtserialport,chardev=" + agentPort + ",name=" + agentName + ",id=" + agentPort,
	}
}

// agentMaxOutput is qemu-ga's limit on the captured output of a command
// (GUEST_EXEC_MAX_OUTPUT): past it, qemu-ga drops the rest and says so.
const agentMaxOutput = 16 << 20

// agentPollMax bounds the interval between guest-exec-status polls.
const agentPollMax = 20 * time.Millisecond

// agent is the host end of the guest agent's port.
type agent struct {
	conn  net.Conn
	lines chan []byte   // answers, one JSON document each, 0xFF bytes removed
	done  chan struct{} // closed when the connection ends
	err   error         // why it ended, set before done is closed

	mu sync.Mutex // one request at a time
	// dirty is set when a request was abandoned before its answer: the
	// next request resynchronises first.
	dirty bool
	// deathMu guards death and dead: the agent's port closed in the guest.
	deathMu sync.Mutex
	death   error
	dead    chan struct{}
	// reopened is set when the port opened again after a death.
	reopened bool

	guestGone func(wait time.Duration) error
	logf      func(string)
	stderr    func([]byte) // where the commands' stderr goes
}

// dialAgent connects to the agent socket QEMU serves (it may take QEMU a
// moment to create it).
func dialAgent(ctx context.Context, path string) (*agent, error) {
	var conn net.Conn
	var err error
	for {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "unix", path)
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connecting to the guest agent socket %s: %w", path, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	a := &agent{conn: conn, lines: make(chan []byte, 16), done: make(chan struct{}), dead: make(chan struct{})}
	go a.read()
	return a, nil
}

// read splits what the agent sends into JSON documents. An answer is one
// line; 0xFF (never part of JSON text) only marks a resynchronisation.
func (a *agent) read() {
	r := bufio.NewReaderSize(a.conn, 64*1024)
	for {
		line, err := r.ReadBytes('\n')
		line = bytes.Trim(bytes.ReplaceAll(line, []byte{0xff}, nil), " \t\r\n")
		if len(line) > 0 {
			select {
			case a.lines <- line:
			case <-a.done:
			}
		}
		if err != nil {
			a.err = err
			close(a.done)
			return
		}
	}
}

func (a *agent) close() {
	a.conn.Close()
}

// die records that the agent's port closed in the guest (qemu-ga stopped
// or the guest is going down); commands waiting on it fail at once.
func (a *agent) die(err error) {
	a.deathMu.Lock()
	defer a.deathMu.Unlock()
	if a.death == nil {
		a.death = err
		close(a.dead)
	}
}

// renew forgets a death when the port opens again (qemu-ga restarted):
// the next request resynchronises first.
func (a *agent) renew() {
	a.deathMu.Lock()
	defer a.deathMu.Unlock()
	if a.death != nil {
		a.death, a.dead = nil, make(chan struct{})
		a.reopened = true
	}
}

func (a *agent) deathNotice() (error, <-chan struct{}) {
	a.deathMu.Lock()
	defer a.deathMu.Unlock()
	return a.death, a.dead
}

// agentReply is an answer: a return value or an error.
type agentReply struct {
	Return json.RawMessage `json:"return"`
	Error  *struct {
		Class string `json:"class"`
		Desc  string `json:"desc"`
	} `json:"error"`
}

// send writes one request, with a 0xFF first when it is a sync.
func (a *agent) send(command string, args any, flush bool) error {
	req := map[string]any{"execute": command}
	if args != nil {
		req["arguments"] = args
	}
	data, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if flush {
		data = append([]byte{0xff}, data...)
	}
	a.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	defer a.conn.SetWriteDeadline(time.Time{})
	_, err = a.conn.Write(append(data, '\n'))
	if err != nil {
		return a.lost(err)
	}
	return nil
}

// errNotAnswer is the error of a line that is no JSON answer.
var errNotAnswer = errors.New("the guest agent sent something that is not an answer")

// next returns the next answer, waiting until ctx ends, the connection
// ends or the agent's port closes.
func (a *agent) next(ctx context.Context) (agentReply, error) {
	_, dead := a.deathNotice()
	select {
	case line := <-a.lines:
		var r agentReply
		if err := json.Unmarshal(line, &r); err != nil {
			return r, fmt.Errorf("%w: %.200q: %v", errNotAnswer, line, err)
		}
		return r, nil
	case <-a.done:
		return agentReply{}, a.lost(a.err)
	case <-dead:
		death, _ := a.deathNotice()
		return agentReply{}, a.dying(death)
	case <-ctx.Done():
		return agentReply{}, ctx.Err()
	}
}

// lost turns the end of the connection into the reason the guest went.
func (a *agent) lost(err error) error {
	if a.guestGone != nil {
		if gone := a.guestGone(2 * time.Second); gone != nil {
			return gone
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		return errors.New("the guest agent's connection closed (did QEMU exit?)")
	}
	return fmt.Errorf("guest agent connection: %w", err)
}

// dying is the error of a request cut short by the port's closing: the
// guest's own death if QEMU exits at once.
func (a *agent) dying(death error) error {
	if a.guestGone != nil {
		if gone := a.guestGone(300 * time.Millisecond); gone != nil {
			return gone
		}
	}
	return death
}

// sync resynchronises the stream: it sends guest-sync-delimited with a
// fresh id every `every` until the agent echoes the latest one (answers
// come in order, so nothing stale follows it). It is also how the host
// learns that the agent runs: until then the requests wait in QEMU.
func (a *agent) sync(ctx context.Context, every time.Duration) error {
	for {
		id := rand.Int64N(1 << 50)
		if err := a.send("guest-sync-delimited", map[string]any{"id": id}, true); err != nil {
			return err
		}
		attempt, cancel := context.WithTimeout(ctx, every)
		for {
			r, err := a.next(attempt)
			if errors.Is(err, errNotAnswer) {
				continue // the rest of a stream cut short: skipped
			}
			if err != nil {
				cancel()
				if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
					break // no answer yet: ask again
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return err
			}
			var got int64
			if r.Error == nil && json.Unmarshal(r.Return, &got) == nil && got == id {
				cancel()
				a.dirty = false
				return nil
			}
			// A stale answer: keep reading.
		}
	}
}

// request sends command and decodes its return value into out.
func (a *agent) request(ctx context.Context, command string, args, out any) error {
	if a.dirty {
		sctx, cancel := context.WithTimeout(ctx, setupTimeout)
		err := a.sync(sctx, time.Second)
		cancel()
		if err != nil {
			return fmt.Errorf("resynchronising with the guest agent: %w", err)
		}
	}
	if err := a.send(command, args, false); err != nil {
		return err
	}
	r, err := a.next(ctx)
	if err != nil {
		a.dirty = true
		return err
	}
	if r.Error != nil {
		return fmt.Errorf("the guest agent refused %s: %s (%s)", command, r.Error.Desc, r.Error.Class)
	}
	if out != nil {
		if err := json.Unmarshal(r.Return, out); err != nil {
			a.dirty = true // an answer to something else, perhaps
			return fmt.Errorf("the guest agent's answer to %s: %.200q: %v", command, r.Return, err)
		}
	}
	return nil
}

// agentExecStatus is guest-exec-status's answer.
type agentExecStatus struct {
	Exited       bool   `json:"exited"`
	ExitCode     *int   `json:"exitcode"`
	Signal       *int   `json:"signal"`
	OutData      string `json:"out-data"`
	ErrData      string `json:"err-data"`
	OutTruncated bool   `json:"out-truncated"`
	ErrTruncated bool   `json:"err-truncated"`
}

// execute runs command with /bin/sh -c through guest-exec and returns
// its exit status (128+N for a command killed by signal N, as shells say)
// and its exact stdout; its stderr goes to a.stderr line by line. qemu-ga
// hands the output over when the command has exited, so live receives it
// then. Output past qemu-ga's limit is an error, not a short result. A
// timeout (0: none) kills the command and its children.
func (a *agent) execute(ctx context.Context, command string, timeout time.Duration, live io.Writer) (int, []byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if death, _ := a.deathNotice(); death != nil {
		return -1, nil, a.dying(death)
	}
	a.deathMu.Lock()
	if a.reopened {
		a.reopened, a.dirty = false, true
	}
	a.deathMu.Unlock()
	var started struct {
		PID int `json:"pid"`
	}
	args := map[string]any{"path": "/bin/sh", "arg": []string{"-c", command}, "capture-output": true}
	if err := a.request(ctx, "guest-exec", args, &started); err != nil {
		return -1, nil, err
	}
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	wait := time.Millisecond
	for {
		var st agentExecStatus
		if err := a.request(ctx, "guest-exec-status", map[string]any{"pid": started.PID}, &st); err != nil {
			if ctx.Err() != nil {
				a.kill(started.PID)
			}
			return -1, nil, err
		}
		if st.Exited {
			return a.result(st, live)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			a.kill(started.PID)
			return -1, nil, ctx.Err()
		case <-deadline:
			err := a.kill(started.PID)
			if err != nil {
				return -1, nil, fmt.Errorf("%w after %s, and killing it failed: %v", ErrTimeout, timeout, err)
			}
			return -1, nil, fmt.Errorf("%w after %s (killed it and its children)", ErrTimeout, timeout)
		}
		wait = min(2*wait, agentPollMax)
	}
}

// result decodes a finished command's status and output.
func (a *agent) result(st agentExecStatus, live io.Writer) (int, []byte, error) {
	status := -1
	switch {
	case st.Signal != nil:
		status = 128 + *st.Signal
	case st.ExitCode != nil:
		status = *st.ExitCode
	}
	out, err := base64.StdEncoding.DecodeString(st.OutData)
	if err != nil {
		return status, nil, fmt.Errorf("the guest agent's stdout data is not base64: %v", err)
	}
	errOut, err := base64.StdEncoding.DecodeString(st.ErrData)
	if err != nil {
		return status, out, fmt.Errorf("the guest agent's stderr data is not base64: %v", err)
	}
	if a.stderr != nil && len(errOut) > 0 {
		a.stderr(errOut)
	}
	if live != nil && len(out) > 0 {
		live.Write(out)
	}
	switch {
	case st.OutTruncated:
		return status, out, fmt.Errorf("the command's stdout is longer than the guest agent passes on (%d MiB): the first %d bytes came, the rest was dropped; redirect it to a file and copy that instead", agentMaxOutput>>20, len(out))
	case st.ErrTruncated:
		return status, out, fmt.Errorf("the command's stderr is longer than the guest agent passes on (%d MiB) and was cut", agentMaxOutput>>20)
	}
	return status, out, nil
}

// killTree kills a process and its descendants, children first known
// from /proc/PID/task/*/children. qemu-ga has no kill request of its own.
const killTree = `k() { for c in $(cat /proc/$1/task/*/children 2>/dev/null); do k "$c"; done; kill -KILL "$1" 2>/dev/null; }; k "$0"`

// kill stops a command started with guest-exec and collects its status
// (qemu-ga keeps it until asked).
func (a *agent) kill(pid int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var started struct {
		PID int `json:"pid"`
	}
	if err := a.request(ctx, "guest-exec", map[string]any{"path": "/bin/sh", "arg": []string{"-c", killTree, fmt.Sprint(pid)}}, &started); err != nil {
		return err
	}
	for _, p := range []int{started.PID, pid} {
		for {
			var st agentExecStatus
			if err := a.request(ctx, "guest-exec-status", map[string]any{"pid": p}, &st); err != nil {
				return err
			}
			if st.Exited {
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	return nil
}

// shutdown powers the guest off with its poweroff command, run through
// guest-exec (qemu-ga's own guest-shutdown runs "shutdown -P +0", which
// systemd schedules through logind, and a minimal guest may have no
// logind); guest-shutdown is the fallback. It does not wait for the
// command, which may never report back.
func (a *agent) shutdown() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	var started struct {
		PID int `json:"pid"`
	}
	if err := a.request(ctx, "guest-exec", map[string]any{"path": "/bin/sh", "arg": []string{"-c", "poweroff"}}, &started); err == nil {
		return nil
	}
	return a.send("guest-shutdown", map[string]any{"mode": "powerdown"}, false)
}

// The machine's side: a disk-image guest may have a guest agent, the
// backdoor shell, or both; the first to answer is what the machine uses.

// connectImage waits for the backdoor's ready line or an answer of the
// guest agent, whichever comes first, and makes the winner the machine's
// way to run commands.
func (m *Machine) connectImage(ctx context.Context, sh *shell) error {
	race, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		a   *agent // nil: the shell
		err error
	}
	// QEMU serves one client at a time: an earlier connection (the guest
	// rebooted within the same QEMU) goes before a new one is made.
	m.mu.Lock()
	if m.agent != nil {
		m.agent.close()
		m.agent = nil
	}
	m.mu.Unlock()
	results := make(chan result, 2)
	go func() {
		results <- result{nil, sh.waitReady(race, func(msg string) { m.logf("%s", msg) })}
	}()
	go func() {
		a, err := dialAgent(race, filepath.Join(m.cfg.stateDir(), agentSocket))
		if err == nil {
			a.guestGone = m.guestGone
			a.logf = func(msg string) { m.logf("%s", msg) }
			a.stderr = m.commandStderr
			if err = a.sync(race, 2*time.Second); err != nil {
				a.close()
				a = nil
			}
		}
		results <- result{a, err}
	}()
	var first error
	for i := 0; i < 2; i++ {
		r := <-results
		if r.err != nil {
			if first == nil || errors.Is(first, context.Canceled) {
				first = r.err
			}
			continue
		}
		cancel()
		if i == 0 {
			// The other wait ends within a second. An agent that answered
			// after the shell is dropped; a shell wait must be over before
			// the agent starts a shell, or it could eat its ready line.
			o := <-results
			if o.a != nil {
				o.a.close()
			}
			if r.a != nil && o.a == nil && o.err == nil {
				// The guest's own backdoor came up too: use it.
				r.a.close()
				m.logf("connected to the backdoor shell")
				return nil
			}
		}
		if r.a != nil && os.Getenv("VMT_AGENT_EXEC") == "" {
			// A shell is some ten times faster than guest-exec per
			// command, and streams its output: start one if the agent can.
			if err := m.agentShell(ctx, sh, r.a); err == nil {
				r.a.close()
				m.logf("connected to the guest agent; commands go through a shell it started on hvc0")
				return nil
			} else if ctx.Err() != nil {
				r.a.close()
				return ctx.Err()
			} else {
				m.logf("no shell on hvc0 through the guest agent (%v): commands go through guest-exec", err)
			}
		}
		m.mu.Lock()
		m.agent = r.a
		m.mu.Unlock()
		if r.a != nil {
			m.logf("connected to the guest agent")
		} else {
			m.logf("connected to the backdoor shell")
		}
		return nil
	}
	return first
}

// agentConn returns the guest agent when the machine runs its commands
// through it.
func (m *Machine) agentConn() *agent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.agent
}

// watchAgent reports the agent's death when QEMU says its port closed.
func (m *Machine) watchAgent(ev qmp.Event) {
	if ev.Event != "VSERPORT_CHANGE" || ev.Data["id"] != agentPort {
		return
	}
	a := m.agentConn()
	if a == nil {
		return
	}
	if open, _ := ev.Data["open"].(bool); open {
		a.renew()
		return
	}
	a.die(errors.New("the guest agent closed its port (qemu-ga stopped or restarted, or the guest is going down); commands work again once it reopens it"))
}

// closeAgentLocked drops the agent connection of a stopped machine.
func (m *Machine) closeAgentLocked() {
	if m.agent != nil {
		m.agent.close()
		m.agent = nil
	}
}

// waitingFor names what a booting machine waits for, in progress notes.
func (m *Machine) waitingFor() string {
	if m.cfg.GuestAgent {
		return "backdoor shell or the guest agent"
	}
	return "backdoor shell"
}

// SetAgentStderr sends the stderr of commands that run through the guest
// agent to w, as it is (qemu-ga hands it over when the command ends); by
// default it goes to the log line by line, as the backdoor shell's stderr
// reaches the serial console. Commands through the backdoor are not
// affected: their stderr is the guest's business.
func (m *Machine) SetAgentStderr(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.agentStderr = w
}

func (m *Machine) commandStderr(p []byte) {
	m.mu.Lock()
	w := m.agentStderr
	m.mu.Unlock()
	if w != nil {
		w.Write(p)
		return
	}
	for _, line := range strings.Split(strings.TrimSuffix(string(p), "\n"), "\n") {
		m.cfg.Log.Serial(m.cfg.Name, line)
	}
}

// agentBackdoor is the NixOS backdoor's script (see
// qemu/systemdguest/tree/usr/local/lib/vmt/backdoor), bash or else sh.
const agentBackdoor = `exec </dev/hvc0 >/dev/hvc0 || exit 1
exec 2>/dev/ttyS0 || exec 2>/dev/null
stty -F /dev/hvc0 raw -echo || exit 1
export USER=root HOME=/root
cd /tmp 2>/dev/null || cd /
echo "Spawning backdoor root shell..."
if command -v bash >/dev/null; then PS1="" exec bash --norc /dev/hvc0; fi
exec sh /dev/hvc0`

// agentLauncher starts agentBackdoor ($s) outside qemu-ga's own service
// when systemd runs the guest (so that a restart of the agent leaves it
// alone), else in the background.
const agentLauncher = `[ -c /dev/hvc0 ] || { echo "no /dev/hvc0" >&2; exit 3; }
if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null; then
	exec systemd-run --quiet --collect --unit="vmt-backdoor-$$" /bin/sh -c "$s"
fi
/bin/sh -c "$s" </dev/null >/dev/null 2>&1 &`

// agentShell starts the backdoor shell on hvc0 through the agent and
// waits for its ready line, as if the guest had it itself.
func (m *Machine) agentShell(ctx context.Context, sh *shell, a *agent) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var stderr []byte
	a.stderr = func(p []byte) { stderr = append(stderr, p...) }
	status, _, err := a.execute(ctx, "s="+shellQuote(agentBackdoor)+"\n"+agentLauncher+"\n", 0, nil)
	a.stderr = m.commandStderr
	switch {
	case err != nil:
		return err
	case status != 0:
		return fmt.Errorf("starting it exited with status %d: %s", status, strings.TrimSpace(string(stderr)))
	}
	return sh.waitReady(ctx, func(msg string) { m.logf("%s", msg) })
}
