package lint

import (
	"fmt"

	"github.com/vmt-dev/vmt/internal/suggest"
	"go.starlark.net/syntax"
)

var ruleUnknownAttribute = &Rule{
	Name:     "unknown-attribute",
	Severity: Error,
	Doc: "An attribute or method is used on a value whose type the linter knows — a machine, " +
		"a VLAN, a polling condition, a regular-expression match or one of the modules json, re, " +
		"shlex and time — and that type has no such member. The message suggests the closest member " +
		"(`machine.succed` → `succeed`). Values of unknown type are not checked.",
	run: func(r *Rule, p *pass) {
		syntax.Walk(p.file, func(n syntax.Node) bool {
			dot, ok := n.(*syntax.DotExpr)
			if !ok {
				return true
			}
			ty := p.table.Type(p.typeOf(dot.X))
			if ty == nil {
				return true
			}
			name := dot.Name.Name
			if p.table.Method(ty.Name, name) != nil || p.table.Attr(ty.Name, name) != nil {
				return true
			}
			kind := "type " + ty.Name
			if ty.Module {
				kind = "module " + ty.Name
			}
			msg := fmt.Sprintf("%s has no attribute %q", kind, name)
			if guess := suggest.Closest(name, ty.MemberNames()); guess != "" {
				msg += fmt.Sprintf("; did you mean %q?", guess)
			}
			p.reportNode(r, dot.Name, "%s", msg)
			return true
		})
	},
}
