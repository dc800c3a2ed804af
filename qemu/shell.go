package qemu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// readyLine is what the guest prints on the shell when it is ready.
const readyLine = "Spawning backdoor root shell..."

// interruptGrace is how long a timed-out command gets to die after ^C
// before the shell is declared unusable.
const interruptGrace = 3 * time.Second

// ErrTimeout is wrapped by errors of commands and waits whose deadline passed.
var ErrTimeout = errors.New("timed out")

// dataPortNote follows the ready line when the guest writes command output
// to the vmt.data port instead of the terminal.
const dataPortNote = "(vmt: output on vmt.data)"

// shell is the host end of the guest's backdoor root shell.
type shell struct {
	conn net.Conn // the terminal: commands in, and output unless data is used
	// data is the vmt.data port; out is where replies are read from.
	data, out net.Conn
	mu        sync.Mutex // one command at a time
	// pending holds bytes read past the previous reply.
	pending []byte
	// unusable is set when a command could not be interrupted.
	unusable error
	// guestGone reports why the guest stopped, when it did.
	guestGone func() error
}

// waitReady reads until the ready line, passing what the guest printed to
// logf and reporting every 30 s that it is still waiting.
func (s *shell) waitReady(ctx context.Context, logf func(string)) error {
	var seen []byte
	buf := make([]byte, 4096)
	lastNote := time.Now()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.conn.SetReadDeadline(time.Now().Add(time.Second))
		n, err := s.conn.Read(buf)
		seen = append(seen, buf[:n]...)
		if i := bytes.Index(seen, []byte(readyLine)); i >= 0 {
			rest := seen[i+len(readyLine):]
			j := bytes.IndexByte(rest, '\n')
			if j < 0 {
				continue // the rest of the line decides where output goes
			}
			s.out = s.conn
			if s.data != nil && bytes.Contains(rest[:j], []byte(dataPortNote)) {
				s.out = s.data
				rest = nil
			} else {
				rest = rest[j+1:]
			}
			s.pending = append(s.pending[:0], rest...)
			s.conn.SetReadDeadline(time.Time{})
			return nil
		}
		if len(seen) > 4096 {
			seen = seen[len(seen)-len(readyLine):]
		}
		if err != nil && !isTimeout(err) {
			return s.lost(err)
		}
		if time.Since(lastNote) >= 30*time.Second {
			logf("still waiting for the backdoor shell")
			lastNote = time.Now()
		}
	}
}

// execute runs command, streaming its output to live (if not nil) as it
// arrives, and returns its exit status and complete output.
func (s *shell) execute(ctx context.Context, command string, timeout time.Duration, live io.Writer) (int, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unusable != nil {
		return -1, nil, s.unusable
	}
	nonce := newNonce()
	line, err := commandLine(nonce, command)
	if err != nil {
		return -1, nil, err
	}
	deadline := time.Time{}
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	s.conn.SetWriteDeadline(deadline)
	if _, err := s.conn.Write(line); err != nil {
		return -1, nil, s.lost(err)
	}
	s.conn.SetWriteDeadline(time.Time{})

	fr := newFrameReader(nonce)
	var output []byte
	take := func(p []byte) (bool, int, error) {
		out, done, status, rest, err := fr.feed(p)
		output = append(output, out...)
		if live != nil && len(out) > 0 {
			live.Write(out)
		}
		if done {
			s.pending = append(s.pending[:0], rest...)
		}
		return done, status, err
	}
	pending := s.pending
	s.pending = nil
	if done, status, err := take(pending); done || err != nil {
		return status, output, err
	}

	// Cancellation of ctx shortens the read deadline to now.
	stop := context.AfterFunc(ctx, func() { s.out.SetReadDeadline(time.Now()) })
	defer stop()
	s.out.SetReadDeadline(deadline)
	defer s.out.SetReadDeadline(time.Time{})
	buf := make([]byte, 64*1024)
	for {
		n, err := s.out.Read(buf)
		if n > 0 {
			done, status, perr := take(buf[:n])
			if perr != nil {
				s.unusable = perr
				return -1, output, perr
			}
			if done {
				return status, output, nil
			}
		}
		if err == nil {
			continue
		}
		if !isTimeout(err) {
			return -1, output, s.lost(err)
		}
		cause := ctx.Err()
		if cause == nil {
			cause = fmt.Errorf("%w after %s", ErrTimeout, timeout)
		}
		return -1, output, s.interrupt(fr, &output, live, cause)
	}
}

// interrupt stops the running command with ^C and waits for its end marker
// so the shell can be used again.
func (s *shell) interrupt(fr *frameReader, output *[]byte, live io.Writer, cause error) error {
	s.conn.SetWriteDeadline(time.Now().Add(time.Second))
	_, werr := s.conn.Write([]byte{0x03})
	s.conn.SetWriteDeadline(time.Time{})
	if werr != nil {
		return fmt.Errorf("%w (and the shell is gone: %v)", cause, werr)
	}
	s.out.SetReadDeadline(time.Now().Add(interruptGrace))
	buf := make([]byte, 64*1024)
	for {
		n, err := s.out.Read(buf)
		out, done, _, rest, perr := fr.feed(buf[:n])
		*output = append(*output, out...)
		if live != nil && len(out) > 0 {
			live.Write(out)
		}
		if done {
			s.pending = append(s.pending[:0], rest...)
			return cause
		}
		if perr != nil || err != nil {
			s.unusable = fmt.Errorf("the shell is unusable: a command ran past its deadline and did not stop on ^C (%v)", cause)
			return fmt.Errorf("%w; interrupting it failed, so later commands on this machine fail", cause)
		}
	}
}

// lost turns a read or write error into the reason the guest went away.
func (s *shell) lost(err error) error {
	if s.guestGone != nil {
		if gone := s.guestGone(); gone != nil {
			s.unusable = gone
			return gone
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		s.unusable = errors.New("the guest closed its shell (did it shut down or crash?)")
		return s.unusable
	}
	return fmt.Errorf("shell connection: %w", err)
}

// write sends raw bytes to the shell's terminal.
func (s *shell) write(p []byte) error {
	_, err := s.conn.Write(p)
	return err
}

func (s *shell) close() error {
	if s.data != nil {
		s.data.Close()
	}
	return s.conn.Close()
}

func isTimeout(err error) bool {
	return errors.Is(err, os.ErrDeadlineExceeded)
}
