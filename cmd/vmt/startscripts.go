package main

import (
	"os"
	"strings"

	"github.com/spf13/pflag"
	"github.com/vmt-dev/vmt/analysis"
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

// machineFlags name a test's machines for the verbs that read scripts
// without running them (lint, lsp).
type machineFlags struct {
	machines     []string
	startScripts []string
}

// add defines --machines and --start-scripts.
func (m *machineFlags) add(f *pflag.FlagSet) {
	f.StringSliceVar(&m.machines, "machines", nil, "machine names of the tests, comma-separated (instead of each script's # vmt: machines= comment)")
	f.StringSliceVar(&m.startScripts, "start-scripts", nil, "NixOS start scripts (run-NAME-vm) naming the machines; default from env startScripts")
}

// names resolves --machines, then --start-scripts, then the startScripts
// environment variable of the NixOS driver; none gives nil (each
// script's directive then says).
func (m machineFlags) names() []string {
	if len(m.machines) > 0 {
		return m.machines
	}
	scripts := startScripts(m.startScripts)
	if len(scripts) == 0 {
		return nil
	}
	return analysis.MachineNamesFromStartScripts(scripts)
}
