package analysis

import (
	"fmt"
	"sort"

	"github.com/vmt-dev/vmt/internal/suggest"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

var checkUndefinedName = &Check{
	Name: "undefined-name",
	Doc: "A name is used that is neither a builtin of the script API, a Starlark builtin, " +
		"a machine or VLAN of the test, nor defined by the script. The message suggests the closest " +
		"known name. Machine globals exist only for the test's machines: name them with " +
		"`vmt lint --machines a,b` or `--start-scripts`, declare them with `create_machine(\"a\")`, " +
		"or write `# vmt: machines=a,b` in the script for editors. As in Starlark, a module-level " +
		"name used before its first assignment is undefined at that point.",
	run: func(c *Check, s *Script) {
		var candidates []string
		syntax.Walk(s.File, func(n syntax.Node) bool {
			id, ok := n.(*syntax.Ident)
			if !ok {
				return true
			}
			b := s.BindingOf(id)
			if b == nil || b.Scope != resolve.Undefined {
				return true
			}
			if id.Name == lang.MachineAlias && s.Globals.Machines.Known {
				return true // ambiguous-machine explains this one
			}
			if s.boundOnRepairedLine(id.Name) {
				return true // its assignment is on a line that does not parse
			}
			if candidates == nil {
				candidates = append(candidates, s.Globals.Names()...)
				candidates = append(candidates, lang.StarlarkBuiltins()...)
				candidates = append(candidates, s.scriptNames()...)
				sort.Strings(candidates) // ties go to the first, the same each run
			}
			msg := fmt.Sprintf("undefined name %q", id.Name)
			if guess := suggest.Closest(id.Name, candidates); guess != "" {
				msg += fmt.Sprintf("; did you mean %q?", guess)
			} else if !s.Globals.Machines.Known {
				msg += "; if it is a machine, name it with --machines or `# vmt: machines=...`"
			}
			s.reportNode(c, id, "%s", msg)
			return true
		})
	},
}
