package runtime

import (
	"net"
	"os"
	"path/filepath"
	"testing"
)

// The socket of a run that was killed is removed when the runs are listed.
func TestRunningTestsRemovesStaleSockets(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", xdg)
	t.Setenv("TMPDIR", t.TempDir()) // runs of vmt elsewhere on the machine are not this test's
	os.Mkdir(filepath.Join(xdg, "vmt"), 0o700)
	stale := filepath.Join(xdg, "vmt", "1.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	if runs := RunningTests(); len(runs) != 0 {
		t.Errorf("RunningTests() = %+v, want none", runs)
	}
	if _, err := os.Lstat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale socket is still there (%v)", err)
	}
}
