// Package qemu is vmt's machine engine: it starts QEMU from a NixOS start
// script or a plain command line, connects to the guest's backdoor root
// shell, runs commands in it, captures the serial console, and speaks QMP
// and HMP to QEMU.
//
// # The shell protocol
//
// The guest runs a POSIX shell (bash or busybox sh) on its first virtconsole
// (/dev/hvc0), a terminal in raw mode. For each command the engine writes
// one line:
//
//	printf '%s\n' S<nonce>; ( eval '<command>' ) </dev/null; printf '\n%s %d\n' E<nonce> $?
//
// eval keeps a command with a syntax error from breaking the shell, and the
// subshell keeps exit and cd from changing it. The command's stdout is the
// bytes between the start line and the end marker, exactly; the status
// follows the marker. Nothing else runs in the guest, so a command costs one
// fork (plus its own execs). Stderr goes to the serial console.
//
// A command that outlives its timeout is interrupted by writing ^C to the
// terminal: the guest's terminal has isig on with intr ^C, and the shell
// traps SIGINT, so the command dies and the shell reports status 130. If
// no end marker follows within a grace period, the shell is declared
// unusable and later commands fail at once.
//
// A command may start background processes that keep stdout open; the
// engine does not wait for them (stdout is the terminal, not a pipe). What
// they print after their command ended is discarded before the next
// command's start line, or shows up inside the output of a command running
// at that time.
package qemu
