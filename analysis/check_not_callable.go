package analysis

import (
	"slices"
	"strings"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

var checkNotCallable = &Check{
	Name: "not-callable",
	Doc: "A parameter that takes a function — `subtest(name, fn)`, `retry(fn)`, " +
		"`polling_condition(fn)`, `assert_fails(fn)`, `wait_for_qmp_event(event_filter)` — gets " +
		"something that is not one. The usual mistake is calling the function instead of passing it: " +
		"`subtest(\"boot\", check())` runs `check` at once and passes its result; write " +
		"`subtest(\"boot\", check)`. Literals, results of API calls that return no function, and " +
		"calls of script functions that return nothing are reported.",
	run: func(c *Check, s *Script) {
		for _, call := range s.calls {
			for _, a := range call.Args {
				bases := lang.BaseTypes(a.Param.Type)
				if !slices.Contains(bases, "callable") {
					continue
				}
				if why := s.notCallable(a.Value, bases); why != "" {
					s.reportNode(c, a.Value, "%s: %q must be a function, but %s", call.DisplayName(), a.Param.Name, why)
				}
			}
		}
	},
}

// notCallable explains why a value passed for a function parameter is not
// a function, or returns "" when it may be one.
func (s *Script) notCallable(value syntax.Expr, bases []string) string {
	if lit := literalType(value); lit != "" {
		if accepts(bases, lit) {
			return ""
		}
		return "it is " + article(lit)
	}
	call, ok := Unparen(value).(*syntax.CallExpr)
	if !ok {
		if t := s.TypeOf(value); t != "" && !accepts(bases, t) && !slices.Contains(lang.BaseTypes(t), "callable") {
			return "it is " + article(t)
		}
		return ""
	}
	if fn, _ := s.calleeOf(call); fn != nil {
		returns := lang.BaseTypes(fn.Returns)
		if slices.Contains(returns, "callable") || slices.Contains(returns, "any") {
			return ""
		}
		return fn.Name + "(...) is called here and returns " + fn.Returns
	}
	if id, ok := Unparen(call.Fn).(*syntax.Ident); ok {
		if b := s.BindingOf(id); b != nil {
			if bi := s.Bindings[b]; bi != nil && bi.Def != nil && !returnsValue(bi.Def.Body) && len(bi.Values) == 0 {
				return id.Name + "() is called here and returns None: pass " + id.Name + " without parentheses"
			}
		}
	}
	return ""
}

// returnsValue reports whether a function body has a `return value`
// (nested functions aside).
func returnsValue(body []syntax.Stmt) bool {
	found := false
	for _, stmt := range body {
		syntax.Walk(stmt, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.DefStmt, *syntax.LambdaExpr:
				return false
			case *syntax.ReturnStmt:
				if n.Result != nil {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// article puts "a" or "an" before a type name.
func article(typ string) string {
	if strings.ContainsRune("aeiouAEIOU", rune(typ[0])) {
		return "an " + typ
	}
	return "a " + typ
}
