package runtime

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"sync"

	"go.starlark.net/starlark"
)

// repl runs the test's REPL for a client while vmt run --debug waits:
// the script's globals and machines, read from and written to the
// connection. The script no longer runs then, so the REPL has the driver
// to itself; its terminal input and output are the client's for the
// time of the session.
func (s *controlServer) repl(c net.Conn, r *bufio.Reader) {
	s.mu.Lock()
	w := s.debug
	s.mu.Unlock()
	if w == nil {
		writeJSONLine(c, ControlReply{Error: "the REPL is open while vmt run --debug waits after a failure, and this test is running its script (vmt run -I gives a REPL at its end)"})
		return
	}
	if !w.repl.TryLock() {
		writeJSONLine(c, ControlReply{Error: "another vmt attach --repl is open on this test: one REPL at a time"})
		return
	}
	defer w.repl.Unlock()
	if err := writeJSONLine(c, ControlReply{Note: "the REPL of the failed test: its globals and machines"}); err != nil {
		return
	}
	in, typed := io.Pipe()
	go func() {
		for {
			kind, payload, err := ReadFrame(r)
			switch {
			case err != nil || kind == FrameEOF:
				typed.Close()
				return
			case kind == FrameInput:
				if _, err := typed.Write(payload); err != nil {
					return
				}
			}
		}
	}()
	out := &frameWriter{w: c}
	d := s.d
	stdin, terminal, terminalInput := d.opts.Stdin, d.opts.Terminal, d.input
	d.opts.Stdin, d.opts.Terminal, d.input = in, out, nil
	thread := &starlark.Thread{Name: replFile, Print: func(_ *starlark.Thread, msg string) { fmt.Fprintln(out, msg) }}
	err := d.repl(thread, w.globals)
	d.opts.Stdin, d.opts.Terminal, d.input = stdin, terminal, terminalInput
	in.Close()
	if err != nil {
		WriteFrame(c, FrameError, []byte(err.Error()))
		return
	}
	WriteFrame(c, FrameExit, []byte("0"))
}

// frameWriter sends what is written to it as output frames.
type frameWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (f *frameWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := WriteFrame(f.w, FrameOutput, p); err != nil {
		return 0, err
	}
	return len(p), nil
}
