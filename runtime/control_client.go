package runtime

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"
)

// ControlConn is a client's connection to a run's control socket.
type ControlConn struct {
	*bufio.Reader // the reply line, then frames
	conn          *net.UnixConn
}

// Write sends bytes (frames) to the run.
func (c *ControlConn) Write(p []byte) (int, error) { return c.conn.Write(p) }

// Close closes the connection; a session on it ends.
func (c *ControlConn) Close() error { return c.conn.Close() }

// DialControl connects to the control socket at path, refusing one that
// another user owns.
func DialControl(path string) (*ControlConn, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrPermission) {
		return nil, fmt.Errorf("control socket %s: permission denied: the test belongs to another user; attach as the user who runs it", path)
	}
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w (the test has ended, or the path is wrong: vmt attach lists the running tests)", path, err)
	}
	if fi.Mode().Type() != os.ModeSocket {
		return nil, fmt.Errorf("%s is not a control socket (vmt attach lists the running tests)", path)
	}
	// Root may attach to any user's test (a Nix build's, say); anyone
	// else only to their own, or to root's, which then refuses them.
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && os.Getuid() != 0 && !trustedPeer(st.Uid) {
		return nil, fmt.Errorf("control socket %s belongs to user %d: attach as the user who runs the test", path, st.Uid)
	}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return nil, fmt.Errorf("control socket %s: nobody listens: the test has ended", path)
	case errors.Is(err, syscall.EACCES):
		return nil, fmt.Errorf("control socket %s: permission denied: the test belongs to another user; attach as the user who runs it", path)
	case err != nil:
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	return &ControlConn{Reader: bufio.NewReader(conn), conn: conn}, nil
}

// Request sends req and reads the reply; a reply with an error is
// returned as the error.
func (c *ControlConn) Request(req ControlRequest) (ControlReply, error) {
	var reply ControlReply
	// A refusal may come before the request is read, and the write then
	// fails: the reply says why.
	writeErr := writeJSONLine(c.conn, req)
	if err := readJSONLine(c.Reader, &reply); err != nil {
		if writeErr != nil {
			return reply, fmt.Errorf("control socket: %w", writeErr)
		}
		return reply, fmt.Errorf("control socket: no answer (%v): the test has ended", err)
	}
	if reply.Error != "" {
		return reply, errors.New(reply.Error)
	}
	return reply, nil
}

// controlSockets lists where this user's running tests may have their
// control sockets: $XDG_RUNTIME_DIR/vmt/*.sock and the run directories
// under TMPDIR.
func controlSockets() []string {
	var paths []string
	if xdg := os.Getenv("XDG_RUNTIME_DIR"); xdg != "" {
		found, _ := filepath.Glob(filepath.Join(xdg, "vmt", "*.sock"))
		paths = append(paths, found...)
	}
	found, _ := filepath.Glob(filepath.Join(os.TempDir(), "vmt-run-*", controlSocketName))
	return append(paths, found...)
}

// RunningTests asks each control socket of this user for its run, oldest
// first. Sockets nobody listens on any more (a killed run's) are removed.
func RunningTests() []RunInfo {
	var runs []RunInfo
	for _, path := range controlSockets() {
		fi, err := os.Lstat(path)
		if err != nil {
			continue
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); !ok || st.Uid != uint32(os.Getuid()) {
			continue
		}
		c, err := net.DialTimeout("unix", path, time.Second)
		if errors.Is(err, syscall.ECONNREFUSED) {
			os.Remove(path)
			continue
		}
		if err != nil {
			continue
		}
		cc := &ControlConn{Reader: bufio.NewReader(c), conn: c.(*net.UnixConn)}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		reply, err := cc.Request(ControlRequest{Op: OpInfo})
		cc.Close()
		if err == nil && reply.Run != nil {
			runs = append(runs, *reply.Run)
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].Started.Before(runs[j].Started) })
	return runs
}
