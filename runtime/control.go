package runtime

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// controlServer serves a run's control socket: `vmt attach` lists the
// run, opens terminals in its machines, and, while vmt run --debug waits
// after a failure, the test's REPL and the release of the wait.
type controlServer struct {
	d      *driver
	path   string
	began  time.Time
	l      *net.UnixListener
	ctx    context.Context // ends when the server closes
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]bool
	// debug is set while vmt run --debug waits after a failure.
	debug *debugWait
}

// controlSocketPath is where the control socket of this run goes:
// $XDG_RUNTIME_DIR/vmt/PID.sock when XDG_RUNTIME_DIR is set (a 0700
// directory of the user, where vmt attach finds every run), else the
// run's private directory.
func (d *driver) controlSocketPath() (string, error) {
	if xdg := os.Getenv("XDG_RUNTIME_DIR"); xdg != "" {
		dir := filepath.Join(xdg, "vmt")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("control socket directory: %w", err)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return "", fmt.Errorf("control socket directory: %w", err)
		}
		return filepath.Join(dir, strconv.Itoa(os.Getpid())+".sock"), nil
	}
	q, ok := d.opts.Backend.(*QEMU)
	if !ok {
		// A backend without a run directory (the runtime's tests) gets a
		// private directory of its own.
		dir, err := os.MkdirTemp("", "vmt-control-")
		if err != nil {
			return "", fmt.Errorf("control socket directory: %w", err)
		}
		return filepath.Join(dir, controlSocketName), nil
	}
	q.mu.Lock()
	run, err := q.runDirLocked()
	q.mu.Unlock()
	if err != nil {
		return "", err
	}
	return filepath.Join(run.Path, controlSocketName), nil
}

// controlSocketName is the control socket's name in a run directory.
const controlSocketName = "control"

// serveControl starts the control socket and names it in the log.
func (d *driver) serveControl() (*controlServer, error) {
	path, err := d.controlSocketPath()
	if err != nil {
		return nil, err
	}
	os.Remove(path) // a socket left by a killed run with this PID
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	os.Chmod(path, 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	s := &controlServer{d: d, path: path, began: time.Now(), l: l, ctx: ctx, cancel: cancel, conns: map[net.Conn]bool{}}
	s.wg.Go(s.accept)
	d.log.Line("", fmt.Sprintf("control socket: %s (vmt attach MACHINE opens a shell in a machine)", path))
	return s, nil
}

func (s *controlServer) accept() {
	for {
		c, err := s.l.AcceptUnix()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.conns == nil { // closing
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Go(func() {
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.serve(c)
		})
	}
}

// close stops serving: open sessions end (their terminals are unplugged)
// and the socket is removed.
func (s *controlServer) close() {
	if s == nil {
		return
	}
	s.cancel()
	s.l.Close()
	os.Remove(s.path)
	if dir := filepath.Dir(s.path); strings.HasPrefix(filepath.Base(dir), "vmt-control-") {
		os.Remove(dir)
	}
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.conns = nil
	s.mu.Unlock()
	s.wg.Wait()
}

// serve answers one connection.
func (s *controlServer) serve(c *net.UnixConn) {
	uid, err := peerUID(c)
	if err != nil || !trustedPeer(uid) {
		writeJSONLine(c, ControlReply{Error: errPeer.Error()})
		return
	}
	r := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var req ControlRequest
	if err := readJSONLine(r, &req); err != nil {
		writeJSONLine(c, ControlReply{Error: err.Error()})
		return
	}
	c.SetReadDeadline(time.Time{})
	switch req.Op {
	case OpInfo:
		info := s.info()
		writeJSONLine(c, ControlReply{Run: &info})
	case OpAttach:
		s.attach(c, r, req)
	case OpREPL:
		s.repl(c, r)
	case OpRelease:
		if err := s.release(); err != nil {
			writeJSONLine(c, ControlReply{Error: err.Error()})
			return
		}
		writeJSONLine(c, ControlReply{Note: "released: the test ends now"})
	default:
		writeJSONLine(c, ControlReply{Error: fmt.Sprintf("unknown request %q (is vmt attach newer than this vmt run?)", req.Op)})
	}
}

// info describes the run and the state of its machines.
func (s *controlServer) info() RunInfo {
	info := RunInfo{
		ID: strconv.Itoa(os.Getpid()), PID: os.Getpid(), Script: s.d.opts.Script,
		Started: s.began, Socket: s.path, State: "running",
	}
	s.mu.Lock()
	if s.debug != nil {
		info.State = "failed, waiting for vmt attach --release (--debug)"
		info.Failure = s.debug.summary
	}
	s.mu.Unlock()
	for _, m := range s.d.machines {
		info.Machine = append(info.Machine, MachineInfo{Name: m.name, State: machineState(m.currentEngine())})
	}
	return info
}

// machineState says in a few words whether a machine can be attached to.
func machineState(e Engine) string {
	switch {
	case e == nil:
		return "not created yet"
	case shellUp(e):
		return "up"
	case e.Booted():
		return "booting (no backdoor shell yet: serial console only)"
	default:
		return "down"
	}
}
