//go:build integration

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// TestExecInteractive: "-" gives a shell in the guest on the caller's
// terminal, of its size, in the working directory; its exit status is
// vmt's.
func TestExecInteractive(t *testing.T) {
	kernel := qemutest.Image(t).Kernel
	vmt := buildVMT(t, t.TempDir())
	work := t.TempDir()
	cmd := exec.Command(vmt, "exec", "-k", kernel, "--", "-")
	cmd.Dir = work
	p := startPTY(t, cmd, 31, 97)
	waitText(t, "the terminal", p.out.String, &p.from, `[#$] $`, 5*time.Minute)
	p.send("stty size; echo $((6*7)) > answer; exit 3\r")
	waitText(t, "the terminal", p.out.String, &p.from, `31 97`, time.Minute)
	if code := p.wait(); code != 3 {
		t.Errorf("exit status %d, want 3; the terminal shows:\n%s", code, p.out.String())
	}
	if data, err := os.ReadFile(filepath.Join(work, "answer")); err != nil || string(data) != "42\n" {
		t.Errorf("answer on the host: %q, %v", data, err)
	}
}

func TestExecInteractiveNeedsATerminal(t *testing.T) {
	_, stderr, code := runVerb(t, "", "exec", "-k", "/dev/null", "--", "-")
	if code != exitUsage || stderr != errNoTerminal.Error() {
		t.Errorf("status %d, stderr %q", code, stderr)
	}
}
