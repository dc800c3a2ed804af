package main

import (
	"os"
	"strings"
)

// startScripts returns the start scripts given by flag, or else those of
// the startScripts environment variable (space-separated), as the NixOS
// driver reads it.
func startScripts(flag []string) []string {
	if len(flag) > 0 {
		return flag
	}
	return strings.Fields(os.Getenv("startScripts"))
}
