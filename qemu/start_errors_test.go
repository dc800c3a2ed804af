package qemu_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

func TestStartErrors(t *testing.T) {
	dir := qemutest.TempDir(t)
	notExec := filepath.Join(dir, "run-plain-vm")
	os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644)
	cases := []struct {
		name string
		cfg  qemu.Config
		want string
	}{
		{"missing script", qemu.Config{StartScript: filepath.Join(dir, "run-gone-vm"), TmpDir: dir}, "run-gone-vm: stat"},
		{"not executable", qemu.Config{StartScript: notExec, TmpDir: dir}, "is not executable"},
		{"nothing to start", qemu.Config{Name: "x", TmpDir: dir}, "give either a start script or a QEMU command line"},
		{"long socket path", qemu.Config{Name: "x", Command: []string{"true"}, TmpDir: "/tmp/" + strings.Repeat("d", 100)}, "longer than a UNIX socket allows"},
	}
	for _, c := range cases {
		_, err := qemu.New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
