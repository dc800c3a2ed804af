package qemu

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/vmt-dev/vmt/internal/reaper"
)

// VLAN is a virtual network segment: one vde_switch in hub mode, whose
// control directory (mode 0700) machines plug their NICs into.
type VLAN struct {
	Number int
	Dir    string // the switch's control directory
	cmd    *exec.Cmd
	stdin  io.WriteCloser // vde_switch quits when its console closes
	exited chan struct{}
	stop   sync.Once
}

// StartVLAN starts the switch of VLAN number under dir. It dies with vmt.
func StartVLAN(number int, dir string) (*VLAN, error) {
	if number < 1 || number > 255 {
		return nil, fmt.Errorf("vlan %d: VLAN numbers go from 1 to 255", number)
	}
	ctl := filepath.Join(dir, fmt.Sprintf("vde%d.ctl", number))
	if len(filepath.Join(ctl, "ctl")) > maxSocketPath {
		return nil, fmt.Errorf("vlan %d: control socket path %s is too long for a UNIX socket: use a shorter temporary directory (TMPDIR)", number, ctl)
	}
	bin, err := exec.LookPath("vde_switch")
	if err != nil {
		return nil, fmt.Errorf("vlan %d: vde_switch not found: install vde2 (apt-get install vde2)", number)
	}
	os.RemoveAll(ctl)
	cmd := exec.Command(bin, "--sock", ctl, "--dirmode", "0700", "--hub")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	var stderr tailBuffer
	stderr.max = 4096
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := reaper.Start(cmd); err != nil {
		return nil, fmt.Errorf("vlan %d: starting vde_switch: %w", number, err)
	}
	v := &VLAN{Number: number, Dir: ctl, cmd: cmd, stdin: stdin, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(v.exited)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(ctl, "ctl")); err == nil {
			return v, nil
		}
		select {
		case <-v.exited:
			return nil, fmt.Errorf("vlan %d: vde_switch exited: %s", number, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			v.Stop()
			return nil, fmt.Errorf("vlan %d: vde_switch did not create %s within 10s", number, filepath.Join(ctl, "ctl"))
		}
	}
}

// PID returns the process id of the reaper that runs the switch.
func (v *VLAN) PID() int { return v.cmd.Process.Pid }

// Stop kills the switch and removes its control directory. Calling it
// again does nothing.
func (v *VLAN) Stop() {
	v.stop.Do(func() {
		v.stdin.Close()
		reaper.Stop(v.cmd.Process.Pid)
		<-v.exited
		os.RemoveAll(v.Dir)
	})
}
