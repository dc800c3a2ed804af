// Package buildinfo says which vmt is running, for `vmt version` and the
// language server's initialize reply alike.
package buildinfo

import "runtime/debug"

// Version is the module version vmt was built from, or "devel" for a
// build from a work tree (whose version Go reports as "(devel)").
func Version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
