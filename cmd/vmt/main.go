// Command vmt runs, lints and serves language features for VM integration
// tests written in Starlark.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// Exit statuses shared by every verb.
const (
	exitOK     = 0
	exitFailed = 1 // the test failed, or lint found errors
	exitUsage  = 2 // bad flags, unreadable input, a script that does not parse
)

// root is the vmt command; each verb adds itself from its own file's init.
var root = &cobra.Command{
	Use:   "vmt",
	Short: "VM integration tests scripted in Starlark",
	Long: "vmt boots QEMU machines and runs Starlark test scripts against them (vmt run),\n" +
		"opens a shell in a machine of a running or failed test (vmt attach), runs a\n" +
		"command in a VM with your kernel or image as vmtest does (vmt exec), checks\n" +
		"scripts before any VM boots (vmt lint), serves editors (vmt lsp) and converts\n" +
		"NixOS Python test scripts (vmt convert).",
	SilenceUsage:  true,
	SilenceErrors: true,
}

// exitError carries an exit status out of a verb.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func main() {
	os.Exit(execute())
}

func execute() int {
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	if ee, ok := err.(*exitError); ok {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(os.Stderr, "vmt:", ee.err)
		}
		return ee.code
	}
	// cobra reports unknown flags and arguments as plain errors.
	fmt.Fprintln(os.Stderr, "vmt:", err)
	return exitUsage
}
