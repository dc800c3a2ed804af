package lint

import (
	"github.com/vmt-dev/vmt/analysis"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

var ruleDeprecated = &Rule{
	Name:     "deprecated",
	Severity: Warning,
	Doc: "A deprecated name of the script API is used, such as `copy_from_vm` (now " +
		"`copy_from_machine`). It still works; `vmt lint --fix` renames it to its replacement, " +
		"which takes the same arguments.",
	run: func(r *Rule, p *pass) {
		syntax.Walk(p.File, func(n syntax.Node) bool {
			var id *syntax.Ident
			var replacement string
			switch n := n.(type) {
			case *syntax.DotExpr:
				if m := p.Table.Method(analysis.NonNone(p.TypeOf(n.X)), n.Name.Name); m != nil {
					id, replacement = n.Name, m.Deprecated
				}
			case *syntax.Ident:
				if b := p.BindingOf(n); b != nil && b.Scope == resolve.Predeclared {
					if f := p.Table.Func(n.Name); f != nil {
						id, replacement = n, f.Deprecated
					}
				}
			}
			if id == nil || replacement == "" {
				return true
			}
			start, end := id.Span()
			fix := &Fix{Edits: []Edit{{Pos: analysis.PositionOf(start), End: analysis.PositionOf(end), New: replacement}}}
			p.reportFix(r, start, end, fix, "%s is deprecated: use %s", id.Name, replacement)
			return true
		})
	},
}
