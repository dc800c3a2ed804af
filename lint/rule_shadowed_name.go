package lint

import (
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
)

var ruleShadowedName = &Rule{
	Name:     "shadowed-name",
	Severity: Warning,
	Doc: "A parameter or local variable of a function, lambda or comprehension has the name of a " +
		"builtin, a module or a machine, which is then unreachable inside it: `def check(machine):` " +
		"hides the test's `machine`, `json = ...` in a function hides the json module. Rename the " +
		"local. Rebinding at module level is not reported: it is how scripts keep a machine returned " +
		"by `create_machine`.",
	run: func(r *Rule, p *pass) {
		for b, bi := range p.bindings {
			if (b.Scope != resolve.Local && b.Scope != resolve.Cell) || !bi.inDef {
				continue
			}
			name := bi.first.Name
			var what string
			switch {
			case p.machines.idents[name] != "" || (name == "machine" && p.machines.aliasDefined()):
				what = "the machine"
			case p.table.Value(name) != nil && p.table.Type(name) != nil:
				what = "the module"
			case p.table.Func(name) != nil || p.table.Value(name) != nil:
				what = "the builtin"
			case lang.IsStarlarkBuiltin(name):
				what = "the Starlark builtin"
			default:
				continue
			}
			kind := "local variable"
			switch bi.kind {
			case siteParam:
				kind = "parameter"
			case siteLoop:
				kind = "loop variable"
			case siteDef:
				kind = "local function"
			}
			p.reportNode(r, bi.first, "%s %q shadows %s of the same name", kind, name, what)
		}
	},
}
