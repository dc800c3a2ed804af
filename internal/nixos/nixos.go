// Package nixos holds the facts of the NixOS test driver's contract that
// both vmt's engine and its script analysis rely on.
package nixos

import (
	"path/filepath"
	"regexp"
)

// startScriptName matches a start script's file name: run-NAME-vm
// starts the machine NAME.
var startScriptName = regexp.MustCompile(`^run-(.+)-vm$`)

// MachineName names the machine a start script starts, as the NixOS
// driver does: run-NAME-vm gives NAME, any other name "machine".
func MachineName(startScript string) string {
	if m := startScriptName.FindStringSubmatch(filepath.Base(startScript)); m != nil {
		return m[1]
	}
	return "machine"
}
