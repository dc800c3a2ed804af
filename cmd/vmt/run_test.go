//go:build integration

package main

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/internal/syncbuf"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// vmtRun runs `vmt run` with the test guest's start scripts and returns
// its exit status and its combined output.
func vmtRun(t *testing.T, vmt string, env []string, args ...string) (int, string) {
	t.Helper()
	img := qemutest.Image(t)
	testdata, _ := filepath.Abs("testdata")
	cmd := exec.Command(vmt, append([]string{"run"}, args...)...)
	cmd.Env = append(os.Environ(),
		"VMT_TEST_KERNEL="+img.Kernel,
		"VMT_TEST_INITRD="+img.Initramfs,
		"TMPDIR="+qemutest.TempDir(t),
		"NO_COLOR=1",
		"startScripts="+filepath.Join(testdata, "run-alpha-vm")+" "+filepath.Join(testdata, "run-beta-vm"),
	)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatalf("running vmt: %v", err)
	}
	return 0, string(out)
}

func TestRunTwoMachinesFromStartScripts(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	dir := t.TempDir()
	junit := filepath.Join(dir, "junit.xml")
	logfile := filepath.Join(dir, "log.xml")
	code, out := vmtRun(t, vmt, []string{"LOGFILE=" + logfile}, "-o", dir, "--junit-xml", junit, "testdata/two-machines.star")
	if code != 0 {
		t.Fatalf("vmt run exited %d:\n%s", code, out)
	}
	for _, want := range []string{"subtest: both machines answer", "beta: must succeed: cat /tmp/shared/note", "test passed in"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
	var report struct {
		Cases []struct {
			Name string `xml:"name,attr"`
		} `xml:"testsuite>testcase"`
	}
	data, _ := os.ReadFile(junit)
	if err := xml.Unmarshal(data, &report); err != nil || len(report.Cases) != 3 {
		t.Errorf("JUnit report (%v): %s", err, data)
	}
	log, _ := os.ReadFile(logfile)
	if err := xml.Unmarshal(log, new(struct{})); err != nil || !strings.Contains(string(log), `<head machine="alpha">must succeed: hostname</head>`) {
		t.Errorf("XML log (%v): %s", err, log)
	}

	// The same script with a deliberate failure.
	src, _ := os.ReadFile("testdata/two-machines.star")
	failing := filepath.Join(dir, "failing.star")
	os.WriteFile(failing, append(src, []byte("beta.succeed(\"cat /tmp/shared/missing\")\n")...), 0o644)
	code, out = vmtRun(t, vmt, nil, "-o", dir, failing)
	if code != 1 {
		t.Fatalf("vmt run exited %d on a failing script, want 1:\n%s", code, out)
	}
	for _, want := range []string{
		"Traceback (most recent call last):",
		failing + ":12:13: in <toplevel>",
		`beta.succeed("cat /tmp/shared/missing")`,
		"Command: cat /tmp/shared/missing",
		"Exit status: 1",
		`Failed in subtest "the machines share a directory"`,
		"vmt: test failed: beta: command `cat /tmp/shared/missing` failed with exit status 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the failure output lacks %q:\n%s", want, out)
		}
	}
}

// Usage errors exit 2 before any machine boots.
func TestRunUsageErrors(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.star")
	os.WriteFile(broken, []byte("alpha.succeed(\n"), 0o644)
	undefined := filepath.Join(dir, "undefined.star")
	os.WriteFile(undefined, []byte("gamma.succeed('true')\n"), 0o644)
	notExecutable := filepath.Join(dir, "run-alpha-vm")
	os.WriteFile(notExecutable, []byte("#!/bin/sh\n"), 0o644)
	beta, _ := filepath.Abs("testdata/run-beta-vm")
	vlanScript := filepath.Join(dir, "vlans.star")
	os.WriteFile(vlanScript, []byte("vlan2.nr\nvlan3.nr\nvlan4.nr\n"), 0o644)
	declaredVLAN := filepath.Join(dir, "declared-vlans.star")
	os.WriteFile(declaredVLAN, []byte("create_machine(\"gamma\", vlans=[2, 3])\nvlan2.nr\nvlan3.nr\nvlan4.nr\n"), 0o644)
	cases := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"no script", nil, nil, "run needs a SCRIPT.star argument or the testScript environment variable"},
		{"missing script", nil, []string{"missing.star"}, "reading the test script"},
		{"syntax error", nil, []string{broken}, broken + ":1:14: syntax-error: got end of file, want ')'"},
		{"undefined machine", nil, []string{undefined}, undefined + `:1:1: undefined-name: undefined name "gamma"`},
		{"output dir", nil, []string{"-o", filepath.Join(dir, "missing"), "testdata/two-machines.star"}, "output directory"},
		{"missing start script", []string{"startScripts=" + filepath.Join(dir, "missing", "run-alpha-vm") + " " + beta}, []string{"-o", dir, "testdata/two-machines.star"}, "no such file or directory"},
		{"start script not executable", []string{"startScripts=" + notExecutable + " " + beta}, []string{"-o", dir, "testdata/two-machines.star"}, "is not executable"},
		{"bad VLAN", nil, []string{"-o", dir, "--vlans", "x", "testdata/two-machines.star"}, `VLAN "x" is not a VLAN number`},
		{"bad global timeout", []string{"globalTimeout=soon"}, []string{"testdata/two-machines.star"}, `globalTimeout="soon" is not a number of seconds`},
		{"negative global timeout", []string{"globalTimeout=-5"}, []string{"testdata/two-machines.star"}, `globalTimeout="-5" is not a number of seconds ≥ 0`},
		{"bad VLAN in a list", nil, []string{"-o", dir, "--vlans", "1 x", "testdata/two-machines.star"}, `VLAN "x" is not a VLAN number`},
		// The VLANs of --vlans "2 3" and of env vlans are globals: only
		// the name no VLAN gives is undefined.
		{"VLANs from the flag", nil, []string{"-o", dir, "--vlans", "2 3", vlanScript}, vlanScript + `:3:1: undefined-name: undefined name "vlan4"`},
		{"VLANs from env", []string{"vlans=2 3"}, []string{"-o", dir, vlanScript}, vlanScript + `:3:1: undefined-name: undefined name "vlan4"`},
		{"VLANs from create_machine", nil, []string{"-o", dir, declaredVLAN}, declaredVLAN + `:4:1: undefined-name: undefined name "vlan4"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out := vmtRun(t, vmt, c.env, c.args...)
			if code != 2 || !strings.Contains(out, c.want) {
				t.Errorf("exit %d, want 2 with %q:\n%s", code, c.want, out)
			}
			if n := strings.Count(out, "undefined name"); n > 1 {
				t.Errorf("%d names are undefined, want at most one:\n%s", n, out)
			}
			if strings.Contains(out, "starting vm") {
				t.Errorf("a machine was started:\n%s", out)
			}
		})
	}
}

// SIGINT stops a test within a second, says what was running, exits 1
// and leaves no QEMU behind.
func TestRunInterrupted(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	dir := t.TempDir()
	script := filepath.Join(dir, "sleep.star")
	os.WriteFile(script, []byte("alpha.succeed('true')\nalpha.succeed('sleep 600')\n"), 0o644)
	img := qemutest.Image(t)
	tmp := qemutest.TempDir(t)
	testdata, _ := filepath.Abs("testdata")
	cmd := exec.Command(vmt, "run", "-o", dir, script)
	cmd.Env = append(os.Environ(), "VMT_TEST_KERNEL="+img.Kernel, "VMT_TEST_INITRD="+img.Initramfs,
		"TMPDIR="+tmp, "NO_COLOR=1", "startScripts="+filepath.Join(testdata, "run-alpha-vm"))
	var out syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(out.String(), "must succeed: sleep 600") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the test never reached the long command:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	sent := time.Now()
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if took := time.Since(sent); took > 1500*time.Millisecond {
		t.Errorf("vmt took %s to stop after SIGINT", took)
	}
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Errorf("exit %v, want status 1", err)
	}
	want := "stopped: interrupt received while running: alpha: must succeed: sleep 600"
	if !strings.Contains(out.String(), want) {
		t.Errorf("the output lacks %q:\n%s", want, out.String())
	}
	if pids := qemutest.Processes(tmp); len(pids) > 0 {
		t.Errorf("processes left running in %s: %v", tmp, pids)
	}
}
