package lint

import (
	"fmt"

	"github.com/vmt-dev/vmt/internal/suggest"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

var ruleUndefinedName = &Rule{
	Name:     "undefined-name",
	Severity: Error,
	Doc: "A name is used that is neither a builtin of the script API, a Starlark builtin, " +
		"a machine or VLAN of the test, nor defined by the script. The message suggests the closest " +
		"known name. Machine globals exist only for the test's machines: name them with " +
		"`vmt lint --machines a,b` or `--start-scripts`, declare them with `create_machine(\"a\")`, " +
		"or write `# vmt: machines=a,b` in the script for editors. As in Starlark, a module-level " +
		"name used before its first assignment is undefined at that point.",
	run: func(r *Rule, p *pass) {
		var candidates []string
		syntax.Walk(p.file, func(n syntax.Node) bool {
			id, ok := n.(*syntax.Ident)
			if !ok {
				return true
			}
			b := bindingOf(id)
			if b == nil || b.Scope != resolve.Undefined {
				return true
			}
			if id.Name == "machine" && p.machines.known {
				return true // ambiguous-machine explains this one
			}
			if candidates == nil {
				candidates = append(candidates, p.table.GlobalNames()...)
				candidates = append(candidates, lang.StarlarkBuiltins()...)
				for ident := range p.machines.idents {
					candidates = append(candidates, ident)
				}
				candidates = append(candidates, p.scriptNames()...)
			}
			msg := fmt.Sprintf("undefined name %q", id.Name)
			if guess := suggest.Closest(id.Name, candidates); guess != "" {
				msg += fmt.Sprintf("; did you mean %q?", guess)
			} else if !p.machines.known {
				msg += "; if it is a machine, name it with --machines or `# vmt: machines=...`"
			}
			p.reportNode(r, id, "%s", msg)
			return true
		})
	},
}
