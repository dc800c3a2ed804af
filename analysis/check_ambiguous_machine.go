package analysis

import (
	"strings"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

var checkAmbiguousMachine = &Check{
	Name: "ambiguous-machine",
	Doc: "The global `machine` is an alias that exists only when the test has exactly one machine. " +
		"With several machines it is undefined: call the machine by its own name (`server.succeed(...)`), " +
		"or loop over `machines`.",
	run: func(c *Check, s *Script) {
		if !s.Globals.Machines.Known || len(s.Globals.Machines.Names) == 1 {
			return
		}
		syntax.Walk(s.File, func(n syntax.Node) bool {
			if id, ok := n.(*syntax.Ident); ok && id.Name == lang.MachineAlias {
				if b := s.BindingOf(id); b != nil && b.Scope == resolve.Undefined {
					s.reportNode(c, id,
						"`machine` is only defined when the test has one machine; this one has %d (%s): use one of their names",
						len(s.Globals.Machines.Names), strings.Join(s.Globals.Machines.Names, ", "))
				}
			}
			return true
		})
	},
}
