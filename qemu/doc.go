// Package qemu is vmt's machine engine: it starts QEMU from a NixOS start
// script, a plain command line or a declared Spec, connects to the guest's
// backdoor root shell, runs commands in it, captures the serial console,
// speaks QMP and HMP to QEMU, and runs the vde_switch of each VLAN.
//
// # The shell protocol
//
// The guest runs a POSIX shell (bash or busybox sh) on its first virtconsole
// (/dev/hvc0), a terminal in raw mode, and prints "Spawning backdoor root
// shell..." when it is ready. For each command the engine writes one line:
//
//	printf '%s\n' S<nonce>; ( eval '<command>' ) </dev/null 9>&-; printf '\n%s %d\n' E<nonce> $?
//
// eval keeps a command with a syntax error from breaking the shell, and the
// subshell keeps exit and cd from changing it. The command's stdout is the
// bytes between the start line and the end marker, exactly; the status
// follows the marker. Nothing else runs in the guest, so a command costs one
// fork (plus its own execs). Stderr goes to the serial console.
//
// QEMU gets two virtio ports besides the terminal (hvc0): vmt.data (a
// serial port to a host socket) and vmt.alive (a serial port with no
// host end). A console port drops bytes whenever the host reads too
// slowly; a serial port makes the guest wait instead, so command output
// never travels on the terminal when vmt.data is there. After the ready
// line the engine prepares the shell with a few lines that run in the
// shell itself:
//
//   - it finds the ports under /sys/class/virtio-ports;
//   - a shell that writes to its terminal (NixOS's backdoor) runs
//     exec >/dev/vportNpM, the vmt.data device; vmt's own guest did that
//     itself and says so on the ready line ("(vmt: output on vmt.data)");
//   - the shell's stdout becomes a pipe drained by dd in blocks of up to
//     64 KiB: each write to a virtio port waits for the host, and most
//     programs write line by line, so without the pipe 589 KB of seq
//     output would cost thousands of round trips;
//   - the shell opens vmt.alive on fd 9, which commands do not inherit
//     (9>&-): when the shell dies, the port closes, QEMU reports
//     VSERPORT_CHANGE on QMP, and the command in progress and every later
//     one fail at once. QEMU sends that event at most once a second, so a
//     death within a second of the shell's start is reported when that
//     second ends (within two seconds of a restore from a snapshot, as the
//     restored port reports itself closed and open again). A kernel panic on the console ends the shell the same
//     way, and QEMU exiting while the test did not stop it fails the
//     next command (Start boots the machine again).
//
// A guest without the ports keeps the plain protocol on its terminal.
//
// vmt's own guest has isig on with intr ^C on its terminal while the
// shell traps SIGINT. A command past its timeout is interrupted by writing
// ^C: it dies, and the shell reports status 130. If no end marker follows
// within a grace period, the shell is declared unusable and later commands
// fail at once.
//
// Other guests (NixOS's backdoor runs its shell on a raw terminal without
// signals) get a command with a timeout run under timeout(1) in the guest;
// ^C is never sent to them.
//
// A command may start background processes that keep stdout open; the
// engine does not wait for them (stdout is not a pipe the engine drains to
// its end). What they print after their command ended is discarded before
// the next command's start line, or shows up inside the output of a command
// running at that time.
//
// # Boot snapshots
//
// A declared machine that boots a kernel on x86 starts from a snapshot of
// its own boot (snapshot.go; Spec.NoSnapshot turns it off), and so does a
// start script's machine given Config.Snapshots (snapshot_script.go: the
// script runs once with QEMU paused, and vmt reads the command line it
// built; the disk overlay it makes is kept with the snapshot). The first
// start keeps the guest's RAM in a file and, once the shell is ready and
// a systemd guest has finished its boot, unmounts the guest's 9p shares
// (QEMU refuses to save them mounted) and saves the device state beside
// the RAM; every later start maps that RAM copy on write and loads the
// device state, in a fraction of a second. What a snapshot cannot hold
// runs each time the shell connects (Config.Resume, snapshot_guest.go):
// the clock, and the 9p shares mounted again.
//
// # Files
//
// One concern a file. The machine (machine.go) and its life: starting and
// releasing QEMU (lifecycle.go), the disks made before it starts
// (disks.go), the QEMU command line (cmdline.go: the engine's own ports,
// and the collector of a Spec's parts, each in its file: spec_boot.go,
// spec_storage.go, spec_network.go, spec_snapshot.go), the sockets QEMU
// connects to (sockets.go), waiting for the
// backdoor shell (boot.go), commands (commands.go over shell.go, or
// agent.go), the serial console (serial.go over console.go), QMP and HMP
// (monitor.go over qmp.go and hmp.go), power (power.go), VLAN links and
// port forwards (links.go over vlan.go and nics.go), screens and keys
// (screenshot.go, keys.go), boot snapshots (snapshot.go, with
// snapshot_script.go for start scripts and snapshot_guest.go for what the
// guest runs), terminals for vmt attach (attach.go), and the run's
// directory (rundir.go).
//
// # Processes and directories
//
// Every process the engine starts (a start script, QEMU, vde_switch) runs
// under a reaper (package internal/reaper): the running binary
// re-executed, that runs the program and, when vmt dies (SIGKILL included)
// or stops the machine, kills every process below it, however the start
// script runs QEMU. A run keeps its files in a private RunDir, so runs
// sharing a TMPDIR never touch each other's files, and a run removes what
// an earlier run left when its vmt died.
package qemu
