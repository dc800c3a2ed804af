//go:build integration

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// TestRunKeepStateKeepsDisks writes to a declared machine's empty disk in
// one `vmt run -K` and reads it back in the next.
func TestRunKeepStateKeepsDisks(t *testing.T) {
	vmt := buildVMT(t, t.TempDir())
	img := qemutest.Image(t)
	dir := t.TempDir()
	tmp := qemutest.TempDir(t)
	write := filepath.Join(dir, "write.star")
	read := filepath.Join(dir, "read.star")
	for path, body := range map[string]string{
		write: `keeper.succeed("printf kept | dd of=/dev/vda bs=512 count=1 conv=sync,fsync")` + "\nkeeper.shutdown()\n",
		read:  `assert_eq(keeper.succeed("head -c 4 /dev/vda"), "kept")` + "\n",
	} {
		script := "create_machine(\"keeper\", memory_size = 256, empty_disks = [16], kernel = \"" + img.Kernel + "\", initrd = \"" + img.Initramfs + "\")\n" + body
		if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, script := range []string{write, read} {
		cmd := exec.Command(vmt, "run", "-K", script)
		cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NO_COLOR=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("vmt run -K %s: %v\n%s", filepath.Base(script), err, out)
		}
	}
	// Without -K the state is wiped and the disk is blank again.
	cmd := exec.Command(vmt, "run", read)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NO_COLOR=1")
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("without -K the disk kept its contents:\n%s", out)
	}
}
