//go:build integration

package qemu_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// terminal reads an attachment's output in the background so that tests
// can wait for text in it.
type terminal struct {
	t  testing.TB
	a  *qemu.Attachment
	mu sync.Mutex
	// out is everything read so far; from is where the next expect looks.
	out  bytes.Buffer
	from int
	eof  chan struct{}
	err  error
}

func newTerminal(t testing.TB, a *qemu.Attachment) *terminal {
	term := &terminal{t: t, a: a, eof: make(chan struct{})}
	go func() {
		defer close(term.eof)
		buf := make([]byte, 4096)
		for {
			n, err := a.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				if err != io.EOF {
					term.err = err
				}
				return
			}
		}
	}()
	return term
}

// expect waits until re matches the output after the previous match.
func (term *terminal) expect(re string) string {
	term.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		term.mu.Lock()
		text := term.out.String()[term.from:]
		if loc := rx.FindStringIndex(text); loc != nil {
			term.from += loc[1]
			term.mu.Unlock()
			return text[loc[0]:loc[1]]
		}
		term.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	term.mu.Lock()
	defer term.mu.Unlock()
	term.t.Fatalf("no %q in the terminal's output:\n%q", re, term.out.String()[term.from:])
	return ""
}

func (term *terminal) send(s string) {
	term.t.Helper()
	if _, err := term.a.Write([]byte(s)); err != nil {
		term.t.Fatalf("typing %q: %v", s, err)
	}
}

// wait waits for the end of the session and returns its status.
func (term *terminal) wait() int {
	term.t.Helper()
	select {
	case <-term.eof:
	case <-time.After(20 * time.Second):
		term.t.Fatalf("the session did not end; output:\n%q", term.out.String())
	}
	if term.err != nil {
		term.t.Fatalf("reading the terminal: %v", term.err)
	}
	return term.a.ExitStatus()
}

func attach(t testing.TB, m *qemu.Machine, opts qemu.AttachOptions) *terminal {
	t.Helper()
	began := time.Now()
	a, err := m.Attach(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := t.(*testing.T); ok {
		t.Logf("attached to %s in %s", a.TTY(), time.Since(began).Round(time.Millisecond))
	}
	t.Cleanup(func() { a.Close() })
	return newTerminal(t, a)
}

// TestAttachShell drives an attached interactive shell on both guest
// kinds: a real terminal with job control, ^C and a window size, two at
// once while the backdoor keeps running commands; ending the shells
// leaves no console and no process behind.
func TestAttachShell(t *testing.T) {
	for _, kind := range guestKinds {
		t.Run(kind, func(t *testing.T) {
			m := sharedGuest(t, kind)
			_, before := run(t, m, "ls /sys/class/virtio-ports | wc -l")
			prompt := `:/\S*[#$] `

			began := time.Now()
			sh := attach(t, m, qemu.AttachOptions{Rows: 30, Cols: 100, Term: "xterm"})
			sh.expect(prompt)
			t.Logf("%s: from Attach to a prompt: %s", kind, time.Since(began).Round(time.Millisecond))

			sh.send("tty; echo TERM=$TERM\n")
			sh.expect(`/dev/hvc[1-9]\d*\r\n`)
			sh.expect(`TERM=xterm\r\n`)
			sh.send("stty size\n")
			sh.expect(`30 100\r\n`)

			sh.send("sleep 100 &\n")
			sh.expect(prompt)
			sh.send("jobs\n")
			sh.expect(`\[1\]\+? +Running +sleep 100`)
			sh.send("kill %1\n")
			sh.expect(prompt)

			sh.send("sleep 100\n")
			time.Sleep(500 * time.Millisecond)
			sh.send("\x03")
			sh.expect(prompt)
			sh.send("echo status=$?\n")
			sh.expect(`status=130`)

			if err := sh.a.Resize(context.Background(), 40, 120); err != nil {
				t.Fatal(err)
			}
			sh.send("stty size\n")
			sh.expect(`40 120\r\n`)

			// A second shell, while the test's commands keep running.
			other := attach(t, m, qemu.AttachOptions{})
			other.expect(prompt)
			stop := make(chan struct{})
			var commands sync.WaitGroup
			commands.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if _, out := run(t, m, fmt.Sprintf("echo %d", i)); out != fmt.Sprintf("%d\n", i) {
						t.Errorf("backdoor command %d printed %q", i, out)
						return
					}
				}
			})
			other.send("echo other-$((6*7))\n")
			other.expect(`other-42`)
			sh.send("echo first-$((6*7))\n")
			sh.expect(`first-42`)
			other.send("exit 3\n")
			if status := other.wait(); status != 3 {
				t.Errorf("the second shell ended with %d, want 3", status)
			}
			sh.send("exit\n")
			if status := sh.wait(); status != 0 {
				t.Errorf("the shell ended with %d, want 0", status)
			}
			close(stop)
			commands.Wait()
			sh.a.Close()
			other.a.Close()
			time.Sleep(300 * time.Millisecond)
			if _, after := run(t, m, "ls /sys/class/virtio-ports | wc -l"); after != before {
				t.Errorf("the guest has %s ports after the shells ended, %s before", strings.TrimSpace(after), strings.TrimSpace(before))
			}
			// busybox timeout(1), which a NixOS-style guest runs commands
			// under, notices the end of the command it guards within 1 s.
			if _, out := run(t, m, "for i in 1 2 3 4 5 6; do ps -o pid,args | grep -q [v]mt-attach || exit 0; sleep 0.5; done; ps -o pid,args | grep [v]mt-attach"); out != "" {
				t.Errorf("processes of the attached sessions remain: %s", out)
			}
		})
	}
}

// TestAttachCommand runs single commands on an attached terminal: exact
// output, exit status.
func TestAttachCommand(t *testing.T) {
	for _, kind := range guestKinds {
		t.Run(kind, func(t *testing.T) {
			m := sharedGuest(t, kind)
			for _, c := range []struct {
				cmd    string
				out    string
				status int
			}{
				{"printf 'a\\nb\\n'", "a\nb\n", 0},
				{"false", "", 1},
				{"echo oops >&2; exit 7", "oops\n", 7},
			} {
				term := attach(t, m, qemu.AttachOptions{Command: c.cmd})
				status := term.wait()
				if got := term.out.String(); got != c.out || status != c.status {
					t.Errorf("%q: output %q, status %d; want %q, %d", c.cmd, got, status, c.out, c.status)
				}
				term.a.Close()
			}
		})
	}
}

// An attach while the test runs a command waits for it (the backdoor
// starts the session) rather than failing.
func TestAttachWaitsForBusyBackdoor(t *testing.T) {
	m := sharedGuest(t, "vmt")
	busy := make(chan error, 1)
	go func() {
		_, _, err := m.Execute(context.Background(), "sleep 3", time.Minute, nil)
		busy <- err
	}()
	time.Sleep(200 * time.Millisecond)
	term := attach(t, m, qemu.AttachOptions{Command: "echo after"})
	if status := term.wait(); status != 0 || term.out.String() != "after\n" {
		t.Errorf("status %d, output %q", status, term.out.String())
	}
	if err := <-busy; err != nil {
		t.Errorf("the test's command: %v", err)
	}
}

// TestAttachSystemdGuest attaches to the Debian systemd guest: bash as
// the shell, on a guest whose hvc0 is systemd's backdoor.service.
func TestAttachSystemdGuest(t *testing.T) {
	dir := qemutest.TempDir(t)
	m, err := qemu.New(qemu.Config{StartScript: qemutest.SystemdStartScript(t, dir, "sd", 1), TmpDir: dir, Log: qemutest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	if err := m.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	sh := attach(t, m, qemu.AttachOptions{Rows: 30, Cols: 90, Term: "xterm"})
	sh.expect(`[#$] `)
	t.Logf("systemd guest: from Attach to a prompt: %s", time.Since(began).Round(time.Millisecond))
	sh.send("echo $BASH_VERSION; tty; stty size\n")
	sh.expect(`\d+\.\d+.*\r\n/dev/hvc\d+\r\n30 90\r\n`)
	sh.send("sleep 100\n")
	time.Sleep(500 * time.Millisecond)
	sh.send("\x03")
	sh.expect(`[#$] `)
	sh.send("echo status=$?\n")
	sh.expect(`status=130`)
	sh.send("exit 4\n")
	if status := sh.wait(); status != 4 {
		t.Errorf("the shell ended with %d, want 4", status)
	}
	sh.a.Close()

	// Once the guest has settled (the first attach races its boot jobs).
	began = time.Now()
	again := attach(t, m, qemu.AttachOptions{})
	again.expect(`[#$] `)
	t.Logf("systemd guest: from Attach to a prompt, again: %s", time.Since(began).Round(time.Millisecond))
}

// A machine that dies under an attached shell ends the session at once
// with the reason.
func TestAttachMachineDies(t *testing.T) {
	m, err := qemu.New(qemutest.Config(t, "dies"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	if err := m.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	sh := attach(t, m, qemu.AttachOptions{})
	sh.expect(`:/\S*[#$] `)
	began := time.Now()
	if err := m.Crash(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-sh.eof:
	case <-time.After(5 * time.Second):
		t.Fatal("the session did not end when its machine died")
	}
	if sh.err == nil || !strings.Contains(sh.err.Error(), "machine dies") {
		t.Errorf("the session ended with %v, want the machine's death", sh.err)
	}
	t.Logf("the session ended %s after the crash: %v", time.Since(began).Round(time.Millisecond), sh.err)
	if _, err := m.Attach(context.Background(), qemu.AttachOptions{}); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Errorf("attaching to the dead machine: %v", err)
	}
}

// BenchmarkAttachToPrompt measures an attach on each guest kind: from
// Attach to the shell's first prompt, then its exit and the unplugging.
func BenchmarkAttachToPrompt(b *testing.B) {
	for _, kind := range guestKinds {
		b.Run(kind, func(b *testing.B) {
			m := sharedGuest(b, kind)
			for b.Loop() {
				sh := attach(b, m, qemu.AttachOptions{Rows: 24, Cols: 80})
				sh.expect(`:/\S*[#$] `)
				sh.send("exit\n")
				if status := sh.wait(); status != 0 {
					b.Fatalf("the shell ended with %d", status)
				}
				sh.a.Close()
			}
		})
	}
}
