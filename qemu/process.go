package qemu

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// Children started by the engine get their own process group (so a
// start script's QEMU and anything it spawned die together) and SIGKILL when
// vmt dies (the parent-death signal). That signal fires when the thread
// that started the child exits, so all children are started from one
// locked thread that never exits.
var (
	spawnOnce sync.Once
	spawnReqs chan spawnReq
	liveMu    sync.Mutex
	live      = map[int]bool{} // process group ids of running children
)

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

// startChild starts cmd in its own process group with a parent-death signal.
func startChild(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawnReqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: this thread must outlive every child
			for r := range spawnReqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	done := make(chan error)
	spawnReqs <- spawnReq{cmd, done}
	if err := <-done; err != nil {
		return err
	}
	liveMu.Lock()
	live[cmd.Process.Pid] = true
	liveMu.Unlock()
	return nil
}

// killGroup kills the process group of a child started by startChild.
func killGroup(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
	liveMu.Lock()
	delete(live, pid)
	liveMu.Unlock()
}

// KillAll kills every process the engine started that is still running. It
// is safe to call from a signal handler's goroutine at exit.
func KillAll() {
	liveMu.Lock()
	pids := make([]int, 0, len(live))
	for pid := range live {
		pids = append(pids, pid)
	}
	liveMu.Unlock()
	for _, pid := range pids {
		killGroup(pid)
	}
}
