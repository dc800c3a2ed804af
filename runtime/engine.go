package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"
)

// The runtime sees a machine of the engine by role. Every engine is an
// Engine; the other roles are found by type assertion (see role), so that
// a fake implements only what its test uses, and a machine whose engine
// lacks a role fails the script call that needs it with an error saying
// so. A wrapper must embed a concrete engine, not an interface, to keep
// its roles. Timeouts of 0 mean none, and errors already name the machine.

// Engine is what every machine has: a process to start and release.
type Engine interface {
	// Start boots the machine without waiting for it.
	Start() error
	// Booted reports whether the machine's process runs.
	Booted() bool
	// Release stops the machine and frees what it holds.
	Release() error
}

// Power powers a running machine off and on and waits for it to stop.
type Power interface {
	Shutdown(ctx context.Context) error
	Crash() error
	Reboot(ctx context.Context) error
	WaitForShutdown(ctx context.Context) error
}

// GuestCommands runs commands in the guest's root (backdoor) shell.
type GuestCommands interface {
	// Connect waits for the shell, booting the machine if needed.
	Connect(ctx context.Context) error
	// IsUp reports whether the shell is connected.
	IsUp() bool
	// ExpectReconnect says the shell is about to go away and come back.
	ExpectReconnect()
	// Execute runs command and returns its exit status and exact stdout,
	// which it also writes to live (when not nil) as it comes.
	Execute(ctx context.Context, command string, timeout time.Duration, live io.Writer) (status int, stdout []byte, err error)
}

// Console is the guest's serial console.
type Console interface {
	ConsoleLog() string
	SendConsole(chars string) error
	// WaitForConsoleText returns the first text matching re past what
	// earlier waits matched.
	WaitForConsoleText(ctx context.Context, re *regexp.Regexp, timeout time.Duration) (string, error)
}

// Monitor is QEMU's monitor: human commands and events.
type Monitor interface {
	SendMonitorCommand(ctx context.Context, command string) (string, error)
	// WaitForMonitorEvent returns the oldest event not yet returned,
	// waiting for one if there is none.
	WaitForMonitorEvent(ctx context.Context, timeout time.Duration) (MonitorEvent, error)
}

// Network plugs the machine out of and into its VLANs and forwards ports
// to it.
type Network interface {
	Block(ctx context.Context) error
	Unblock(ctx context.Context) error
	ForwardPort(ctx context.Context, hostPort, guestPort int) error
}

// Screen is the machine's display and keyboard.
type Screen interface {
	SendKey(ctx context.Context, key string) error
	SendChars(ctx context.Context, chars string, delay time.Duration) error
	// Screenshot writes the display as a PNG file.
	Screenshot(ctx context.Context, pngPath string) error
}

// HostDirs are the machine's directories on the host: its state and the
// host side of the directory it shares with the guest.
type HostDirs interface {
	StateDir() string
	SharedDir() string
}

// Terminals opens terminals in the guest beside its backdoor shell, for
// `vmt attach`.
type Terminals interface {
	Attach(ctx context.Context, opts AttachOptions) (AttachedTerminal, error)
}

// AttachOptions say what an attached terminal runs.
type AttachOptions struct {
	// Command runs alone (its output raw, the session ending with its exit
	// status); "" opens an interactive root shell.
	Command string
	// Rows and Cols are the terminal's size (0: the guest's).
	Rows, Cols int
	// Term is the TERM of the interactive shell ("" for vt100).
	Term string
}

// AttachedTerminal is a session on a terminal in the guest: Read returns
// its output and io.EOF once it has ended; Close hangs it up.
type AttachedTerminal interface {
	io.ReadWriteCloser
	// TTY is the guest's device of the terminal.
	TTY() string
	// ExitStatus is the session's, once Read has returned io.EOF.
	ExitStatus() int
	Resize(ctx context.Context, rows, cols int) error
}

// MonitorEvent is an event QEMU's monitor reported.
type MonitorEvent struct {
	Name string
	Data map[string]any
	Time time.Time
}

// ErrTimeout is wrapped by an engine's errors of waits whose timeout
// passed.
var ErrTimeout = errors.New("timed out")

// role returns the machine's engine in role R, or an error saying what
// the engine cannot do.
func role[R any](m *Machine) (R, error) {
	var none R
	eng, err := m.eng()
	if err != nil {
		return none, err
	}
	r, ok := eng.(R)
	if !ok {
		return none, lacksRole[R](m.name)
	}
	return r, nil
}

// lacksRole is the error of a machine whose engine lacks role R.
func lacksRole[R any](machine string) error {
	return fmt.Errorf("machine %s's engine cannot %s", machine, roleAbility[R]())
}

// roleAbility says what an engine with role R can do.
func roleAbility[R any]() string {
	switch any((*R)(nil)).(type) {
	case *Power:
		return "shut down, crash or reboot"
	case *GuestCommands:
		return "run commands in the guest"
	case *Console:
		return "use a serial console"
	case *Monitor:
		return "take monitor commands"
	case *Network:
		return "change its network"
	case *Screen:
		return "use a screen or keyboard"
	case *HostDirs:
		return "share directories with the host"
	case *Terminals:
		return "open terminals"
	}
	return fmt.Sprintf("act as %T", (*R)(nil))
}

// MachineSpec is how the test gets a machine: a NixOS start script, or a
// declaration of the script (create_machine).
type MachineSpec struct {
	Name        string
	StartScript string
	AllowReboot bool
	KeepState   bool
	// BootTimeout bounds the wait for the backdoor shell at each boot;
	// 0 leaves the engine's default.
	BootTimeout time.Duration
	// Declared is set for a machine declared by create_machine without
	// a start_command.
	Declared *Declaration
	// Index is the machine's 1-based position among the test's machines.
	Index int
}

// Declaration is a machine as create_machine declares it, each field the
// option of that name (NixOS's qemu-vm.nix); host paths are resolved
// against the script's directory.
type Declaration struct {
	MemoryMB     int
	Cores        int
	Kernel       string
	Initrd       string
	KernelParams []string
	DiskImage    string
	EmptyDisks   []int // sizes in MiB
	// SharedDirs and ForwardPorts keep the script's order: a disk image
	// finds its shares by position.
	SharedDirs   []SharedDir
	VLANs        []int
	ForwardPorts []PortForward
	QEMUFlags    []string
	RootFS       string
	Arch         string
}

// SharedDir is a host directory mounted in the guest.
type SharedDir struct {
	HostPath, GuestPath string
}

// PortForward forwards a host TCP port to a guest port.
type PortForward struct {
	HostPort, GuestPort int
}

// Backend makes the machines and VLANs of a test; a machine does not
// start by being made. Machines send their messages and serial lines to
// log.
type Backend interface {
	NewMachine(spec MachineSpec, log *Log) (Engine, error)
	// NewVLAN starts the switch of VLAN nr.
	NewVLAN(nr int) (VLANEngine, error)
	// Release stops what the backend started besides the machines (the
	// VLAN switches); the driver calls it after releasing the machines.
	Release() error
}

// VLANEngine is one virtual network switch of the engine.
type VLANEngine interface {
	SocketDir() string
}
