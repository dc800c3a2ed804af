package qemu

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// command builds the QEMU invocation with the engine's own arguments.
func (m *Machine) command() *exec.Cmd {
	if m.cfg.StartScript != "" {
		// A start script picks its accelerator itself (NixOS's qemu-kvm
		// adds -enable-kvm whenever /dev/kvm is readable), and appended
		// options cannot take that back.
		if accel, reason := Accel(); accel == AccelTCG && fileReadable("/dev/kvm") {
			m.logf("warning: %s; the start script may still choose KVM", reason)
		}
	}
	return m.commandWith(m.engineArgs())
}

// engineArgs are the QEMU options the engine adds to every machine: its
// sockets, the virtio ports of the backdoor, the console on stdio.
func (m *Machine) engineArgs() []string {
	state := m.cfg.stateDir()
	args := []string{
		"-monitor", "unix:" + filepath.Join(state, "monitor"),
		"-qmp", "unix:" + filepath.Join(state, "qmp"),
		"-chardev", "socket,id=shell,path=" + filepath.Join(state, "shell"),
		// attach.go hot-plugs consoles on this bus by its id.
		"-device", "virtio-serial,id=" + serialBus,
		"-device", "virtconsole,chardev=shell",
		"-chardev", "socket,id=vmtdata,path=" + filepath.Join(state, "data"),
		"-device", "virtserialport,chardev=vmtdata,name=vmt.data",
		// The shell holds vmt.alive open and gives it to no command: QEMU
		// reports its close (VSERPORT_CHANGE) when the shell dies.
		"-chardev", "null,id=" + alivePort,
		"-device", "virtserialport,chardev=" + alivePort + ",name=vmt.alive,id=" + alivePort,
		"-device", "virtio-rng-pci",
		"-serial", "stdio",
	}
	args = append(args, agentArgs(m.cfg)...)
	if !m.cfg.AllowReboot {
		args = append(args, "-no-reboot")
	}
	if !m.cfg.Display {
		args = append(args, "-display", "none")
	}
	return args
}

// commandWith runs the machine's start script or QEMU command line with
// args added, in the state dir, with the environment NixOS start scripts
// expect.
func (m *Machine) commandWith(args []string) *exec.Cmd {
	state := m.cfg.stateDir()
	var cmd *exec.Cmd
	if m.cfg.StartScript != "" {
		cmd = exec.Command(m.cfg.StartScript, args...)
	} else {
		full := append(append(append([]string(nil), m.cfg.Command[1:]...), args...), strings.Fields(os.Getenv("QEMU_OPTS"))...)
		cmd = exec.Command(m.cfg.Command[0], full...)
	}
	cmd.Dir = state
	cmd.Env = append(os.Environ(),
		"TMPDIR="+state,
		"USE_TMPDIR=1",
		"SHARED_DIR="+m.cfg.SharedDir,
	)
	return cmd
}

func fileReadable(path string) bool {
	f, err := os.Open(path)
	if err == nil {
		f.Close()
	}
	return err == nil
}

// cmdline collects a declared machine's QEMU arguments and its kernel
// parameters, each part of the spec adding its own (spec_*.go).
type cmdline struct {
	args, params []string
}

func (c *cmdline) add(args ...string)     { c.args = append(c.args, args...) }
func (c *cmdline) param(params ...string) { c.params = append(c.params, params...) }
