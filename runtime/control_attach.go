package runtime

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/vmt-dev/vmt/internal/suggest"
)

// findMachine returns the machine named name, or an error that names the
// machines there are (and the closest one).
func (s *controlServer) findMachine(name string) (*Machine, error) {
	var names []string
	for _, m := range s.d.machines {
		if m.name == name {
			return m, nil
		}
		names = append(names, m.name)
	}
	msg := fmt.Sprintf("the test has no machine %q", name)
	if c := suggest.Closest(name, names); c != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", c)
	}
	if len(names) == 0 {
		return nil, errors.New(msg + "; it has no machines")
	}
	return nil, fmt.Errorf("%s; its machines: %s", msg, strings.Join(names, ", "))
}

// attach opens a terminal in a machine, or runs one command there, and
// relays it over c until either side ends. A machine that runs but has
// no backdoor shell yet gets its serial console instead of a shell.
func (s *controlServer) attach(c net.Conn, r *bufio.Reader, req ControlRequest) {
	m, err := s.findMachine(req.Machine)
	if err == nil && m.currentEngine() == nil {
		err = fmt.Errorf("machine %s is declared but create_machine has not made it yet", m.name)
	}
	if err != nil {
		writeJSONLine(c, ControlReply{Error: err.Error()})
		return
	}
	eng := m.currentEngine()
	up := shellUp(eng)
	if !up && eng.Booted() && req.Command == "" {
		s.attachConsole(c, r, m)
		return
	}
	terminals, ok := eng.(Terminals)
	if !ok {
		writeJSONLine(c, ControlReply{Error: fmt.Sprintf("machine %s cannot be attached to (its engine has no terminals)", m.name)})
		return
	}
	if !up && !eng.Booted() {
		writeJSONLine(c, ControlReply{Error: fmt.Sprintf("machine %s is down (not started, shut down or crashed): there is nothing to attach to", m.name)})
		return
	}
	a, err := terminals.Attach(s.ctx, AttachOptions{Command: req.Command, Rows: req.Rows, Cols: req.Cols, Term: req.Term})
	if err != nil {
		writeJSONLine(c, ControlReply{Error: err.Error()})
		return
	}
	defer a.Close()
	note := fmt.Sprintf("attached to %s (%s); exit the shell or type ~. at the start of a line to detach", m.name, a.TTY())
	if err := writeJSONLine(c, ControlReply{Note: note}); err != nil {
		return
	}
	// Window sizes are set apart from the typing, the latest one only: the
	// backdoor sets them, and it may be busy with a command of the test.
	sizes := make(chan [2]int, 1)
	resizerDone := make(chan struct{})
	go func() {
		defer close(resizerDone)
		for size := range sizes {
			a.Resize(s.ctx, size[0], size[1])
		}
	}()
	// Input: typed bytes and window sizes, until the client goes.
	inputDone := make(chan struct{})
	go func() {
		defer close(inputDone)
		defer close(sizes)
		for {
			kind, payload, err := ReadFrame(r)
			if err != nil {
				a.Close() // the client went: hang up the terminal
				return
			}
			switch kind {
			case FrameInput:
				if _, err := a.Write(payload); err != nil {
					return
				}
			case FrameResize:
				if rows, cols, ok := parseSize(payload); ok {
					select {
					case <-sizes: // replaced by the newer size
					default:
					}
					sizes <- [2]int{rows, cols}
				}
			}
		}
	}()
	relaySession(c, a)
	a.Close()
	c.(*net.UnixConn).CloseRead()
	<-inputDone
	<-resizerDone
}

// relaySession sends the session's output to the client, then how it
// ended, until it ends or the client goes.
func relaySession(c net.Conn, a AttachedTerminal) {
	buf := make([]byte, 32*1024)
	for {
		n, err := a.Read(buf)
		if n > 0 && WriteFrame(c, FrameOutput, buf[:n]) != nil {
			return
		}
		switch {
		case err == io.EOF:
			WriteFrame(c, FrameExit, []byte(strconv.Itoa(a.ExitStatus())))
			return
		case err != nil:
			WriteFrame(c, FrameError, []byte(err.Error()))
			return
		}
	}
}

// parseSize reads "ROWS COLS".
func parseSize(p []byte) (rows, cols int, ok bool) {
	f := strings.Fields(string(p))
	if len(f) != 2 {
		return 0, 0, false
	}
	rows, err1 := strconv.Atoi(f[0])
	cols, err2 := strconv.Atoi(f[1])
	return rows, cols, err1 == nil && err2 == nil && rows > 0 && cols > 0
}

// consolePoll is how often the serial console is read for an attached
// client: the engine keeps it as lines, not as a stream.
const consolePoll = 50 * time.Millisecond

// attachConsole relays the serial console of a machine that has no
// backdoor shell (it never finished booting): its output so far and as
// it comes, and what the user types (to a getty or an emergency shell).
func (s *controlServer) attachConsole(c net.Conn, r *bufio.Reader, m *Machine) {
	eng := m.currentEngine()
	console, ok := eng.(Console)
	if !ok {
		writeJSONLine(c, ControlReply{Error: lacksRole[Console](m.name).Error()})
		return
	}
	note := fmt.Sprintf("machine %s has no backdoor shell (it has not finished booting): this is its serial console; type ~. at the start of a line to detach", m.name)
	if err := writeJSONLine(c, ControlReply{Note: note}); err != nil {
		return
	}
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			kind, payload, err := ReadFrame(r)
			if err != nil {
				return
			}
			if kind == FrameInput {
				console.SendConsole(string(payload))
			}
		}
	}()
	sent := 0
	tick := time.NewTicker(consolePoll)
	defer tick.Stop()
	for {
		log := console.ConsoleLog()
		if len(log) > sent {
			out := strings.ReplaceAll(log[sent:], "\n", "\r\n")
			if WriteFrame(c, FrameOutput, []byte(out)) != nil {
				return
			}
			sent = len(log)
		}
		if !eng.Booted() {
			WriteFrame(c, FrameError, []byte(fmt.Sprintf("machine %s stopped", m.name)))
			return
		}
		select {
		case <-tick.C:
		case <-gone:
			return
		case <-s.ctx.Done():
			return
		}
	}
}
