package lint

import (
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

var ruleAmbiguousMachine = &Rule{
	Name:     "ambiguous-machine",
	Severity: Error,
	Doc: "The global `machine` is an alias that exists only when the test has exactly one machine. " +
		"With several machines it is undefined: call the machine by its own name (`server.succeed(...)`), " +
		"or loop over `machines`.",
	run: func(r *Rule, p *pass) {
		if !p.machines.known || len(p.machines.names) == 1 {
			return
		}
		syntax.Walk(p.file, func(n syntax.Node) bool {
			if id, ok := n.(*syntax.Ident); ok && id.Name == "machine" {
				if b := bindingOf(id); b != nil && b.Scope == resolve.Undefined {
					p.reportNode(r, id,
						"`machine` is only defined when the test has one machine; this one has %d (%s): use one of their names",
						len(p.machines.names), strings.Join(p.machines.names, ", "))
				}
			}
			return true
		})
	},
}
