//go:build integration

package qemu_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
	"github.com/vmt-dev/vmt/internal/reaper"
	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// shared is one booted guest that the read-only tests share: a boot costs
// seconds under TCG.
var (
	sharedOnce sync.Once
	sharedM    *qemu.Machine
	sharedErr  error
)

func sharedMachine(t testing.TB) *qemu.Machine {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vmt")
		if err != nil {
			sharedErr = err
			return
		}
		cfg, err := qemutest.Spec(t, "shared").Config(dir, 1, nil, nil)
		if err != nil {
			sharedErr = err
			return
		}
		if sharedM, sharedErr = qemu.New(cfg); sharedErr == nil {
			sharedErr = sharedM.Connect(context.Background())
		}
	})
	if sharedErr != nil {
		t.Fatalf("booting the shared guest: %v", sharedErr)
	}
	if sharedM == nil {
		// The first caller's test failed while making the guest (its
		// test image could not be built, say): fail, do not panic.
		t.Fatal("booting the shared guest failed in an earlier test")
	}
	return sharedM
}

func TestMain(m *testing.M) {
	if pidFile := os.Getenv("VMT_TEST_PIDFILE"); pidFile != "" {
		os.Exit(holdMachine(pidFile))
	}
	code := m.Run()
	releaseSharedGuests()
	if sharedM != nil {
		sharedM.Release()
		os.RemoveAll(filepath.Dir(sharedM.StateDir()))
	}
	reaper.KillAll()
	os.Exit(code)
}

func run(t *testing.T, m *qemu.Machine, cmd string) (int, string) {
	t.Helper()
	status, out, err := m.Execute(context.Background(), cmd, time.Minute, nil)
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return status, string(out)
}

func TestExecuteExactOutputAndStatus(t *testing.T) {
	m := sharedMachine(t)
	cases := []struct {
		cmd    string
		status int
		out    string
	}{
		{"echo hello", 0, "hello\n"},
		{"printf abc", 0, "abc"},
		{"printf ''", 0, ""},
		{"printf 'a\\000b\\377\\n\\n'", 0, "a\x00b\xff\n\n"},
		{"exit 3", 3, ""},
		{"echo out; false", 1, "out\n"},
		{"if", 2, ""},  // a syntax error stays inside the command
		{"cat", 0, ""}, // stdin is /dev/null
		{"echo 'it''s' \"$((6*7))\"", 0, "its 42\n"},
		{"printf '%s' \"$(printf 'x\\003y')\" | od -An -c | tr -d ' \\n'", 0, "x003y"},
		{"cd /; exit 5", 5, ""},
		{"pwd", 0, "/tmp\n"}, // the cd above did not stick
		{"echo err >&2; echo ok", 0, "ok\n"},
		{"# just a comment", 0, ""},
		{"cat <<EOF\nline one\nline two\nEOF", 0, "line one\nline two\n"},
	}
	for _, c := range cases {
		status, out := run(t, m, c.cmd)
		if status != c.status || out != c.out {
			t.Errorf("%q: got (%d, %q), want (%d, %q)", c.cmd, status, out, c.status, c.out)
		}
	}
}

func TestExecuteLargeOutput(t *testing.T) {
	m := sharedMachine(t)
	var want bytes.Buffer
	for i := 1; i <= 100000; i++ {
		fmt.Fprintln(&want, i)
	}
	_, out := run(t, m, "seq 1 100000")
	if out != want.String() {
		t.Fatalf("seq output: got %d bytes, want %d", len(out), want.Len())
	}
}

func TestExecuteNULRejected(t *testing.T) {
	m := sharedMachine(t)
	_, _, err := m.Execute(context.Background(), "echo \x00", time.Minute, nil)
	if err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Fatalf("got %v, want an error about the NUL byte", err)
	}
}

func TestExecuteTimeoutInterruptsCommand(t *testing.T) {
	m := sharedMachine(t)
	began := time.Now()
	_, out, err := m.Execute(context.Background(), "echo started; sleep 600", 2*time.Second, nil)
	if !errors.Is(err, qemu.ErrTimeout) {
		t.Fatalf("got %v, want a timeout", err)
	}
	if d := time.Since(began); d > 6*time.Second {
		t.Errorf("timeout of 2 s took %s", d)
	}
	if string(out) != "started\n" {
		t.Errorf("output before the timeout: %q", out)
	}
	if status, out := run(t, m, "echo still here"); status != 0 || out != "still here\n" {
		t.Errorf("after a timeout: (%d, %q)", status, out)
	}
}

func TestExecuteContextCancel(t *testing.T) {
	m := sharedMachine(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(time.Second, cancel)
	_, _, err := m.Execute(ctx, "sleep 600", 0, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want cancellation", err)
	}
	if status, _ := run(t, m, "true"); status != 0 {
		t.Errorf("shell unusable after a cancelled command")
	}
}

func TestExecuteBackgroundProcessKeepingStdout(t *testing.T) {
	m := sharedMachine(t)
	began := time.Now()
	status, out := run(t, m, "(sleep 3; echo late) & echo now")
	if status != 0 || out != "now\n" {
		t.Fatalf("got (%d, %q)", status, out)
	}
	if d := time.Since(began); d > 2500*time.Millisecond {
		t.Errorf("command waited %s for its background child", d)
	}
	time.Sleep(time.Until(began.Add(3500 * time.Millisecond)))
	// "late" arrived between commands and is not part of the next output.
	if _, out := run(t, m, "echo next"); out != "next\n" {
		t.Errorf("next command's output: %q", out)
	}
}

// chunkWriter records when each write arrived.
type chunkWriter struct {
	mu     sync.Mutex
	chunks []string
	at     []time.Time
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.chunks = append(w.chunks, string(p))
	w.at = append(w.at, time.Now())
	return len(p), nil
}

func TestExecuteLiveOutput(t *testing.T) {
	m := sharedMachine(t)
	var w chunkWriter
	_, out, err := m.Execute(context.Background(), "echo first; sleep 2; echo second", time.Minute, &w)
	done := time.Now()
	if err != nil || string(out) != "first\nsecond\n" {
		t.Fatalf("got %q, %v", out, err)
	}
	// A trailing newline may be held back until it cannot start the end marker.
	if len(w.chunks) < 2 || !strings.HasPrefix(w.chunks[0], "first") {
		t.Fatalf("live chunks %q", w.chunks)
	}
	if lead := done.Sub(w.at[0]); lead < time.Second {
		t.Errorf("first line arrived only %s before the command ended", lead)
	}
	if strings.Join(w.chunks, "") != string(out) {
		t.Errorf("live output %q differs from result %q", strings.Join(w.chunks, ""), out)
	}
}

func TestConsole(t *testing.T) {
	m := sharedMachine(t)
	run(t, m, "printf '\\033[1;31mred \\033[0mtext\\r\\n' > /dev/ttyS0")
	got, err := m.WaitForConsoleText(context.Background(), regexp.MustCompile(`red text`), 30*time.Second)
	if err != nil || got != "red text" {
		t.Fatalf("got %q, %v", got, err)
	}
	if !slices.Contains(strings.Split(m.ConsoleLog(), "\n"), "red text") {
		t.Errorf("console log lacks the cleaned line; its end:\n%s", strings.Join(m.ConsoleTail(5), "\n"))
	}
	_, err = m.WaitForConsoleText(context.Background(), regexp.MustCompile(`never printed`), time.Second)
	if !errors.Is(err, qemu.ErrTimeout) {
		t.Errorf("got %v, want a timeout", err)
	}
}

func TestMonitorsAndEvents(t *testing.T) {
	m := sharedMachine(t)
	ctx := context.Background()
	out, err := m.SendMonitorCommand(ctx, "info status")
	if err != nil || strings.TrimSpace(out) != "VM status: running" {
		t.Fatalf("info status: %q, %v", out, err)
	}
	raw, err := m.QMP(ctx, "query-status", nil)
	if err != nil || !bytes.Contains(raw, []byte(`"running": true`)) {
		t.Fatalf("query-status: %s, %v", raw, err)
	}
	if _, err := m.QMP(ctx, "no-such-command", nil); err == nil || !strings.Contains(err.Error(), "CommandNotFound") {
		t.Errorf("unknown QMP command: %v", err)
	}
	if _, err := m.QMP(ctx, "stop", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.QMP(ctx, "cont", nil); err != nil {
		t.Fatal(err)
	}
	ev, err := m.WaitForQMPEvent(ctx, func(e qmp.Event) bool { return e.Event == "RESUME" }, 10*time.Second)
	if err != nil || ev.Event != "RESUME" {
		t.Fatalf("RESUME event: %v, %v", ev, err)
	}
	// A reply far over go-qemu's 64 KiB line limit.
	raw, err = m.QMP(ctx, "query-qmp-schema", nil)
	if err != nil || len(raw) < 64*1024 {
		t.Fatalf("query-qmp-schema: %d bytes, %v", len(raw), err)
	}
}

func TestScreenshot(t *testing.T) {
	m := sharedMachine(t)
	path := filepath.Join(t.TempDir(), "screen.png")
	if err := m.Screenshot(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 320 || b.Dy() < 200 {
		t.Errorf("screenshot is %dx%d", b.Dx(), b.Dy())
	}
}

func TestSendCharsTypesOnTheKeyboard(t *testing.T) {
	m := sharedMachine(t)
	run(t, m, "rm -f /tmp/typed; (head -n1 /dev/tty1 > /tmp/typed) >/dev/null 2>&1 &")
	time.Sleep(500 * time.Millisecond)
	const text = "Hello, World! a-b_c=d+e:f \"q\" ~|\\<>?"
	if err := m.SendChars(context.Background(), text+"\n", 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	var out string
	for i := 0; i < 50; i++ {
		_, out = run(t, m, "cat /tmp/typed 2>/dev/null")
		if out != "" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if out != text+"\n" {
		t.Errorf("typed %q, the guest read %q", text, out)
	}
	if err := m.SendKey(context.Background(), "no such key"); err == nil {
		t.Errorf("a key name with spaces was accepted")
	}
}

func TestSendConsole(t *testing.T) {
	m := sharedMachine(t)
	run(t, m, "rm -f /tmp/serial-in; stty -F /dev/ttyS0 -echo; (head -n1 /dev/ttyS0 > /tmp/serial-in) >/dev/null 2>&1 &")
	time.Sleep(500 * time.Millisecond)
	if err := m.SendConsole("from the host\n"); err != nil {
		t.Fatal(err)
	}
	var out string
	for i := 0; i < 50 && out == ""; i++ {
		time.Sleep(200 * time.Millisecond)
		_, out = run(t, m, "cat /tmp/serial-in 2>/dev/null")
	}
	if strings.TrimRight(out, "\r\n") != "from the host" {
		t.Errorf("the guest read %q from its serial console", out)
	}
}
