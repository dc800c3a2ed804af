package lsp

import (
	"sort"

	"github.com/vmt-dev/vmt/lang"
	"github.com/vmt-dev/vmt/lint"
	"go.starlark.net/syntax"
)

// machineAlias is the global naming the only machine of a test. The server
// treats it as a Machine whatever the script says, so that completion
// works in a script whose machines come from start scripts it cannot see.
const machineAlias = "machine"

// machinesOf returns the globals naming the machines of a document, from
// the names `vmt lint` resolves: the server's --machines or else the
// script's `# vmt: machines=a,b` directive, and the machines it creates.
// tree is the document's tree when it parsed (possibly repaired), read
// without parsing again; otherwise the text's directive is all there is.
func (s *Server) machinesOf(tree *syntax.File, text *textIndex) []string {
	var names []string
	if tree != nil {
		names = lint.MachinesOf(tree, s.lintConfig())
	} else {
		names = lint.MachineNames([]byte(text.text), s.lintConfig())
	}
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
