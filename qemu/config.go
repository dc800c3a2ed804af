package qemu

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vmt-dev/vmt/internal/nixos"
)

// Logger receives what a machine has to say.
type Logger interface {
	// Log is an engine message about the machine.
	Log(machine, msg string)
	// Serial is one line the guest printed on its serial console.
	Serial(machine, line string)
}

// Config describes one machine.
type Config struct {
	// Name names the machine in logs and errors; with a start script it
	// defaults to the NAME of run-NAME-vm.
	Name string
	// StartScript is a NixOS start script (run-NAME-vm) that passes its
	// arguments on to QEMU, by exec or as a child: the engine runs it (as
	// any child) under a reaper, a re-executed vmt that kills everything
	// below it when vmt dies, even by SIGKILL, or releases the machine.
	// Exactly one of StartScript and Command is set.
	StartScript string
	// Command is a plain QEMU command line, binary first.
	Command []string
	// TmpDir holds vm-state-NAME and the shared dir; default: the system's
	// temporary directory. Machines of one run share it, and only they:
	// give each run its own (NewRunDir), or runs clash.
	TmpDir string
	// SharedDir is the host side of the guest's /tmp/shared; default
	// TmpDir/shared-xchg, as the NixOS driver has it.
	SharedDir string
	// KeepState keeps the state dir from an earlier run (disk images):
	// Start does not wipe it and Release leaves it (RunDir.KeepState
	// places it where the next run finds it).
	KeepState bool
	// AllowReboot lets the guest reboot instead of QEMU exiting.
	AllowReboot bool
	// Display gives the machine a graphical display window; by default it
	// has none (screenshots still work).
	Display bool
	// Disks are created (qcow2, with qemu-img) before QEMU starts, unless
	// they exist: with KeepState they survive from an earlier run.
	Disks []Disk
	// MakeDirs are created before QEMU starts (such as 9p share sources).
	MakeDirs []string
	// GuestAgent gives the machine a QEMU guest agent port
	// (org.qemu.guest_agent.0): Connect then takes the backdoor's ready
	// line or an agent's answer, whichever comes first. Through an agent,
	// vmt starts the backdoor shell on hvc0 itself (bash or sh, in a
	// systemd unit of its own when systemd runs the guest) and commands go
	// there; if that fails, or $VMT_AGENT_EXEC is set, each command runs
	// through the agent's guest-exec (some ten times slower, output
	// delivered when the command ends). Disk-image machines have it.
	GuestAgent bool
	// Snapshots is the directory of boot snapshots (see snapshot.go):
	// the machine starts from the snapshot of its command line, taking it
	// after its first boot. Empty: every start boots. A QEMU command line
	// needs MemoryMB and a Resume command; a start script's machine has
	// its memory read from the QEMU it runs (snapshot_script.go).
	Snapshots string
	// MemoryMB is the machine's memory (-m), for its snapshot's RAM file.
	MemoryMB int
	// Resume returns a guest command, run each time the backdoor shell
	// connects before any other (after a boot or a restore alike), that
	// sets the guest's clock to now and finishes what a snapshot cannot
	// hold (see Spec.Config); a start script's machine has one that sets
	// the clock and mounts the 9p shares unmounted for the snapshot.
	Resume func(now time.Time) string
	// BootTimeout bounds the wait for the backdoor shell; default 10 minutes.
	BootTimeout time.Duration
	Log         Logger
}

// Disk is a qcow2 disk image in the machine's state dir: empty of SizeMB,
// or an overlay over Backing.
type Disk struct {
	Path    string
	SizeMB  int
	Backing string
	// BackingFormat is the backing file's format (raw, qcow2); empty:
	// qcow2 for a name ending in .qcow2, else raw.
	BackingFormat string
}

// maxSocketPath is the longest path a UNIX socket address can hold on Linux.
const maxSocketPath = 107

// validate fills defaults and checks what can be checked before starting.
func (c *Config) validate() error {
	if (c.StartScript == "") == (len(c.Command) == 0) {
		return fmt.Errorf("machine %q: give either a start script or a QEMU command line", c.Name)
	}
	if c.Name == "" {
		if c.StartScript != "" {
			c.Name = nixos.MachineName(c.StartScript)
		} else {
			c.Name = "machine"
		}
	}
	if c.Name == "" || strings.ContainsAny(c.Name, "/ \t\n\x00") {
		return fmt.Errorf("machine name %q: use letters, digits, '-' and '_' (no '/' or spaces)", c.Name)
	}
	// QEMU runs in the state dir: relative paths must not be taken from there.
	if c.StartScript != "" {
		abs, err := filepath.Abs(c.StartScript)
		if err != nil {
			return err
		}
		c.StartScript = abs
	}
	if len(c.Command) > 0 && strings.Contains(c.Command[0], "/") {
		abs, err := filepath.Abs(c.Command[0])
		if err != nil {
			return err
		}
		c.Command = append([]string{abs}, c.Command[1:]...)
	}
	if c.StartScript != "" {
		fi, err := os.Stat(c.StartScript)
		switch {
		case err != nil:
			return fmt.Errorf("machine %s: start script %s: %v", c.Name, c.StartScript, err)
		case fi.IsDir() || fi.Mode()&0o111 == 0:
			return fmt.Errorf("machine %s: start script %s is not executable (chmod +x it, or pass the right file)", c.Name, c.StartScript)
		}
	}
	if c.Snapshots != "" && c.StartScript != "" && c.Resume == nil {
		c.Resume = resumeCommand
	}
	if c.Snapshots != "" && c.StartScript == "" && (c.MemoryMB <= 0 || c.Resume == nil) {
		return fmt.Errorf("machine %s: a snapshot machine needs its memory size and a resume command", c.Name)
	}
	c.setDirs()
	if c.BootTimeout == 0 {
		c.BootTimeout = 10 * time.Minute
	}
	if c.Log == nil {
		c.Log = discardLogger{}
	}
	if p := filepath.Join(c.stateDir(), "monitor"); len(p) > maxSocketPath {
		return fmt.Errorf("machine %s: socket path %s is %d bytes, longer than a UNIX socket allows (%d): use a shorter temporary directory (TMPDIR)", c.Name, p, len(p), maxSocketPath)
	}
	return nil
}

// setDirs fills in the default temporary and shared directories.
func (c *Config) setDirs() {
	if c.TmpDir == "" {
		c.TmpDir = os.TempDir()
	}
	if abs, err := filepath.Abs(c.TmpDir); err == nil {
		c.TmpDir = abs
	}
	if c.SharedDir == "" {
		c.SharedDir = filepath.Join(c.TmpDir, "shared-xchg")
	}
	if abs, err := filepath.Abs(c.SharedDir); err == nil {
		c.SharedDir = abs
	}
}

func (c *Config) stateDir() string {
	return filepath.Join(c.TmpDir, "vm-state-"+c.Name)
}

type discardLogger struct{}

func (discardLogger) Log(string, string)    {}
func (discardLogger) Serial(string, string) {}
