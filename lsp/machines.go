package lsp

import (
	"sort"

	"github.com/vmt-dev/vmt/lang"
	"github.com/vmt-dev/vmt/lint"
)

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
