package runtime

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// The control protocol of a run, spoken over its UNIX socket by
// `vmt attach`: the client sends one ControlRequest as a JSON line and
// reads one ControlReply as a JSON line; after a successful attach or
// repl request both sides exchange frames (a type byte, a big-endian
// uint32 length, the payload) until the session ends.
const (
	// OpInfo describes the run (ControlReply.Run).
	OpInfo = "info"
	// OpAttach opens a terminal in a machine, or runs Command there.
	OpAttach = "attach"
	// OpREPL opens the test's REPL (while vmt run --debug waits).
	OpREPL = "repl"
	// OpRelease ends the wait of vmt run --debug.
	OpRelease = "release"
)

// Frame types.
const (
	FrameInput  byte = 'i' // client → server: bytes typed
	FrameEOF    byte = 'z' // client → server: end of input (REPL)
	FrameResize byte = 'w' // client → server: "ROWS COLS"
	FrameOutput byte = 'o' // server → client: bytes to show
	FrameExit   byte = 'x' // server → client: the session's exit status, decimal; last frame
	FrameError  byte = 'e' // server → client: why the session failed; last frame
)

// maxFrame bounds a frame's payload: a corrupt length must not make a
// reader allocate gigabytes.
const maxFrame = 1 << 20

// ControlRequest is the first line a client sends.
type ControlRequest struct {
	Op      string `json:"op"`
	Machine string `json:"machine,omitempty"`
	// Command, for OpAttach, runs one command instead of a shell.
	Command string `json:"command,omitempty"`
	Rows    int    `json:"rows,omitempty"`
	Cols    int    `json:"cols,omitempty"`
	Term    string `json:"term,omitempty"`
}

// ControlReply is the server's answer to a request.
type ControlReply struct {
	Error string   `json:"error,omitempty"`
	Run   *RunInfo `json:"run,omitempty"`
	// Note is shown to the user when a session starts.
	Note string `json:"note,omitempty"`
}

// RunInfo describes a running test.
type RunInfo struct {
	ID      string        `json:"id"`
	PID     int           `json:"pid"`
	Script  string        `json:"script"`
	Started time.Time     `json:"started"`
	Socket  string        `json:"socket"`
	State   string        `json:"state"`
	Failure string        `json:"failure,omitempty"`
	Machine []MachineInfo `json:"machines"`
}

// MachineInfo is one machine of a running test and its state.
type MachineInfo struct {
	Name  string `json:"name"`
	State string `json:"state"`
}

// WriteFrame writes one frame.
func WriteFrame(w io.Writer, kind byte, payload []byte) error {
	var head [5]byte
	head[0] = kind
	binary.BigEndian.PutUint32(head[1:], uint32(len(payload)))
	if _, err := w.Write(append(head[:], payload...)); err != nil {
		return err
	}
	return nil
}

// ReadFrame reads one frame.
func ReadFrame(r io.Reader) (byte, []byte, error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("control protocol: a frame of %d bytes (at most %d)", n, maxFrame)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, err
	}
	return head[0], payload, nil
}

// writeJSONLine writes v as one line of JSON.
func writeJSONLine(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// readJSONLine reads one line of JSON into v.
func readJSONLine(r *bufio.Reader, v any) error {
	line, err := r.ReadBytes('\n')
	if err != nil {
		return err
	}
	if err := json.Unmarshal(line, v); err != nil {
		return fmt.Errorf("control protocol: %w", err)
	}
	return nil
}

// peerUID returns the user id of the process at the other end of c.
func peerUID(c *net.UnixConn) (uint32, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return 0, err
	}
	var cred *syscall.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return 0, err
	}
	if credErr != nil {
		return 0, credErr
	}
	return cred.Uid, nil
}

// trustedPeer reports whether uid may use a control socket of this
// process: the same user, or root (who can reach the machines anyway,
// and is who debugs a Nix build run by a build user).
func trustedPeer(uid uint32) bool {
	return uid == uint32(os.Getuid()) || uid == 0
}

// errPeer is the refusal of a connection from another user.
var errPeer = errors.New("refused: the test belongs to another user; attach as the user who runs it (or as root)")
