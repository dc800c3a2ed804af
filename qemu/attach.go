package qemu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// serialBus is the id of the machine's virtio-serial controller; attached
// consoles are hot-plugged on its bus.
const serialBus = "vmtserial"

// attachSetups serialise the hot-plugging of attach consoles per machine:
// a new console is found in the guest as the one hvc terminal that was
// not usable before it was plugged, which only works one plug at a time.
var attachSetups sync.Map // *Machine → *sync.Mutex

// attachCount numbers attach consoles for their QEMU ids and port names.
var attachCount atomic.Int64

// AttachOptions say what an attached terminal runs.
type AttachOptions struct {
	// Command, if set, runs under sh -c with stdin from /dev/null and its
	// output passed through unchanged (the terminal is raw); the session
	// ends with its exit status. Empty opens an interactive root shell
	// (bash when the guest has it, else sh) with job control.
	Command string
	// Rows and Cols are the terminal's size (0: left as the guest sets it).
	Rows, Cols int
	// Term is the TERM of the interactive shell ("" for vt100).
	Term string
}

// Attachment is a terminal in the guest on a console port hot-plugged for
// it: its own hvc tty, on which a session leader runs the shell, so job
// control, ^C and the window size work as on any terminal, while the
// backdoor shell stays free for the test. Read returns the terminal's
// output and io.EOF when the session has ended; Close unplugs the console,
// which hangs up what still runs on it.
type Attachment struct {
	m     *Machine
	id    string // QEMU id of both the chardev and the console device
	conn  net.Conn
	tty   string // the guest's device, /dev/hvcN
	exits *exitScanner
	buf   []byte // what Read reads the terminal into

	closeOnce sync.Once
}

// Attach hot-plugs a console into the guest and starts a session on it.
// The machine's backdoor shell must be up: it starts the session, and as
// it runs one command at a time, Attach waits for the test's current
// command to end. The guest commands of an attachment (listing terminals,
// starting the session, setting its size) run with no timeout: each ends
// by itself (the wait for the new terminal gives up after 150 rounds),
// and a timeout costs a NixOS-style guest a timeout(1) and a sh each.
func (m *Machine) Attach(ctx context.Context, opts AttachOptions) (*Attachment, error) {
	if !m.IsUp() {
		if err := m.lostErr(); err != nil {
			return nil, err
		}
		if m.Booted() {
			return nil, fmt.Errorf("machine %s has no backdoor shell yet (it has not finished booting): only its serial console can be reached", m.cfg.Name)
		}
		return nil, fmt.Errorf("machine %s is not running", m.cfg.Name)
	}
	began := time.Now()
	setup, _ := attachSetups.LoadOrStore(m, new(sync.Mutex))
	setup.(*sync.Mutex).Lock()
	defer setup.(*sync.Mutex).Unlock()

	before, err := m.usableConsoles(ctx)
	if err != nil {
		return nil, err
	}
	n := attachCount.Add(1)
	a := &Attachment{m: m, id: fmt.Sprintf("vmtattach%d", n), exits: newExitScanner(newNonce())}
	if a.conn, err = m.plugConsole(ctx, a.id, fmt.Sprintf("vmt.attach.%d", n)); err != nil {
		return nil, err
	}
	status, out, err := m.Execute(ctx, a.launchLine(before, opts), 0, nil)
	if err == nil && status != 0 {
		err = fmt.Errorf("the guest found no terminal for the console (%s): at most 7 attached terminals can be open per machine", strings.TrimSpace(string(out)))
	}
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("machine %s: starting the attached terminal: %w", m.cfg.Name, err)
	}
	a.tty = strings.TrimSpace(string(out))
	m.logf("attached a terminal on %s (%.2f s)", a.tty, time.Since(began).Seconds())
	return a, nil
}

// usableConsoles lists the hvc terminals of the guest that can be opened
// (those with a console port behind them) as " /dev/hvc0 /dev/hvc3 ".
// Opening one is tried with true, a regular builtin: a failed redirection
// of a special one (:) would end the shell running the loop.
func (m *Machine) usableConsoles(ctx context.Context) (string, error) {
	status, out, err := m.Execute(ctx, `for c in /dev/hvc[0-9]*; do true 2>/dev/null <"$c" && printf ' %s' "$c"; done; echo ' '`, 0, nil)
	if err == nil && status != 0 {
		err = fmt.Errorf("listing the guest's hvc terminals failed with status %d", status)
	}
	if err != nil {
		return "", fmt.Errorf("machine %s: %w", m.cfg.Name, err)
	}
	return strings.TrimRight(string(out), "\n"), nil
}

// plugConsole adds a console port named name whose host end is a UNIX
// socket in the state dir, and returns the host end.
func (m *Machine) plugConsole(ctx context.Context, id, name string) (net.Conn, error) {
	path := filepath.Join(m.cfg.stateDir(), id)
	os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("machine %s: %w", m.cfg.Name, err)
	}
	defer os.Remove(path)
	defer l.Close()
	_, err = m.QMP(ctx, "chardev-add", map[string]any{
		"id": id,
		"backend": map[string]any{"type": "socket", "data": map[string]any{
			"addr":   map[string]any{"type": "unix", "data": map[string]any{"path": path}},
			"server": false,
		}},
	})
	if err != nil {
		return nil, err
	}
	// QEMU connected during chardev-add: the connection waits in the backlog.
	l.(*net.UnixListener).SetDeadline(time.Now().Add(5 * time.Second))
	conn, err := l.Accept()
	if err != nil {
		m.QMP(context.Background(), "chardev-remove", map[string]any{"id": id})
		return nil, fmt.Errorf("machine %s: QEMU did not connect the console %s: %w", m.cfg.Name, id, err)
	}
	_, err = m.QMP(ctx, "device_add", map[string]any{"driver": "virtconsole", "bus": serialBus + ".0", "chardev": id, "name": name, "id": id})
	if err != nil {
		conn.Close()
		m.QMP(context.Background(), "chardev-remove", map[string]any{"id": id})
		return nil, err
	}
	return conn, nil
}

// launchLine is the backdoor command that waits for the new console's
// terminal (the usable one not in before), starts the session on it and
// prints its device. The session leader is started by setsid twice: the
// second one forks and returns, so the backdoor does not wait for the
// session, and no shell puts the session in the background, which would
// make it ignore ^C for good.
func (a *Attachment) launchLine(before string, opts AttachOptions) string {
	var session strings.Builder
	session.WriteString(`exec <>"$1" >&0 2>&0; `)
	if opts.Rows > 0 && opts.Cols > 0 {
		fmt.Fprintf(&session, "stty rows %d cols %d; ", opts.Rows, opts.Cols)
	}
	if opts.Command != "" {
		fmt.Fprintf(&session, "stty raw -echo; (eval %s) </dev/null; ", shellQuote(opts.Command))
	} else {
		term := opts.Term
		if term == "" {
			term = "vt100"
		}
		fmt.Fprintf(&session, `TERM=%s PS1='\h:\w\$ '; export TERM PS1; if command -v bash >/dev/null; then bash -i; else sh -i; fi; `, shellQuote(term))
	}
	// The marker's ESC is printf's doing: the command line, which ps
	// shows on this terminal, must not hold the marker itself.
	fmt.Fprintf(&session, `printf '\033]vmt-exit;%s;%%d\007' $?`, a.exits.nonce)
	find := `d=; n=0; while [ -z "$d" ] && [ $n -lt 150 ]; do for c in /dev/hvc[0-9]*; do case ` + shellQuote(before) + ` in *" $c "*) continue;; esac; true 2>/dev/null <"$c" && { d=$c; break; }; done; [ -n "$d" ] || { sleep 0.05; n=$((n + 1)); }; done; [ -n "$d" ] || { echo "no new hvc terminal appeared"; exit 1; }; `
	launch := `setsid sh -c 'exec setsid sh -c "$1" vmt-attach "$2"' sh ` + shellQuote(session.String()) + ` "$d" </dev/null >/dev/null 2>&1; echo "$d"`
	return find + launch
}

// TTY names the guest's terminal device of the attachment.
func (a *Attachment) TTY() string { return a.tty }

// Read returns what the session wrote on its terminal; io.EOF once it has
// ended (ExitStatus then says how).
func (a *Attachment) Read(p []byte) (int, error) {
	for {
		if out := a.exits.take(len(p)); len(out) > 0 {
			return copy(p, out), nil
		}
		if a.exits.done {
			return 0, io.EOF
		}
		if len(a.buf) < len(p) {
			a.buf = make([]byte, len(p))
		}
		n, err := a.conn.Read(a.buf[:len(p)])
		a.exits.feed(a.buf[:n])
		if err != nil && !a.exits.done && len(a.exits.ready) == 0 {
			if errors.Is(err, net.ErrClosed) { // Close was called
				return 0, io.EOF
			}
			if gone := a.m.guestGone(2 * time.Second); gone != nil {
				return 0, fmt.Errorf("machine %s: %w", a.m.cfg.Name, gone)
			}
			return 0, fmt.Errorf("machine %s: attached terminal: %w", a.m.cfg.Name, err)
		}
	}
}

// Write types p on the terminal.
func (a *Attachment) Write(p []byte) (int, error) { return a.conn.Write(p) }

// ExitStatus is the session's exit status once Read returned io.EOF, or -1.
func (a *Attachment) ExitStatus() int {
	if !a.exits.done {
		return -1
	}
	return a.exits.status
}

// Resize sets the terminal's size; the guest sends SIGWINCH to the
// foreground job. It goes through the backdoor shell, the guest's only
// way to set a terminal's size from outside.
func (a *Attachment) Resize(ctx context.Context, rows, cols int) error {
	_, _, err := a.m.Execute(ctx, fmt.Sprintf("stty rows %d cols %d <%s", rows, cols, shellQuote(a.tty)), 0, nil)
	return err
}

// Close unplugs the console: the guest hangs up its terminal, ending what
// still runs on it, and the machine is as it was before Attach.
func (a *Attachment) Close() error {
	var err error
	a.closeOnce.Do(func() {
		a.conn.Close()
		if !a.m.Booted() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, derr := a.m.QMP(ctx, "device_del", map[string]any{"id": a.id}); derr != nil {
			err = derr
		}
		// device_del of a port is immediate in QEMU; the chardev is free
		// once the device has gone.
		for {
			_, cerr := a.m.QMP(ctx, "chardev-remove", map[string]any{"id": a.id})
			if cerr == nil || ctx.Err() != nil {
				if err == nil {
					err = cerr
				}
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if a.tty != "" {
			a.m.logf("detached the terminal on %s", a.tty)
		}
	})
	return err
}

// exitScanner passes a session's output through until the session leader
// prints its end marker, ESC ] vmt-exit;NONCE;STATUS BEL, which it takes
// out. A possible beginning of the marker is held back until it is known.
type exitScanner struct {
	nonce  string
	marker []byte // up to and with the ";" before the status
	buf    []byte // bytes not yet released
	ready  []byte // bytes released to the reader
	done   bool
	status int
}

func newExitScanner(nonce string) *exitScanner {
	return &exitScanner{nonce: nonce, marker: []byte("\033]vmt-exit;" + nonce + ";")}
}

// feed consumes output from the terminal.
func (e *exitScanner) feed(p []byte) {
	if e.done {
		return
	}
	e.buf = append(e.buf, p...)
	for {
		i := bytes.Index(e.buf, e.marker)
		if i < 0 {
			n := len(e.buf) - partialSuffix(e.buf, e.marker)
			e.release(n)
			return
		}
		rest := e.buf[i+len(e.marker):]
		digits := 0
		for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
			digits++
		}
		switch {
		case digits == len(rest):
			e.release(i) // the status is still coming
			return
		case rest[digits] == 0x07 && digits > 0:
			e.status, _ = strconv.Atoi(string(rest[:digits]))
			e.release(i)
			e.done, e.buf = true, nil
			return
		default: // not the marker after all
			e.release(i + len(e.marker))
		}
	}
}

// release passes the first n bytes held on to the reader.
func (e *exitScanner) release(n int) {
	e.ready = append(e.ready, e.buf[:n]...)
	e.buf = append(e.buf[:0], e.buf[n:]...)
}

// take returns up to max released bytes.
func (e *exitScanner) take(max int) []byte {
	n := min(max, len(e.ready))
	out := e.ready[:n:n]
	e.ready = e.ready[n:]
	return out
}
