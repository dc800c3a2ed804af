package qemu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// readyLine is what the guest prints on the shell when it is ready.
const readyLine = "Spawning backdoor root shell..."

// vmtGuestNote follows the ready line in vmt's own guest: command output
// comes on the vmt.data port, and ^C on the terminal interrupts a command.
const vmtGuestNote = "(vmt: output on vmt.data)"

// interruptGrace is how long a timed-out command gets to die after ^C
// before the shell is declared unusable.
const interruptGrace = 3 * time.Second

// guestTimeoutGrace is how much longer than a command's timeout the host
// waits on a guest that kills the command itself (see commandLine).
const guestTimeoutGrace = 10 * time.Second

// ErrTimeout is wrapped by errors of commands and waits whose deadline passed.
var ErrTimeout = errors.New("timed out")

// shell is the host end of the guest's backdoor root shell.
type shell struct {
	conn net.Conn // the terminal: commands in, and output unless data is used
	// data is the vmt.data port; out is where replies are read from.
	data, out net.Conn
	// interruptible is true in vmt's guest, where ^C stops a command.
	// Elsewhere (NixOS guests run the shell in raw mode, no signals from
	// the terminal) commands with a timeout run under timeout(1).
	interruptible bool

	mu sync.Mutex // one command at a time
	// pending holds bytes read past the previous reply.
	pending []byte
	// unusable is set when the shell cannot be trusted any more.
	unusable error
	// guestGone reports why the guest stopped, if QEMU exits within wait.
	guestGone func(wait time.Duration) error
	// logf receives the engine's notes about the shell.
	logf func(string)

	// death is why the shell process is gone (QEMU reported vmt.alive
	// closed, or the guest kernel panicked); dead is closed when it is set.
	// Both are renewed by each ready line. QEMU sends VSERPORT_CHANGE at
	// most once a second, so a shell dying within a second of its start
	// is noticed when that second ends.
	deathMu sync.Mutex
	death   error
	dead    chan struct{}
}

// alivePort is the QEMU id of the vmt.alive port.
const alivePort = "vmtalive"

// setupTimeout bounds each step of preparing a fresh shell.
const setupTimeout = 10 * time.Second

// die records that the shell is gone; commands waiting on it fail at once.
func (s *shell) die(err error) {
	s.deathMu.Lock()
	defer s.deathMu.Unlock()
	if s.death == nil && s.dead != nil {
		s.death = err
		close(s.dead)
	}
}

// renew forgets the previous shell's death: a new shell is ready.
func (s *shell) renew() {
	s.deathMu.Lock()
	defer s.deathMu.Unlock()
	s.death, s.dead = nil, make(chan struct{})
}

// deathNotice returns why the shell is gone (nil if it is not) and a
// channel closed when that happens.
func (s *shell) deathNotice() (error, <-chan struct{}) {
	s.deathMu.Lock()
	defer s.deathMu.Unlock()
	return s.death, s.dead
}

// snapshotMeta records how the prepared shell talks, for a restore of
// the guest as it is now.
func (s *shell) snapshotMeta() snapshotMeta {
	return snapshotMeta{OutputOnData: s.out == s.data && s.data != nil, Interruptible: s.interruptible}
}

// takeOver adopts a shell that was prepared before its guest was saved
// and is now restored: nothing is pending, and it talks as it did then.
func (s *shell) takeOver(outputOnData, interruptible bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out, s.interruptible = s.conn, interruptible
	if outputOnData && s.data != nil {
		s.out = s.data
	}
	s.pending, s.unusable = nil, nil
	s.renew()
}

// waitReady reads until the ready line, logging what the guest printed
// before it, then prepares the shell.
func (s *shell) waitReady(ctx context.Context, logf func(string)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var seen []byte
	buf := make([]byte, 4096)
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
			if j >= 0 {
				logLines(seen[:i], logf)
				s.conn.SetReadDeadline(time.Time{})
				s.out, s.interruptible = s.conn, false
				if s.data != nil && bytes.Contains(rest[:j], []byte(vmtGuestNote)) {
					s.out, s.interruptible = s.data, true
					rest = nil
				} else {
					rest = rest[j+1:]
				}
				s.pending = append(s.pending[:0], rest...)
				s.unusable = nil
				s.renew()
				return s.prepare(ctx)
			}
		} else if k := bytes.LastIndexByte(seen, '\n'); k >= 0 {
			logLines(seen[:k+1], logf)
			seen = append(seen[:0], seen[k+1:]...)
		}
		if err != nil && !isTimeout(err) {
			return s.lost(err)
		}
	}
}

// logLines logs each non-empty line the guest printed on its shell.
func logLines(p []byte, logf func(string)) {
	for _, line := range strings.Split(string(p), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			logf("guest shell: " + line)
		}
	}
}

// execute runs command, streaming its output to live (if not nil) as it
// arrives, and returns its exit status and complete output.
func (s *shell) execute(ctx context.Context, command string, timeout time.Duration, live io.Writer) (int, []byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.executeLocked(ctx, command, timeout, live)
}

func (s *shell) executeLocked(ctx context.Context, command string, timeout time.Duration, live io.Writer) (int, []byte, error) {
	if s.unusable != nil {
		return -1, nil, s.unusable
	}
	death, dead := s.deathNotice()
	if death != nil {
		return -1, nil, s.dying(death)
	}
	if err := ctx.Err(); err != nil {
		return -1, nil, err
	}
	nonce := newNonce()
	guestKill := 0
	if timeout > 0 && !s.interruptible {
		guestKill = int(math.Ceil(timeout.Seconds()))
	}
	line, err := commandLine(nonce, command, guestKill, s.out == s.conn)
	if err != nil {
		return -1, nil, err
	}
	deadline := time.Time{}
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
		if guestKill > 0 {
			deadline = deadline.Add(guestTimeoutGrace)
		}
	}
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	s.conn.SetWriteDeadline(deadline)
	_, err = s.conn.Write(line)
	s.conn.SetWriteDeadline(time.Time{})
	if err != nil {
		if isTimeout(err) {
			s.unusable = errors.New("the shell is unusable: a command could not be sent in time (the guest stopped reading its terminal)")
			return -1, nil, s.unusable
		}
		return -1, nil, s.lost(err)
	}

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

	// Cancellation of ctx shortens the read deadline to now; the deadline is
	// set first so that a cancellation cannot be overwritten.
	s.out.SetReadDeadline(deadline)
	defer s.out.SetReadDeadline(time.Time{})
	var cancelMu sync.Mutex // orders the cancellation against interrupt's deadline
	cancelled := false
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-dead:
			cancel()
		case <-ctx.Done():
		}
	}()
	stop := context.AfterFunc(ctx, func() {
		cancelMu.Lock()
		defer cancelMu.Unlock()
		if !cancelled {
			s.out.SetReadDeadline(time.Now())
		}
	})
	defer stop()
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
				if guestKill > 0 && status == 137 && time.Now().After(deadline.Add(-guestTimeoutGrace)) {
					return status, output, fmt.Errorf("%w after %s", ErrTimeout, timeout)
				}
				if fr.length >= 0 && fr.length != len(output) {
					return status, output, fmt.Errorf("output cut in transit: %d of %d bytes arrived (this guest shows no vmt.data port, and its terminal drops bytes when the host falls behind)", len(output), fr.length)
				}
				return status, output, nil
			}
		}
		if err == nil {
			continue
		}
		if death, _ := s.deathNotice(); death != nil {
			return -1, output, s.dying(death)
		}
		if !isTimeout(err) {
			return -1, output, s.lost(err)
		}
		cause := ctx.Err()
		if cause == nil {
			cause = fmt.Errorf("%w after %s", ErrTimeout, timeout)
		}
		cancelMu.Lock()
		cancelled = true // from here on, interrupt owns the read deadline
		cancelMu.Unlock()
		if !s.interruptible {
			s.unusable = fmt.Errorf("the shell is unusable: a command was abandoned while it ran (%v), and this guest's shell cannot be interrupted", cause)
			return -1, output, cause
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
		return fmt.Errorf("%w (and the shell is gone: %v)", cause, s.lost(werr))
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
		switch {
		case done:
			s.pending = append(s.pending[:0], rest...)
			return cause
		case perr != nil:
			s.unusable = perr
			return fmt.Errorf("%w; then: %v", cause, perr)
		case err != nil && !isTimeout(err):
			return fmt.Errorf("%w; then: %v", cause, s.lost(err))
		case err != nil:
			s.unusable = fmt.Errorf("the shell is unusable: a command ran past its deadline and did not stop on ^C (%v)", cause)
			return fmt.Errorf("%w; interrupting it failed, so later commands on this machine fail", cause)
		}
	}
}

// send writes raw bytes to the shell's terminal between commands.
func (s *shell) send(p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	defer s.conn.SetWriteDeadline(time.Time{})
	_, err := s.conn.Write(p)
	return err
}

// dying makes the shell unusable for good: it died of death, or with
// the whole guest when QEMU exits at once (a powered-off or panicked guest
// closes the shell a moment before QEMU exits).
func (s *shell) dying(death error) error {
	s.unusable = death
	if s.guestGone != nil {
		if gone := s.guestGone(300 * time.Millisecond); gone != nil {
			s.unusable = gone
		}
	}
	return s.unusable
}

// lost turns a read or write error into the reason the guest went away.
func (s *shell) lost(err error) error {
	if s.guestGone != nil {
		if gone := s.guestGone(2 * time.Second); gone != nil {
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

func (s *shell) close() error {
	if s.data != nil {
		s.data.Close()
	}
	return s.conn.Close()
}

func isTimeout(err error) bool {
	return errors.Is(err, os.ErrDeadlineExceeded)
}

// findPorts prints the device of each of vmt's virtio ports in the guest.
const findPorts = `for p in /sys/class/virtio-ports/*; do n=$(cat "$p/name" 2>/dev/null); case $n in vmt.data|vmt.alive) echo "$n /dev/${p##*/}";; esac; done`

// prepare readies a fresh shell. A shell that writes its output to the
// terminal (NixOS's backdoor) is moved onto the vmt.data port: a console
// port drops bytes whenever the host reads too slowly, a serial port never
// does. Then, on either guest kind, the output goes through a pipe that dd
// drains in blocks of up to 64 KiB: each write to a virtio port waits for
// the host, so a program writing line by line would otherwise pay a round
// trip per line. Last, the shell opens vmt.alive on fd 9, which no command
// inherits, so that QEMU reports the shell's death. A guest without the
// ports keeps the plain protocol on its terminal.
//
// Until its stdout is the pipe, the shell itself writes nothing: markers
// come from subshells. When the shell printed a command's markers on the
// terminal first, every later program of a busybox NixOS-style guest ran
// several times slower into the pipe (seq 1 100000: 1.2 s, not 0.3 s;
// BenchmarkSeq100000 shows it), though it wrote in blocks all the same.
func (s *shell) prepare(ctx context.Context) error {
	_, out, err := s.step(ctx, s.out, func(ok, _ string) string {
		return "(" + findPorts + "; echo " + ok + ")"
	})
	if err != nil {
		return fmt.Errorf("preparing the shell: %w", err)
	}
	ports := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if name, dev, ok := strings.Cut(line, " "); ok {
			ports[name] = dev
		}
	}
	if dev := ports["vmt.data"]; dev != "" && s.data != nil && s.out != s.data {
		ok, _, err := s.step(ctx, s.data, func(ok, _ string) string {
			return "command exec >" + shellQuote(dev) + " && (echo " + ok + ")"
		})
		if err != nil || !ok {
			s.logf(fmt.Sprintf("command output stays on the terminal: %v", err))
		}
	}
	if s.out == s.data {
		ok, _, err := s.step(ctx, s.data, func(ok, failed string) string {
			return `f=/tmp/.vmt-out.$$; rm -f "$f"; if command -v dd >/dev/null && mkfifo -m 600 "$f"; then dd bs=65536 <"$f" 2>/dev/null & command exec >"$f"; rm -f "$f"; (echo ` + ok + `); else (echo ` + failed + `); fi`
		})
		switch {
		case err != nil:
			return fmt.Errorf("preparing the shell's output pipe: %w", err)
		case !ok:
			s.logf("the guest has no dd or mkfifo: command output is written to vmt.data directly")
		}
	} else {
		s.logf("the guest shows no vmt.data port: command output comes on the terminal")
	}
	if dev := ports["vmt.alive"]; dev != "" {
		if err := s.writeLine(ctx, "command exec 9>"+shellQuote(dev)+"\n"); err != nil {
			return s.lost(err)
		}
	}
	return nil
}

// step runs a line that line(ok, failed) builds in the shell itself (not
// in a subshell, so that exec lasts); the line echoes one of the two
// markers, and step reads conn until one arrives, reporting which and
// what came before it. A marker read on vmt.data means the shell's output
// is there.
func (s *shell) step(ctx context.Context, conn net.Conn, line func(ok, failed string) string) (bool, []byte, error) {
	nonce := newNonce()
	ok, failed := "D"+nonce, "N"+nonce
	if err := s.writeLine(ctx, line(ok, failed)+"\n"); err != nil {
		return false, nil, s.lost(err)
	}
	deadline := time.Now().Add(setupTimeout)
	if d, has := ctx.Deadline(); has && d.Before(deadline) {
		deadline = d
	}
	conn.SetReadDeadline(deadline)
	defer conn.SetReadDeadline(time.Time{})
	seen := s.pending
	if conn != s.out {
		seen = nil // the pending bytes came on the other connection
	}
	s.pending = nil
	buf := make([]byte, 4096)
	for {
		for _, marker := range []string{ok, failed} {
			if i := bytes.Index(seen, []byte(marker+"\n")); i >= 0 {
				if conn == s.data {
					s.out = s.data
				}
				s.pending = append(s.pending[:0], seen[i+len(marker)+1:]...)
				return marker == ok, seen[:i], nil
			}
		}
		n, err := conn.Read(buf)
		seen = append(seen, buf[:n]...)
		if err != nil {
			if isTimeout(err) {
				return false, nil, fmt.Errorf("no answer from the shell within %s: %w", setupTimeout, ErrTimeout)
			}
			return false, nil, s.lost(err)
		}
	}
}

// writeLine writes a line to the shell's terminal within the context's
// deadline (or setupTimeout).
func (s *shell) writeLine(ctx context.Context, line string) error {
	deadline := time.Now().Add(setupTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	s.conn.SetWriteDeadline(deadline)
	defer s.conn.SetWriteDeadline(time.Time{})
	_, err := io.WriteString(s.conn, line)
	return err
}
