package reaper

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A reaper is the same binary, re-executed with reaperEnv set to the pid
// of the vmt that started it. The hook is an init function so that it
// works in any binary that links this package.
//
// The reaper's arguments are the program's path, then its argv. Its stdin,
// stdout and stderr go to the program as they are (QEMU's serial console
// is on stdio). It exits with the program's status, after killing what the
// program left running; or, with statusEnv (StartLinger), it writes the
// program's wait status to that descriptor and stays until what the program
// left running has exited or it is stopped.
const reaperEnv = "VMT_REAPER_OF"

// statusEnv names the descriptor a lingering reaper reports the program's
// wait status on, as 4 little-endian bytes.
const statusEnv = "VMT_REAPER_STATUS_FD"

// reaperName is the reaper's argv[0]: with the variable, it tells a
// reaper from a vmt that inherited the variable by accident.
const reaperName = "vmt-reaper"

const prSetChildSubreaper = 36 // PR_SET_CHILD_SUBREAPER, prctl(2)

func init() {
	if parent, ok := os.LookupEnv(reaperEnv); ok && os.Args[0] == reaperName {
		os.Exit(reap(parent, os.Args[1:]))
	}
}

// reaperCommand turns argv (path first, then the program's argv) into the
// reaper's own, and env into its environment.
func reaperCommand(path string, argv, env []string) (string, []string, []string) {
	env = append(withoutEnv(withoutEnv(env, reaperEnv), statusEnv), reaperEnv+"="+strconv.Itoa(os.Getpid()))
	return "/proc/self/exe", append([]string{reaperName, path}, argv...), env
}

func reap(parent string, args []string) int {
	// The program's parent-death signal follows the thread that forks it.
	runtime.LockOSThread()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	// vmt may have died before our parent-death signal was set: then our
	// parent is no longer the pid we were given.
	if strconv.Itoa(os.Getppid()) != parent {
		return 1
	}
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "vmt-reaper: no program to run")
		return 2
	}
	var status *os.File
	if fd, err := strconv.Atoi(os.Getenv(statusEnv)); err == nil {
		syscall.CloseOnExec(fd) // the program must not hold it
		status = os.NewFile(uintptr(fd), "status")
	}
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); e != 0 {
		fmt.Fprintf(os.Stderr, "vmt-reaper: PR_SET_CHILD_SUBREAPER: %v\n", e)
		return 1
	}
	child, err := syscall.ForkExec(args[0], args[1:], &syscall.ProcAttr{
		Env:   withoutEnv(withoutEnv(os.Environ(), reaperEnv), statusEnv),
		Files: []uintptr{0, 1, 2},
		// Should the reaper itself be SIGKILLed, the program goes too.
		Sys: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "vmt-reaper: %s: %v\n", args[0], err)
		return 127
	}
	exited := make(chan syscall.WaitStatus, 1)
	allGone := make(chan struct{})
	go func() {
		// Reap the program and every orphan that comes to us; ECHILD
		// means no descendant is left.
		defer close(allGone)
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &ws, 0, nil)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				return
			}
			if pid == child {
				exited <- ws
			}
		}
	}()
	select {
	case ws := <-exited:
		if status != nil {
			return linger(status, ws, allGone, stop)
		}
		killDescendants()
		if ws.Signaled() {
			return dieBy(ws.Signal())
		}
		return ws.ExitStatus()
	case sig := <-stop:
		killDescendants()
		return dieBy(sig.(syscall.Signal))
	}
}

// linger reports the program's wait status ws on status, lets go of the
// program's stdio and waits until what the program left running has
// exited (allGone), or kills it when told to stop.
func linger(status *os.File, ws syscall.WaitStatus, allGone <-chan struct{}, stop <-chan os.Signal) int {
	status.Write(binary.LittleEndian.AppendUint32(nil, uint32(ws)))
	status.Close()
	// The output pipes close once no leftover holds them.
	if null, err := syscall.Open("/dev/null", syscall.O_RDWR, 0); err == nil {
		for fd := range 3 {
			syscall.Dup3(null, fd, 0)
		}
		syscall.Close(null)
	}
	select {
	case <-allGone:
		return 0
	case sig := <-stop:
		killDescendants()
		return dieBy(sig.(syscall.Signal))
	}
}

// dieBy ends the reaper by sig, as its program ended, when sig can be
// re-raised without the Go runtime's crash report; else it returns the
// shell's status for it.
func dieBy(sig syscall.Signal) int {
	switch sig {
	case syscall.SIGKILL, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP:
		signal.Reset(sig)
		syscall.Kill(os.Getpid(), sig)
		time.Sleep(time.Second)
	}
	return 128 + int(sig)
}

// killDescendants SIGKILLs every process below the reaper until none is
// left: the children of a killed process come to the reaper and show up in
// the next round.
func killDescendants() {
	deadline := time.Now().Add(5 * time.Second)
	for {
		pids := descendants(os.Getpid())
		if len(pids) == 0 || time.Now().After(deadline) {
			return
		}
		for _, pid := range pids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// descendants lists the live processes below root, from /proc.
func descendants(root int) []int {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		state, ppid, ok := procStat(pid)
		if !ok || state == 'Z' || state == 'X' {
			continue
		}
		children[ppid] = append(children[ppid], pid)
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// procStat reads a process's state and parent from /proc/PID/stat.
func procStat(pid int) (state byte, ppid int, ok bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// The command name, in parentheses, may hold spaces and ')'.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, 0, false
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 2 || len(fields[0]) != 1 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(fields[1])
	return fields[0][0], ppid, err == nil
}

// processGone reports whether pid has exited (a zombie counts as gone).
func processGone(pid int) bool {
	state, _, ok := procStat(pid)
	return !ok || state == 'Z' || state == 'X'
}

func withoutEnv(env []string, name string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
