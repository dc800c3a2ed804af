package lint

import (
	"github.com/vmt-dev/vmt/analysis"
	"strings"

	"go.starlark.net/resolve"
)

var ruleUnusedVariable = &Rule{
	Name:     "unused-variable",
	Severity: Warning,
	Doc: "A variable is assigned but never read, in a function or at module level — often a " +
		"result that was meant to be checked (`out = machine.succeed(...)` with no assertion on " +
		"`out`). Names starting with `_`, function parameters, loop variables and names unpacked " +
		"from a tuple (`status, out = machine.execute(...)`) are not reported.",
	run: func(r *Rule, p *pass) {
		for b, bi := range p.Bindings {
			if b.Scope != resolve.Local && b.Scope != resolve.Global {
				continue
			}
			if bi.Kind != analysis.SiteAssign || bi.Uses > 0 || strings.HasPrefix(bi.First.Name, "_") {
				continue
			}
			p.reportNode(r, bi.First, "%q is assigned but never used", bi.First.Name)
		}
	},
}
