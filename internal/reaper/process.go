package reaper

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Each reaper gets its own process group, as a last resort for Stop and
// KillGroup, and SIGTERM when vmt dies (the parent-death signal). That
// signal fires when the thread that started the reaper exits, so all
// reapers are started from one locked thread that never exits.
var (
	spawnOnce sync.Once
	spawnReqs chan spawnReq
	liveMu    sync.Mutex
	live      = map[int]bool{} // pids (and process groups) of running reapers
)

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

// Start starts cmd under a reaper, in its own process group, with a
// parent-death signal: when vmt dies (even by SIGKILL), or when Stop,
// KillGroup or KillAll end the reaper, every process below it is killed.
// cmd.Process is then the reaper, and waiting for it gives the program's
// exit status: the reaper exits with it, or dies by the signal that killed
// the program, after killing whatever the program left running. The
// program gets cmd's stdio, directory and environment.
func Start(cmd *exec.Cmd) error {
	return start(cmd, nil)
}

// StartLinger starts cmd under a reaper as Start does, except that the
// reaper outlives the program: when the program exits, the reaper sends
// its wait status on the returned channel, lets go of the program's
// stdio, and leaves what the program started running until all of it has
// exited (then the reaper exits with status 0) or the reaper is ended by
// vmt's death, Stop, KillGroup or KillAll, which kill it. Should the
// reaper end before the program does (it was stopped, or the program
// could not be run), the channel is closed without a status: cmd.Wait
// says why.
func StartLinger(cmd *exec.Cmd) (<-chan syscall.WaitStatus, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, w)
	err = start(cmd, []string{statusEnv + "=" + strconv.Itoa(2+len(cmd.ExtraFiles))})
	w.Close()
	if err != nil {
		r.Close()
		return nil, err
	}
	exited := make(chan syscall.WaitStatus, 1)
	go func() {
		defer r.Close()
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err == nil {
			exited <- syscall.WaitStatus(binary.LittleEndian.Uint32(b[:]))
		}
		close(exited)
	}()
	return exited, nil
}

// start starts cmd under a reaper whose environment has extraEnv too.
func start(cmd *exec.Cmd, extraEnv []string) error {
	if cmd.Err != nil {
		return cmd.Err
	}
	spawnOnce.Do(func() {
		spawnReqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: this thread must outlive every child
			for r := range spawnReqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	program := cmd.Path
	// Say so now rather than through the reaper's exit status.
	if err := checkProgram(program, cmd.Dir); err != nil {
		return err
	}
	cmd.Path, cmd.Args, cmd.Env = reaperCommand(cmd.Path, cmd.Args, env)
	cmd.Env = append(cmd.Env, extraEnv...)
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM // the reaper catches it and cleans up
	if cmd.WaitDelay == 0 {
		// Wait does not hang on output pipes held by a process that
		// escaped the reaper.
		cmd.WaitDelay = time.Second
	}
	done := make(chan error)
	spawnReqs <- spawnReq{cmd, done}
	if err := <-done; err != nil {
		return fmt.Errorf("%s: %w", program, err)
	}
	liveMu.Lock()
	live[cmd.Process.Pid] = true
	liveMu.Unlock()
	return nil
}

// checkProgram fails as starting program would, when program is a path
// (a name was looked up in PATH by exec.Command); a relative path is
// relative to dir.
func checkProgram(program, dir string) error {
	if !strings.Contains(program, "/") {
		return nil
	}
	path := program
	if !filepath.IsAbs(path) && dir != "" {
		path = filepath.Join(dir, path)
	}
	err := syscall.Access(path, 1) // X_OK
	if fi, statErr := os.Stat(path); err == nil && statErr == nil && fi.IsDir() {
		err = syscall.EACCES
	}
	if err != nil {
		return &os.PathError{Op: "fork/exec", Path: program, Err: err}
	}
	return nil
}

// Stop asks the reapers pids (each the Process of a command given to
// Start or StartLinger) to kill everything they run, and kills their
// process groups if they have not exited within a second.
func Stop(pids ...int) {
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(time.Second)
	for _, pid := range pids {
		for !processGone(pid) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		KillGroup(pid)
	}
}

// KillGroup kills the process group of the reaper pid, a program that
// escaped it included, and forgets the reaper: call it, or Stop, once the
// reaper has exited, so that KillAll does not signal a reused pid.
func KillGroup(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
	liveMu.Lock()
	delete(live, pid)
	liveMu.Unlock()
}

// KillAll stops every reaper still running, and so everything started
// through Start and StartLinger, within a second or so. It is safe to
// call from a signal handler's goroutine at exit.
func KillAll() {
	liveMu.Lock()
	pids := make([]int, 0, len(live))
	for pid := range live {
		pids = append(pids, pid)
	}
	liveMu.Unlock()
	Stop(pids...)
}
