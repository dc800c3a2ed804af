package lsp

import "sort"

// machineAlias is the global naming the only machine of a test. The server
// treats it as a Machine whatever the script says, so that completion
// works in a script whose machines come from start scripts it cannot see.
const machineAlias = "machine"

// machinesOf returns the machine names of a document, resolved the way
// `vmt lint` resolves them.
func (s *Server) machinesOf(doc *snapshot) []string {
	names := append([]string(nil), s.machines...)
	sort.Strings(names)
	return names
}
