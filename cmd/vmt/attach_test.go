//go:build integration

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// prompt matches the attached shell's prompt (host:dir# ).
const prompt = `:/\S*[#$] `

// TestAttachRunningTest attaches to both guest kinds of a running test
// through a real pseudo-terminal (job control, ^C, the window size, two
// shells at once) while the script keeps running commands; -c returns
// the command's status; bad input gets clear errors.
func TestAttachRunningTest(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	dir := t.TempDir()
	img := qemutest.Image(t)
	nixos := qemutest.NixOSStartScript(t, dir, "nixos", 1)
	idle := qemutest.NixOSStartScript(t, dir, "idle", 2)
	script := filepath.Join(dir, "busy.star")
	os.WriteFile(script, []byte(fmt.Sprintf(`own = create_machine("own", kernel=%q, initrd=%q, memory_size=256)
own.start()
nixos.start()
own.succeed("true")
nixos.succeed("true")
n = 0
# Commands on both backdoors until the test says stop.
while own.execute("test -e /tmp/stop")[0] != 0:
    assert_eq(nixos.succeed("echo %%d" %% n), "%%d\n" %% n)
    n += 1
print("commands run while attached: %%d" %% n)
`, img.Kernel, img.Initramfs)), 0o644)
	run := startRun(t, vmt, []string{"startScripts=" + nixos + " " + idle}, "-o", dir, script)
	run.expect(`own: connected to guest root shell`, 3*time.Minute)
	run.expect(`nixos: connected to guest root shell`, 3*time.Minute)

	began := time.Now()
	code, list, stderr := run.vmtAttach(vmt, "")
	t.Logf("vmt attach (the list) took %s", time.Since(began).Round(time.Millisecond))
	for _, want := range []string{"busy.star", "running", "own", "nixos", "idle", "up", "down"} {
		if code != 0 || !strings.Contains(list, want) {
			t.Errorf("vmt attach (exit %d) lists no %q:\n%s%s", code, want, list, stderr)
		}
	}

	for _, machine := range []string{"own", "nixos"} {
		t.Run(machine, func(t *testing.T) {
			began := time.Now()
			sh := startPTY(t, run.attachCmd(vmt, machine), 30, 100)
			sh.expect(`vmt: attached to`)
			noted := time.Since(began)
			sh.expect(prompt)
			t.Logf("%s: from vmt attach to a prompt: %s (attached after %s)", machine, time.Since(began).Round(time.Millisecond), noted.Round(time.Millisecond))

			sh.send("tty; stty size\r")
			sh.expect(`/dev/hvc\d+\r\n30 100\r\n`)
			sh.send("sleep 100 &\r")
			sh.expect(prompt)
			sh.send("jobs\r")
			sh.expect(`\[1\]\+? +Running +sleep 100`)
			sh.send("kill %1\r")
			sh.expect(prompt)
			sh.send("sleep 100\r")
			time.Sleep(500 * time.Millisecond)
			sh.send("\x03")
			sh.expect(prompt)
			sh.send("echo status=$?\r")
			sh.expect(`status=130`)

			sh.resize(40, 120)
			time.Sleep(300 * time.Millisecond) // SIGWINCH reaches vmt attach, which tells the guest
			sh.send("stty size\r")
			sh.expect(`40 120\r\n`)

			other := startPTY(t, run.attachCmd(vmt, machine), 24, 80)
			other.expect(prompt)
			other.send("echo second-$((6*7)); exit 3\r")
			other.expect(`second-42`)
			if code := other.wait(); code != 3 {
				t.Errorf("the second shell's vmt attach exited %d, want the shell's 3", code)
			}
			sh.send("echo first-$((6*7))\r")
			sh.expect(`first-42`)
			sh.send("exit\r")
			if code := sh.wait(); code != 0 {
				t.Errorf("vmt attach exited %d after exit, want 0", code)
			}

			detached := startPTY(t, run.attachCmd(vmt, machine), 24, 80)
			detached.expect(prompt)
			detached.send("\r~.")
			if code := detached.wait(); code != exitAttachError {
				t.Errorf("vmt attach exited %d after ~., want %d", code, exitAttachError)
			}

			for _, c := range []struct {
				cmd    string
				status int
				out    string
			}{{"echo out; echo err >&2", 0, "out\nerr\n"}, {"false", 1, ""}, {"exit 7", 7, ""}} {
				began := time.Now()
				code, out, stderr := run.vmtAttach(vmt, "", machine, "-c", c.cmd)
				t.Logf("vmt attach %s -c %q took %s", machine, c.cmd, time.Since(began).Round(time.Millisecond))
				if code != c.status || out != c.out {
					t.Errorf("vmt attach %s -c %q: exit %d, output %q (%s); want %d, %q", machine, c.cmd, code, out, stderr, c.status, c.out)
				}
			}
		})
	}

	for _, line := range strings.Split(run.out.String(), "\n") {
		if strings.Contains(line, "attached a terminal") {
			t.Log(line)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"onw", "-c", "true"}, `the test has no machine "onw" (did you mean "own"?); its machines: nixos, idle, own`},
		{[]string{"idle", "-c", "true"}, "machine idle is down"},
		{[]string{"own"}, "stdin is not a terminal, and a shell needs one: run a command with vmt attach own -c CMD"},
		{[]string{"--repl"}, "the REPL is open while vmt run --debug waits after a failure"},
		{[]string{"--release"}, "the test is not waiting to be released"},
		{[]string{"--test", "1", "own", "-c", "true"}, "no running test of yours has the ID 1"},
	} {
		code, _, stderr := run.vmtAttach(vmt, "", c.args...)
		if code != exitAttachError || !strings.Contains(stderr, c.want) {
			t.Errorf("vmt attach %s: exit %d, %q; want %d with %q", strings.Join(c.args, " "), code, stderr, exitAttachError, c.want)
		}
	}

	typo := startPTY(t, run.attachCmd(vmt, "onw"), 24, 80)
	typo.expect(`the test has no machine "onw" \(did you mean "own"\?\)`)
	if code := typo.wait(); code != exitAttachError {
		t.Errorf("vmt attach onw on a terminal exited %d, want %d", code, exitAttachError)
	}

	// Another user: the socket's directory is closed to them, and the
	// server refuses them even when it is not.
	public := publicCopy(t, vmt)
	nobody := asNobody(run.attachCmd(public, "--socket", run.socket, "own", "-c", "true"))
	out, err := nobody.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "permission denied: the test belongs to another user") {
		t.Errorf("vmt attach as nobody: %v, %s", err, out)
	}
	os.Chmod(filepath.Dir(filepath.Dir(run.socket)), 0o755) // XDG_RUNTIME_DIR
	os.Chmod(filepath.Dir(run.socket), 0o755)
	os.Chmod(run.socket, 0o666)
	nobody = asNobody(run.attachCmd(public, "--socket", run.socket, "own", "-c", "true"))
	out, err = nobody.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "refused: the test belongs to another user") {
		t.Errorf("vmt attach as nobody through an open socket: %v, %s", err, out)
	}

	if code, out, stderr := run.vmtAttach(vmt, "", "own", "-c", "touch /tmp/stop"); code != 0 {
		t.Fatalf("stopping the script: exit %d: %s%s", code, out, stderr)
	}
	if code := run.wait(time.Minute); code != 0 {
		t.Fatalf("vmt run exited %d:\n%s", code, run.out.String())
	}
	run.expect(`commands run while attached: [1-9]\d*`, time.Second)
	code, _, stderr = run.vmtAttach(vmt, "", "--socket", run.socket, "own", "-c", "true")
	if code != exitAttachError || !strings.Contains(stderr, "the test has ended") {
		t.Errorf("vmt attach to an ended test: exit %d, %q", code, stderr)
	}
}

// TestAttachDebugAssertion: vmt run --debug keeps the machines of a test
// whose assertion failed, serves its REPL and ends with the failure's
// status when released.
func TestAttachDebugAssertion(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	dir := t.TempDir()
	img := qemutest.Image(t)
	script := filepath.Join(dir, "fails.star")
	os.WriteFile(script, []byte(fmt.Sprintf(`own = create_machine("own", kernel=%q, initrd=%q, memory_size=256)
own.succeed("touch /tmp/mark")
answer = 41
assert_eq(answer, 42)
`, img.Kernel, img.Initramfs)), 0o644)
	run := startRun(t, vmt, []string{"VMT_DEBUG=1"}, "-o", dir, "--debug-timeout", "600", script)
	run.expect(`--debug: the test failed`, 3*time.Minute)
	attach := run.expect(`a shell in a machine: +(vmt attach --socket \S+ own)\n`, time.Second)[1]
	if want := "vmt attach --socket " + run.socket + " own"; attach != want {
		t.Errorf("the log says %q, want %q", attach, want)
	}

	if code, out, stderr := run.vmtAttach(vmt, "", "own", "-c", "test -e /tmp/mark && echo kept"); code != 0 || out != "kept\n" {
		t.Errorf("the machine was not kept as it was: exit %d, %q %s", code, out, stderr)
	}
	code, out, stderr := run.vmtAttach(vmt, "answer + 1\nown.succeed(\"echo repl-$((40+2))\")\nnope\n", "--repl")
	for _, want := range []string{">>> 42\n", "repl-42", "undefined: nope"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("vmt attach --repl (exit %d) printed no %q:\n%s%s", code, want, out, stderr)
		}
	}
	if code, _, stderr := run.vmtAttach(vmt, "", "--release"); code != 0 {
		t.Errorf("vmt attach --release: exit %d: %s", code, stderr)
	}
	if code := run.wait(30 * time.Second); code != 1 {
		t.Errorf("vmt run --debug exited %d after the release, want the failure's 1:\n%s", code, run.out.String())
	}
	run.expect(`released by vmt attach --release`, time.Second)
}

// TestAttachDebugNeverBoots: a machine that never reaches its backdoor
// shell fails the test at the boot timeout; --debug keeps it, and vmt
// attach reaches its serial console. Ctrl-C ends the wait.
func TestAttachDebugNeverBoots(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	dir := t.TempDir()
	stuck := filepath.Join(dir, "run-stuck-vm")
	os.WriteFile(stuck, []byte(`#!/bin/sh
exec qemu-system-x86_64 -m 256 -kernel "$VMT_TEST_KERNEL" -initrd "$VMT_TEST_INITRD" \
	-append "console=ttyS0 panic=-1 rdinit=/bin/sh" $QEMU_OPTS "$@"
`), 0o755)
	script := filepath.Join(dir, "stuck.star")
	os.WriteFile(script, []byte("stuck.succeed(\"true\")\n"), 0o644)
	run := startRun(t, vmt, []string{"startScripts=" + stuck}, "-o", dir, "--boot-timeout", "5", "--debug", script)
	run.expect(`did not come up within 5s`, time.Minute)
	run.expect(`--debug: the test failed`, time.Second)
	run.expect(`stuck: booting \(no backdoor shell yet: serial console only\)`, time.Second)

	console := startPTY(t, run.attachCmd(vmt, "stuck"), 24, 80)
	console.expect(`this is its serial console`)
	// What is typed before the guest's shell reads the console is lost.
	console.expect(`/ # `)
	console.send("echo console-$((6*7))\n")
	console.expect(`console-42`)
	console.send("\r~.")
	console.wait()
	if code, _, stderr := run.vmtAttach(vmt, "", "stuck", "-c", "true"); code != exitAttachError || !strings.Contains(stderr, "has no backdoor shell yet") {
		t.Errorf("vmt attach -c on a machine without a backdoor: exit %d, %q", code, stderr)
	}

	run.cmd.Process.Signal(os.Interrupt)
	if code := run.wait(30 * time.Second); code != 1 {
		t.Errorf("vmt run --debug exited %d after Ctrl-C, want the failure's 1:\n%s", code, run.out.String())
	}
}
