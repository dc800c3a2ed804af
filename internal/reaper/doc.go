// Package reaper runs vmt's child processes so that none outlives vmt,
// even a SIGKILLed one.
//
// A parent-death signal reaches only the direct child, so a start script
// that runs QEMU without exec, or a host command that starts a process in
// the background, would leave processes behind when vmt is SIGKILLed.
// Start therefore runs every child under a reaper: the running binary
// re-executed, caught by this package's init, which is a child subreaper
// (orphans of its descendants come to it) and, when vmt dies or asks it to
// stop, kills every process below it before it exits (reaper.go). The
// reapers are started from one locked thread that never exits, so that
// their parent-death signal fires only when vmt dies; Stop, KillGroup and
// KillAll end them (process.go).
//
// Any binary that links this package can be a reaper, test binaries
// included.
package reaper
