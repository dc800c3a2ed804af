package lint

import (
	"github.com/vmt-dev/vmt/analysis"
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
		for b, bi := range p.Bindings {
			if (b.Scope != resolve.Local && b.Scope != resolve.Cell) || !bi.InDef {
				continue
			}
			name := bi.First.Name
			var what string
			switch {
			case p.Globals.Machines.Idents[name] != "" || (name == lang.MachineAlias && p.Globals.Has(lang.MachineAlias)):
				what = "the machine"
			case p.Table.Value(name) != nil && p.Table.Type(name) != nil:
				what = "the module"
			case p.Table.Func(name) != nil || p.Table.Value(name) != nil:
				what = "the builtin"
			case lang.IsStarlarkBuiltin(name):
				what = "the Starlark builtin"
			default:
				continue
			}
			kind := "local variable"
			switch bi.Kind {
			case analysis.SiteParam:
				kind = "parameter"
			case analysis.SiteLoop:
				kind = "loop variable"
			case analysis.SiteDef:
				kind = "local function"
			}
			p.reportNode(r, bi.First, "%s %q shadows %s of the same name", kind, name, what)
		}
	},
}
