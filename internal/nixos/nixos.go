// Package nixos holds the facts of the NixOS test driver's contract that
// both vmt's engine and its script analysis rely on.
package nixos

import (
	"path/filepath"
	"regexp"
)

// startScriptName finds NAME in a start script's file name ending in
// run-NAME-vm. The driver searches the whole command (re.search); the
// file name alone gives the same name for every store path, without
// taking a directory into the name.
var startScriptName = regexp.MustCompile(`run-(.+)-vm$`)

// MachineName names the machine a start script starts, as the NixOS
// driver does: a file name ending in run-NAME-vm gives NAME, any other
// "machine".
func MachineName(startScript string) string {
	if m := startScriptName.FindStringSubmatch(filepath.Base(startScript)); m != nil {
		return m[1]
	}
	return "machine"
}
