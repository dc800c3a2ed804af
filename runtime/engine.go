package runtime

import (
	"context"
	"io"
	"regexp"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
	"github.com/vmt-dev/vmt/qemu"
)

// Engine is what the runtime needs from one machine of the engine;
// *qemu.Machine implements it. Timeouts of 0 mean none, and errors already
// name the machine.
type Engine interface {
	Name() string
	Start() error
	Connect(ctx context.Context) error
	IsUp() bool
	Booted() bool
	Execute(ctx context.Context, command string, timeout time.Duration, live io.Writer) (status int, stdout []byte, err error)
	WaitForConsoleText(ctx context.Context, re *regexp.Regexp, timeout time.Duration) (string, error)
	ConsoleLog() string
	SendConsole(chars string) error
	SendMonitorCommand(ctx context.Context, command string) (string, error)
	WaitForQMPEvent(ctx context.Context, match func(qmp.Event) bool, timeout time.Duration) (qmp.Event, error)
	Block(ctx context.Context) error
	Unblock(ctx context.Context) error
	ForwardPort(ctx context.Context, hostPort, guestPort int) error
	SendKey(ctx context.Context, key string) error
	SendChars(ctx context.Context, chars string, delay time.Duration) error
	Screenshot(ctx context.Context, pngPath string) error
	Shutdown(ctx context.Context) error
	Crash() error
	Reboot(ctx context.Context) error
	ExpectReconnect()
	WaitForShutdown(ctx context.Context) error
	Release() error
	StateDir() string
	SharedDir() string
}

// EngineLogger receives the engine's messages and serial lines; the
// driver's log implements it.
type EngineLogger interface {
	Log(machine, msg string)
	Serial(machine, line string)
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
	Declared *qemu.Spec
	// Index is the machine's 1-based position among the test's machines.
	Index int
}

// Backend makes the machines and VLANs of a test; a machine does not
// start by being made.
type Backend interface {
	NewMachine(spec MachineSpec, log EngineLogger) (Engine, error)
	// NewVLAN starts the switch of VLAN nr.
	NewVLAN(nr int, log EngineLogger) (VLANEngine, error)
	// Release stops what the backend started besides the machines (the
	// VLAN switches); the driver calls it after releasing the machines.
	Release() error
}

// VLANEngine is one virtual network switch of the engine.
type VLANEngine interface {
	SocketDir() string
}
