package qemu

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// Children started by the engine run under a reaper (reaper.go) that kills
// everything below it when vmt dies or asks it to stop. The reaper gets its
// own process group, as a last resort for Release, and SIGTERM when vmt
// dies (the parent-death signal). That signal fires when the thread that
// started the child exits, so all children are started from one locked
// thread that never exits.
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

// startChild starts cmd under a reaper, in its own process group, with a
// parent-death signal. cmd.Process is the reaper; waiting for it gives the
// program's exit status.
func startChild(cmd *exec.Cmd) error {
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
	if filepath.IsAbs(program) {
		// Say so now rather than through the reaper's exit status.
		if _, err := exec.LookPath(program); err != nil {
			return err
		}
	}
	cmd.Path, cmd.Args, cmd.Env = reaperCommand(cmd.Path, cmd.Args, env)
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

// stopChildren asks the reapers pids to kill everything they run, and
// kills their process groups if they have not exited within a second.
func stopChildren(pids ...int) {
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(time.Second)
	for _, pid := range pids {
		for !processGone(pid) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		killGroup(pid)
	}
}

// killGroup kills the process group of a child started by startChild.
func killGroup(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
	liveMu.Lock()
	delete(live, pid)
	liveMu.Unlock()
}

// KillAll kills every process the engine started that is still running,
// within a second or so. It is safe to call from a signal handler's
// goroutine at exit.
func KillAll() {
	liveMu.Lock()
	pids := make([]int, 0, len(live))
	for pid := range live {
		pids = append(pids, pid)
	}
	liveMu.Unlock()
	stopChildren(pids...)
}
