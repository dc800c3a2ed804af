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
//	printf '%s\n' S<nonce>; ( eval '<command>' ) </dev/null; printf '\n%s %d\n' E<nonce> $?
//
// eval keeps a command with a syntax error from breaking the shell, and the
// subshell keeps exit and cd from changing it. The command's stdout is the
// bytes between the start line and the end marker, exactly; the status
// follows the marker. Nothing else runs in the guest, so a command costs one
// fork (plus its own execs). Stderr goes to the serial console.
//
// vmt's own guest adds "(vmt: output on vmt.data)" to the ready line: its
// shell writes stdout to the vmt.data virtio port, which is not a terminal,
// so programs buffer output in blocks rather than lines (a hundredfold
// faster under TCG), and its terminal has isig on with intr ^C while the
// shell traps SIGINT. A command past its timeout is interrupted by writing
// ^C: it dies, and the shell reports status 130. If no end marker follows
// within a grace period, the shell is declared unusable and later commands
// fail at once.
//
// Other guests (NixOS's backdoor runs its shell on a raw terminal without
// signals) get their output read from the terminal, and a command with a
// timeout runs under timeout(1) in the guest; ^C is never sent to them.
//
// A command may start background processes that keep stdout open; the
// engine does not wait for them (stdout is not a pipe the engine drains to
// its end). What they print after their command ended is discarded before
// the next command's start line, or shows up inside the output of a command
// running at that time.
package qemu
