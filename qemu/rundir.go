package qemu

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// RunDir is the private directory of one run, so that runs sharing a
// TMPDIR, with the same machine names, never touch each other's files:
//
//	$TMPDIR/vmt-run-XXXXXX/   mode 0700, the machines' TmpDir
//	  lock                    held (flock) while the run lives
//	  shared-xchg/            SHARED_DIR, the guests' /tmp/shared
//	  vm-state-NAME/          a machine's state dir: sockets, disks, xchg/
//	  vdeN.ctl/               the switch of VLAN N
//
// A machine whose state is kept across runs (-K) has its state in
// $TMPDIR/vmt-kept-UID/vm-state-NAME instead, which the run's
// vm-state-NAME links to; the run holds a lock on it, so that a second run
// keeping the same machine's state gets an error rather than a clash.
//
// Making a run dir removes the run dirs of this user under the same TMPDIR
// whose lock is free: their vmt died without cleaning up.
type RunDir struct {
	// Path is the run dir; give it to machines as Config.TmpDir.
	Path string
	tmp  string

	mu   sync.Mutex
	lock *os.File
	kept map[string]*os.File // machine name → its locked kept state dir
}

const (
	runDirPrefix = "vmt-run-"
	runLockName  = "lock"
)

// NewRunDir makes a run dir under tmpDir ("" for the system's temporary
// directory).
func NewRunDir(tmpDir string) (*RunDir, error) {
	if tmpDir == "" {
		tmpDir = os.TempDir()
	}
	tmpDir, err := filepath.Abs(tmpDir)
	if err != nil {
		return nil, err
	}
	if err := checkTmpDir(tmpDir); err != nil {
		return nil, err
	}
	removeDeadRuns(tmpDir)
	path, err := os.MkdirTemp(tmpDir, runDirPrefix)
	if err != nil {
		return nil, fmt.Errorf("making the run directory: %w (set TMPDIR to a writable directory)", err)
	}
	// The lock is taken before it gets its name: a run cleaning up never
	// finds this run's lock free.
	fresh := filepath.Join(path, runLockName+".new")
	lock, err := os.OpenFile(fresh, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			fmt.Fprintln(lock, os.Getpid())
			err = os.Rename(fresh, filepath.Join(path, runLockName))
		}
	}
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		os.RemoveAll(path)
		return nil, fmt.Errorf("locking the run directory %s: %w", path, err)
	}
	return &RunDir{Path: path, tmp: tmpDir, lock: lock, kept: map[string]*os.File{}}, nil
}

// KeepState makes the state dir of machine name the one kept across runs
// in $TMPDIR/vmt-kept-UID, and locks it until Remove.
func (r *RunDir) KeepState(name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lock == nil {
		return fmt.Errorf("machine %s: the run directory %s was removed", name, r.Path)
	}
	if _, ok := r.kept[name]; ok {
		return nil
	}
	if name == "" || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("machine name %q: use letters, digits, '-' and '_' (no '/')", name)
	}
	keptDir := filepath.Join(r.tmp, "vmt-kept-"+strconv.Itoa(os.Geteuid()))
	state := filepath.Join(keptDir, "vm-state-"+name)
	for _, dir := range []string{keptDir, state} {
		if err := makePrivateDir(dir); err != nil {
			return fmt.Errorf("machine %s: kept state: %w", name, err)
		}
	}
	// A lock on the directory itself: no lock file to clash with a name.
	lock, err := os.Open(state)
	if err != nil {
		return fmt.Errorf("machine %s: %w", name, err)
	}
	pidFile := filepath.Join(state, "vmt.pid")
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		holder := "another vmt run"
		if pid, err := os.ReadFile(pidFile); err == nil {
			holder += " (pid " + strings.TrimSpace(string(pid)) + ")"
		}
		return fmt.Errorf("machine %s: its kept state %s is in use by %s: wait for that run to end, or run without -K (keep_machine_state)", name, state, holder)
	}
	os.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
	link := filepath.Join(r.Path, "vm-state-"+name)
	os.RemoveAll(link) // the machine's fresh state, had it one in this run
	if err := os.Symlink(state, link); err != nil {
		lock.Close()
		return fmt.Errorf("machine %s: %w", name, err)
	}
	r.kept[name] = lock
	return nil
}

// Remove removes the run dir (kept state stays where it is) and gives up
// its locks. Calling it again does nothing.
func (r *RunDir) Remove() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lock == nil {
		return nil
	}
	err := os.RemoveAll(r.Path) // under the lock: no other run may remove it meanwhile
	for name, lock := range r.kept {
		os.Remove(filepath.Join(lock.Name(), "vmt.pid"))
		lock.Close()
		delete(r.kept, name)
	}
	r.lock.Close()
	r.lock = nil
	return err
}

// removeDeadRuns removes this user's run dirs under tmpDir whose lock is
// free. A run dir without a lock is left alone: vmt did not make it, or is
// making it this very moment.
func removeDeadRuns(tmpDir string) {
	entries, err := os.ReadDir(tmpDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), runDirPrefix) {
			continue
		}
		dir := filepath.Join(tmpDir, e.Name())
		if fi, err := os.Lstat(dir); err != nil || ownerOf(fi) != os.Geteuid() {
			continue
		}
		lock, err := os.OpenFile(filepath.Join(dir, runLockName), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
		if err != nil {
			continue
		}
		if syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.RemoveAll(dir)
		}
		lock.Close()
	}
}

// checkTmpDir refuses a TMPDIR where another user could replace vmt's
// directories: one others can write that lacks the sticky bit.
func checkTmpDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("temporary directory (TMPDIR): %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("temporary directory (TMPDIR) %s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
		return fmt.Errorf("temporary directory (TMPDIR) %s can be written by others and has no sticky bit, so another user could replace vmt's files: set TMPDIR to a directory of your own, or chmod +t %s", dir, dir)
	}
	return nil
}

// makePrivateDir makes dir with mode 0700, or checks that the dir there is
// one vmt made: a directory (not a link) of this user that no one else
// can write.
func makePrivateDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	if err == nil || !errors.Is(err, fs.ErrExist) {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	switch uid := ownerOf(fi); {
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory vmt made (it is a %s): remove it", dir, fileKind(fi))
	case uid != os.Geteuid():
		return fmt.Errorf("%s belongs to uid %d, not to you (uid %d): vmt did not make it; remove it, or set TMPDIR to a directory of your own", dir, uid, os.Geteuid())
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("%s can be written by others (mode %04o), so its contents cannot be trusted: vmt makes it with mode 0700; remove it", dir, fi.Mode().Perm())
	}
	return nil
}

func ownerOf(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

func fileKind(fi fs.FileInfo) string {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return "symbolic link"
	case fi.Mode().IsRegular():
		return "file"
	}
	return "special file"
}
