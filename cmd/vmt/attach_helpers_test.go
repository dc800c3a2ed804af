//go:build integration

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/internal/syncbuf"
	"github.com/vmt-dev/vmt/qemu/qemutest"
	"golang.org/x/sys/unix"
)

// waitText waits until re matches text from *from on, moves *from past
// the match and returns the submatches.
func waitText(t *testing.T, what string, read func() string, from *int, re string, timeout time.Duration) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(timeout)
	for {
		text := read()[*from:]
		if loc := rx.FindStringSubmatchIndex(text); loc != nil {
			var subs []string
			for i := 0; i < len(loc); i += 2 {
				if loc[i] >= 0 {
					subs = append(subs, text[loc[i]:loc[i+1]])
				} else {
					subs = append(subs, "")
				}
			}
			*from += loc[1]
			return subs
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in %s after %s:\n%s", re, what, timeout, text)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// liveRun is a `vmt run` running in the background.
type liveRun struct {
	t      *testing.T
	cmd    *exec.Cmd
	out    syncbuf.Buffer
	from   int
	done   chan struct{}
	env    []string // the environment vmt attach needs to find it
	socket string
}

// startRun starts vmt run with args and waits until it names its control
// socket. XDG_RUNTIME_DIR is a directory of the test's own.
func startRun(t *testing.T, vmt string, env []string, args ...string) *liveRun {
	t.Helper()
	img := qemutest.Image(t)
	r := &liveRun{t: t, done: make(chan struct{})}
	r.env = append(os.Environ(),
		"TMPDIR="+qemutest.TempDir(t),
		"XDG_RUNTIME_DIR="+qemutest.TempDir(t),
		"VMT_TEST_KERNEL="+img.Kernel,
		"VMT_TEST_INITRD="+img.Initramfs,
		"NO_COLOR=1",
	)
	r.cmd = exec.Command(vmt, append([]string{"run"}, args...)...)
	r.cmd.Env = append(append([]string(nil), r.env...), env...)
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		r.cmd.Process.Signal(os.Interrupt)
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			r.cmd.Process.Kill()
			<-r.done
		}
	})
	r.socket = r.expect(`control socket: (\S+)`, 30*time.Second)[1]
	return r
}

// expect waits for re in the run's log.
func (r *liveRun) expect(re string, timeout time.Duration) []string {
	r.t.Helper()
	return waitText(r.t, "the log of vmt run", r.out.String, &r.from, re, timeout)
}

// wait waits for the run to end and returns its exit status.
func (r *liveRun) wait(timeout time.Duration) int {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(timeout):
		r.t.Fatalf("vmt run did not end within %s:\n%s", timeout, r.out.String())
	}
	return r.cmd.ProcessState.ExitCode()
}

// attachCmd returns a vmt attach command that finds the run.
func (r *liveRun) attachCmd(vmt string, args ...string) *exec.Cmd {
	cmd := exec.Command(vmt, append([]string{"attach"}, args...)...)
	cmd.Env = r.env
	return cmd
}

// vmtAttach runs vmt attach to its end with stdin and returns its exit
// status, stdout and stderr.
func (r *liveRun) vmtAttach(vmt, stdin string, args ...string) (int, string, string) {
	r.t.Helper()
	cmd := r.attachCmd(vmt, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		r.t.Fatalf("vmt attach: %v", err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// ptyTerm is a program running on a pseudo-terminal of the test.
type ptyTerm struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	out    syncbuf.Buffer
	from   int
	done   chan struct{}
}

// startPTY runs cmd as the session leader of a new pseudo-terminal of
// size rows×cols.
func startPTY(t *testing.T, cmd *exec.Cmd, rows, cols int) *ptyTerm {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	p := &ptyTerm{t: t, master: master, cmd: cmd, done: make(chan struct{})}
	p.resize(rows, cols)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
		master.Close()
	})
	return p
}

func (p *ptyTerm) resize(rows, cols int) {
	p.t.Helper()
	if err := unix.IoctlSetWinsize(int(p.master.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(rows), Col: uint16(cols)}); err != nil {
		p.t.Fatal(err)
	}
}

func (p *ptyTerm) expect(re string) []string {
	p.t.Helper()
	return waitText(p.t, "the terminal", p.out.String, &p.from, re, 30*time.Second)
}

func (p *ptyTerm) send(s string) {
	p.t.Helper()
	if _, err := p.master.WriteString(s); err != nil {
		p.t.Fatal(err)
	}
}

// wait waits for the program to end and returns its exit status.
func (p *ptyTerm) wait() int {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.t.Fatalf("vmt attach did not end; the terminal shows:\n%s", p.out.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// publicCopy copies the vmt binary where another user can run it.
func publicCopy(t *testing.T, vmt string) string {
	t.Helper()
	dir := qemutest.TempDir(t)
	os.Chmod(dir, 0o755)
	data, err := os.ReadFile(vmt)
	if err != nil {
		t.Fatal(err)
	}
	public := filepath.Join(dir, "vmt")
	if err := os.WriteFile(public, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return public
}

// asNobody makes cmd run as the user nobody.
func asNobody(cmd *exec.Cmd) *exec.Cmd {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return cmd
}
