package analysis

import (
	"fmt"

	"github.com/vmt-dev/vmt/internal/suggest"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

var checkUnknownAttribute = &Check{
	Name: "unknown-attribute",
	Doc: "An attribute or method is used on a value whose type the analysis knows — a machine " +
		"(also a parameter of the script's own function that its callers pass a machine), " +
		"a VLAN, a polling condition, a regular-expression match or one of the modules json, re, " +
		"shlex and time — and that type has no such member. The message suggests the closest member " +
		"(`machine.succed` → `succeed`). Values of unknown type are not checked.",
	run: func(c *Check, s *Script) {
		syntax.Walk(s.File, func(n syntax.Node) bool {
			dot, ok := n.(*syntax.DotExpr)
			if !ok {
				return true
			}
			ty := s.Table.Type(NonNone(s.TypeOf(dot.X)))
			if ty == nil {
				return true
			}
			name := dot.Name.Name
			if s.Table.Method(ty.Name, name) != nil || s.Table.Attr(ty.Name, name) != nil {
				return true
			}
			s.reportNode(c, dot.Name, "%s", UnknownAttributeMessage(ty, name))
			return true
		})
	},
}

// UnknownAttributeMessage is the message for a member a type does not
// have, with the closest member; the runtime can say the same when it
// meets one the check could not see.
func UnknownAttributeMessage(ty *lang.Type, name string) string {
	kind := "type " + ty.Name
	if ty.Module {
		kind = "module " + ty.Name
	}
	msg := fmt.Sprintf("%s has no attribute %q", kind, name)
	if guess := suggest.Closest(name, ty.MemberNames()); guess != "" {
		msg += fmt.Sprintf("; did you mean %q?", guess)
	}
	return msg
}
