package lsp

import (
	"sort"

	"github.com/vmt-dev/vmt/lang"
	"github.com/vmt-dev/vmt/lint"
)

// machineAlias is the global naming the only machine of a test. The server
// treats it as a Machine whatever the script says, so that completion
// works in a script whose machines come from start scripts it cannot see.
const machineAlias = "machine"

// machineIdents returns the globals naming the machines, sorted.
func machineIdents(names []string) []string {
	idents := make([]string, len(names))
	for i, name := range names {
		idents[i] = lang.MachineIdent(name)
	}
	sort.Strings(idents)
	return idents
}

// lintConfig is what the linter is told besides the script.
func (s *Server) lintConfig() lint.Config {
	return lint.Config{Machines: s.machines, Table: s.table}
}
