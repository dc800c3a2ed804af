//go:build integration

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/qemu/imageguest"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// TestExecKernel: vmt exec -k boots the kernel with the host's root; a
// host program runs in the current directory, its file reaches the host,
// its output and exit status are vmt's; a missing command exits 127.
func TestExecKernel(t *testing.T) {
	kernel := qemutest.Image(t).Kernel
	work := t.TempDir()
	t.Chdir(work)
	stdout, stderr, code := runVerb(t, "", "exec", "-k", kernel, "--", "/usr/bin/env", "sh", "-c", "'echo hi > written; echo out; exit 7'")
	if code != 7 || stdout != "out\n" {
		t.Errorf("status %d, stdout %q (stderr %q); want 7, \"out\\n\"", code, stdout, stderr)
	}
	if data, err := os.ReadFile(filepath.Join(work, "written")); err != nil || string(data) != "hi\n" {
		t.Errorf("written on the host: %q, %v", data, err)
	}
	stdout, stderr, code = runVerb(t, "", "exec", "-k", kernel, "--", "no-such-program-vmt")
	if code != 127 || !strings.Contains(stdout, "not found") || !strings.Contains(stderr, "the command was not found in the guest") {
		t.Errorf("missing program: status %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestExecConfig runs a vmtest.toml of three targets two at a time, then
// filtered; the summary table lists each.
func TestExecConfig(t *testing.T) {
	kernel := qemutest.Image(t).Kernel
	dir := t.TempDir()
	var toml strings.Builder
	for _, c := range []struct{ name, command string }{{"zero", "true"}, {"one", "false"}, {"seven", "touch seven-was-here; exit 7"}} {
		toml.WriteString("[[target]]\nname = \"" + c.name + "\"\nkernel = \"" + kernel + "\"\ncommand = \"" + c.command + "\"\n\n")
	}
	config := filepath.Join(dir, "vmtest.toml")
	if err := os.WriteFile(config, []byte(toml.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runVerb(t, "", "exec", "-c", config, "-j", "2")
	if code != exitFailed {
		t.Errorf("status %d, want 1 (some target failed)", code)
	}
	for _, row := range []string{`zero +ok `, `one +exit 1 `, `seven +exit 7 `} {
		if !regexp.MustCompile(`(?m)^` + row).MatchString(stderr) {
			t.Errorf("summary has no row %q:\n%s", row, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "seven-was-here")); err != nil {
		t.Errorf("the config's directory is not the working directory: %v", err)
	}
	_, stderr, code = runVerb(t, "", "exec", "-c", config, "-f", "^ze")
	if code != 0 || !strings.Contains(stderr, "zero") || strings.Contains(stderr, "seven") {
		t.Errorf("-f ^ze: status %d, stderr:\n%s", code, stderr)
	}
}

// TestExecBadInput: input errors are found before anything boots, named,
// and exit 2. (A kernel without 9p: TestRunKernelWithout9p in vmtest.)
func TestExecBadInput(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	config := filepath.Join(dir, "vmtest.toml")
	os.WriteFile(config, []byte("[[target]]\nname = \"a\"\nkernel = \"/boot/none\"\ncommand = \"true\"\nmemroy = \"1G\"\n"), 0o644)
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, []byte("[[target]]\nname = \"a\"\nkernel = \"/dev/null\"\ncommand = \"true\"\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-k", "/nonexistent/bzImage", "--", "true"}, "target bzImage: kernel /nonexistent/bzImage: no such file"},
		{[]string{"-c", config}, "vmtest.toml: line 5: unknown field target.memroy"},
		{[]string{"-c", filepath.Join(dir, "missing.toml")}, "reading the configuration"},
		{[]string{"-c", good, "-f", "nothing"}, `the filter matches no target: -f "nothing", targets: a`},
		{[]string{"-c", good, "-f", "("}, "-f \"(\""},
		{[]string{"-k", "/dev/null"}, "no command"},
		{[]string{"-k", "/dev/null", "--timeout", "soon", "true"}, `--timeout "soon"`},
		{[]string{"-k", "/dev/null", "-a", "mips", "true"}, `architecture "mips" is not supported`},
		{[]string{"-c", good, "--kargs", "x"}, "--kargs goes with -k or -i"},
		{[]string{"-k", "/dev/null", "-r", dir + "/none", "true"}, "root file system " + dir + "/none is not a directory"},
		{[]string{"-k", "/dev/null", "-q", "/nonexistent/qemu", "true"}, "QEMU binary /nonexistent/qemu not found: install it (Debian: apt-get install qemu-system-x86) or name one with -q/qemu_command"},
	} {
		_, stderr, code := runVerb(t, "", append([]string{"exec"}, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("vmt exec %s: status %d, stderr %q; want 2 and %q", strings.Join(c.args, " "), code, stderr, c.want)
		}
	}
}

// TestExecNoBoot: a target whose machine does not come up exits 125 and
// says why.
func TestExecNoBoot(t *testing.T) {
	t.Chdir(t.TempDir())
	os.WriteFile("not-a-kernel", []byte("#!/bin/sh\n"), 0o644)
	_, stderr, code := runVerb(t, "", "exec", "-k", "not-a-kernel", "--", "true")
	if code != exitNoBoot || !strings.Contains(stderr, "vmt: not-a-kernel: machine not-a-kernel-1: QEMU exited at start") {
		t.Errorf("status %d, stderr %q; want 125 and QEMU's complaint", code, stderr)
	}
}

// TestExecImage: an image target of a vmtest.toml boots by UEFI and runs
// its command through the guest agent; `-i` boots the same disk by BIOS.
// Output and exit status come back as from a kernel target.
func TestExecImage(t *testing.T) {
	image, err := imageguest.Build(imageguest.Agent)
	if err != nil {
		t.Fatalf("building the test disk image: %v", err)
	}
	dir := t.TempDir()
	config := filepath.Join(dir, "vmtest.toml")
	toml := "[[target]]\nname = \"uefi\"\nimage = \"" + image + "\"\nuefi = true\ncommand = \"uname -s; exit 3\"\n"
	if err := os.WriteFile(config, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runVerb(t, "", "exec", "-c", config)
	if code != 3 || !strings.Contains(stdout, "Linux\n") || !regexp.MustCompile(`(?m)^uefi +exit 3 `).MatchString(stderr) {
		t.Errorf("UEFI target: status %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	t.Chdir(dir)
	stdout, stderr, code = runVerb(t, "", "exec", "-i", image, "--", "echo from the image")
	if code != 0 || !strings.Contains(stdout, "from the image\n") {
		t.Errorf("BIOS -i: status %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}
