package lsp

import (
	"sort"
	"strings"

	"github.com/vmt-dev/vmt/lang"
	"github.com/vmt-dev/vmt/lint"
)

// machineAlias is the global naming the only machine of a test. The server
// treats it as a Machine whatever the script says, so that completion
// works in a script whose machines come from start scripts it cannot see.
const machineAlias = "machine"

// machinesOf returns the globals naming the machines of a document, from
// the names `vmt lint` resolves: the server's --machines or else the
// script's `# vmt: machines=a,b` directive, and the machines it creates.
// Resolving them parses the script once more, so the names of the
// previous analysis are kept while the lines they come from are the same.
func (s *Server) machinesOf(text *textIndex, previous *analysis) (machines []string, sources string) {
	sources = machineSources(text)
	if previous != nil && previous.machineSources == sources {
		return previous.machines, sources
	}
	names := lint.MachineNames([]byte(text.text), s.lintConfig())
	idents := make([]string, len(names))
	for i, name := range names {
		idents[i] = lang.MachineIdent(name)
	}
	sort.Strings(idents)
	return idents, sources
}

// machineSources are the lines machine names can come from: directive
// comments and create_machine calls, with the line after each call for a
// name written there.
func machineSources(text *textIndex) string {
	var b strings.Builder
	for i := 0; i < text.lineCount(); i++ {
		line := text.line(i)
		if strings.Contains(line, "vmt:") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
		if strings.Contains(line, "create_machine") {
			b.WriteString(line)
			b.WriteByte('\n')
			b.WriteString(text.line(i + 1))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// lintConfig is what the linter is told besides the script.
func (s *Server) lintConfig() lint.Config {
	return lint.Config{Machines: s.machines, Table: s.table}
}
