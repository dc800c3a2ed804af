//go:build integration

// Package examples runs every example script under `vmt run`, booting real
// guests, as a user would from a clean clone.
package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildVMT builds the vmt binary into a temporary directory.
func buildVMT(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vmt")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/vmt").CombinedOutput()
	if err != nil {
		t.Fatalf("building vmt: %v\n%s", err, out)
	}
	return bin
}

func TestExamples(t *testing.T) {
	vmt := buildVMT(t)
	scripts, _ := filepath.Glob("*.star")
	if len(scripts) < 4 {
		t.Fatalf("found %d example scripts, want at least 4", len(scripts))
	}
	for _, script := range scripts {
		t.Run(strings.TrimSuffix(script, ".star"), func(t *testing.T) {
			runExample(t, vmt, ".", script)
		})
	}
	// As README suggests: host paths are read from the script's
	// directory, not from the working directory.
	t.Run("files-from-the-repository-root", func(t *testing.T) {
		runExample(t, vmt, "..", "examples/files.star")
	})
}

// runExample runs `vmt run` on script from directory dir.
func runExample(t *testing.T, vmt, dir, script string) {
	out := t.TempDir()
	args := []string{"run", "-o", out}
	if filepath.Base(script) == "systemd.star" {
		// The Debian systemd guest, built and given its start script by
		// the command README shows.
		guest := t.TempDir()
		mkguest := exec.Command("go", "run", "./qemu/systemdguest/mkguest", "-o", guest, "server")
		mkguest.Dir = ".."
		if out, err := mkguest.CombinedOutput(); err != nil {
			t.Fatalf("mkguest: %v\n%s", err, out)
		}
		args = append(args, "--start-scripts", filepath.Join(guest, "run-server-vm"))
	}
	cmd := exec.Command(vmt, append(args, script)...)
	cmd.Dir = dir
	// Machine state lives in TMPDIR; a directory of its own keeps
	// parallel test packages apart.
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "TMPDIR="+t.TempDir())
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("vmt run %s (in %s): %v\n%s", script, dir, err, log)
	}
	if filepath.Base(script) == "files.star" {
		data, err := os.ReadFile(filepath.Join(out, "shout.txt"))
		if err != nil || string(data) != "HELLO FROM THE HOST\n" {
			t.Errorf("copied out of the guest: %q, %v", data, err)
		}
	}
}
