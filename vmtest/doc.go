// Package vmtest is vmtest's job on vmt's engine: targets (a kernel booted
// with a host directory as its root over 9p, or a disk image) read from a
// vmtest.toml or built from vmt exec's flags, each booted as a qemu.Spec
// machine that runs one command, one target after another or several at
// once, with a summary of how each ended.
//
// vmtest.toml is read by a small TOML reader of its own (toml.go) that
// knows what such files use and gives every error its line.
package vmtest
