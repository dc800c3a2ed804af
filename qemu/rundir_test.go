package qemu_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/vmt-dev/vmt/qemu"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestRunDirIsPrivateAndLeavesNothing(t *testing.T) {
	tmp := t.TempDir()
	a, err := qemu.NewRunDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(a.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() || fi.Mode().Perm() != 0o700 || int(fi.Sys().(*syscall.Stat_t).Uid) != os.Geteuid() {
		t.Errorf("run dir %s: mode %v, want a 0700 directory of uid %d", a.Path, fi.Mode(), os.Geteuid())
	}
	if !strings.HasPrefix(filepath.Base(a.Path), "vmt-run-") || filepath.Dir(a.Path) != tmp {
		t.Errorf("run dir %s is not $TMPDIR/vmt-run-*", a.Path)
	}
	// A second run leaves the first, which is alive, alone.
	b, err := qemu.NewRunDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(a.Path); err != nil {
		t.Fatalf("a second run removed the first's dir: %v", err)
	}
	a.Remove()
	b.Remove()
	if left := names(t, tmp); len(left) > 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}

func TestRunDirRemovesDeadRuns(t *testing.T) {
	tmp := t.TempDir()
	// A run dir whose vmt died: its lock file is there, unlocked.
	dead := filepath.Join(tmp, "vmt-run-123")
	os.MkdirAll(filepath.Join(dead, "vm-state-x"), 0o700)
	os.WriteFile(filepath.Join(dead, "lock"), []byte("1\n"), 0o600)
	// Not vmt's: no lock file, or another user's.
	foreign := filepath.Join(tmp, "vmt-run-foreign")
	os.Mkdir(foreign, 0o700)
	others := filepath.Join(tmp, "vmt-run-others")
	os.Mkdir(others, 0o700)
	os.WriteFile(filepath.Join(others, "lock"), nil, 0o600)
	if err := os.Chown(others, 12345, 12345); err != nil {
		t.Logf("cannot chown (not root?): %v", err)
		os.RemoveAll(others)
	}
	r, err := qemu.NewRunDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Remove()
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead run's dir is still there: %v", err)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("a dir without a lock was removed: %v", err)
	}
	if _, err := os.Lstat(others); err != nil && !os.IsNotExist(err) {
		t.Errorf("another user's run dir: %v", err)
	} else if err == nil {
		if _, err := os.Stat(filepath.Join(others, "lock")); err != nil {
			t.Errorf("another user's run dir was touched: %v", err)
		}
	}
}

func TestRunDirKeepState(t *testing.T) {
	tmp := t.TempDir()
	a, err := qemu.NewRunDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.KeepState("keeper"); err != nil {
		t.Fatal(err)
	}
	kept := filepath.Join(tmp, "vmt-kept-"+strconv.Itoa(os.Geteuid()), "vm-state-keeper")
	if target, err := os.Readlink(filepath.Join(a.Path, "vm-state-keeper")); err != nil || target != kept {
		t.Fatalf("the run's vm-state-keeper links to %q (%v), want %s", target, err, kept)
	}
	os.WriteFile(filepath.Join(a.Path, "vm-state-keeper", "disk"), []byte("x"), 0o600)

	// A concurrent run keeping the same machine's state is refused.
	b, err := qemu.NewRunDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Remove()
	err = b.KeepState("keeper")
	if err == nil || !strings.Contains(err.Error(), "in use by another vmt run (pid "+strconv.Itoa(os.Getpid())+")") || !strings.Contains(err.Error(), kept) {
		t.Fatalf("got %v, want an error naming %s and the run using it", err, kept)
	}
	if err := b.KeepState("other"); err != nil {
		t.Errorf("another machine's kept state: %v", err)
	}
	if err := b.KeepState("../x"); err == nil {
		t.Errorf("a machine name with '/' was accepted")
	}

	// The state outlives the run, and the next run gets it.
	a.Remove()
	if err := b.KeepState("keeper"); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(b.Path, "vm-state-keeper", "disk")); err != nil || string(data) != "x" {
		t.Errorf("kept state: %q, %v", data, err)
	}
}

func TestRunDirRefusesKeptStateOthersCanWrite(t *testing.T) {
	kept := func(tmp string) string { return filepath.Join(tmp, "vmt-kept-"+strconv.Itoa(os.Geteuid())) }
	cases := []struct {
		name  string
		setUp func(t *testing.T, dir string)
		want  string
	}{
		{"world-writable", func(t *testing.T, dir string) {
			os.Mkdir(dir, 0o700)
			os.Chmod(dir, 0o777)
		}, "can be written by others (mode 0777)"},
		{"group-writable", func(t *testing.T, dir string) {
			os.Mkdir(dir, 0o700)
			os.Chmod(dir, 0o770)
		}, "can be written by others (mode 0770)"},
		{"another owner", func(t *testing.T, dir string) {
			os.Mkdir(dir, 0o700)
			if err := os.Chown(dir, 12345, 12345); err != nil {
				t.Skipf("cannot chown (not root?): %v", err)
			}
		}, "belongs to uid 12345, not to you"},
		{"a link", func(t *testing.T, dir string) {
			os.Symlink(t.TempDir(), dir)
		}, "is not a directory vmt made (it is a symbolic link)"},
		{"a machine's state dir", func(t *testing.T, dir string) {
			os.Mkdir(dir, 0o700)
			os.Mkdir(filepath.Join(dir, "vm-state-keeper"), 0o700)
			os.Chmod(filepath.Join(dir, "vm-state-keeper"), 0o777)
		}, "vm-state-keeper can be written by others"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			c.setUp(t, kept(tmp))
			r, err := qemu.NewRunDir(tmp)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Remove()
			err = r.KeepState("keeper")
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), kept(tmp)) || !strings.Contains(err.Error(), "remove it") {
				t.Errorf("got %v, want an error naming %s with %q and what to do", err, kept(tmp), c.want)
			}
		})
	}
}

func TestRunDirRefusesTmpDirOthersCanReplace(t *testing.T) {
	tmp := t.TempDir()
	os.Chmod(tmp, 0o777)
	_, err := qemu.NewRunDir(tmp)
	if err == nil || !strings.Contains(err.Error(), "no sticky bit") || !strings.Contains(err.Error(), tmp) {
		t.Errorf("got %v, want a refusal naming %s", err, tmp)
	}
	os.Chmod(tmp, 0o777|os.ModeSticky)
	r, err := qemu.NewRunDir(tmp)
	if err != nil {
		t.Fatalf("a sticky world-writable TMPDIR (like /tmp): %v", err)
	}
	r.Remove()
}
