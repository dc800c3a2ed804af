package analysis

import (
	"fmt"

	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

var checkDuplicateKey = &Check{
	Name: "duplicate-key",
	Doc: "A dict literal lists the same constant key twice. Starlark stops the script with an " +
		"error when it evaluates such a literal; in Python the second value silently won.",
	run: func(c *Check, s *Script) {
		syntax.Walk(s.File, func(n syntax.Node) bool {
			dict, ok := n.(*syntax.DictExpr)
			if !ok {
				return true
			}
			seen := map[string]syntax.Position{}
			for _, entry := range dict.List {
				key := constantKey(entry.(*syntax.DictEntry).Key)
				if key == "" {
					continue
				}
				k := entry.(*syntax.DictEntry).Key
				if first, dup := seen[key]; dup {
					s.reportNode(c, k, "duplicate key %s in dict literal (first on line %d)", key, first.Line)
					continue
				}
				seen[key] = syntax.Start(k)
			}
			return true
		})
	},
}

// constantKey renders a constant dict key so equal keys compare equal, or
// returns "" for keys known only when the script runs.
func constantKey(e syntax.Expr) string {
	switch e := Unparen(e).(type) {
	case *syntax.Literal:
		if e.Token == syntax.STRING {
			return fmt.Sprintf("%q", e.Value)
		}
		if e.Token == syntax.INT {
			return fmt.Sprint(e.Value)
		}
	case *syntax.Ident:
		if b := resolved(e); b != nil && b.Scope == resolve.Universal && (e.Name == "True" || e.Name == "False" || e.Name == "None") {
			return e.Name
		}
	}
	return ""
}
