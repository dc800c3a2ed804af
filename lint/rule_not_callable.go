package lint

import (
	"slices"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

var ruleNotCallable = &Rule{
	Name:     "not-callable",
	Severity: Error,
	Doc: "A parameter that takes a function — `subtest(name, fn)`, `retry(fn)`, " +
		"`polling_condition(fn)`, `assert_fails(fn)`, `wait_for_qmp_event(event_filter)` — gets " +
		"something that is not one. The usual mistake is calling the function instead of passing it: " +
		"`subtest(\"boot\", check())` runs `check` at once and passes its result; write " +
		"`subtest(\"boot\", check)`. Literals, results of API calls that return no function, and " +
		"calls of script functions that return nothing are reported.",
	run: func(r *Rule, p *pass) {
		for _, c := range p.calls {
			for _, a := range c.args {
				bases := lang.BaseTypes(a.param.Type)
				if !slices.Contains(bases, "callable") {
					continue
				}
				if why := p.notCallable(a.value, bases); why != "" {
					p.reportNode(r, a.value, "%s: %q must be a function, but %s", c.displayName(), a.param.Name, why)
				}
			}
		}
	},
}

// notCallable explains why a value passed for a function parameter is not
// a function, or returns "" when it may be one.
func (p *pass) notCallable(value syntax.Expr, bases []string) string {
	if lit := literalType(value); lit != "" {
		if accepts(bases, lit) {
			return ""
		}
		return "it is a " + lit
	}
	call, ok := unparen(value).(*syntax.CallExpr)
	if !ok {
		if t := p.typeOf(value); t != "" && !accepts(bases, t) && !slices.Contains(lang.BaseTypes(t), "callable") {
			return "it is a " + t
		}
		return ""
	}
	if fn, _ := p.calleeOf(call); fn != nil {
		returns := lang.BaseTypes(fn.Returns)
		if slices.Contains(returns, "callable") || slices.Contains(returns, "any") {
			return ""
		}
		return fn.Name + "(...) is called here and returns " + fn.Returns
	}
	if id, ok := unparen(call.Fn).(*syntax.Ident); ok {
		if b := bindingOf(id); b != nil {
			if bi := p.bindings[b]; bi != nil && bi.def != nil && !returnsValue(bi.def.Body) && len(bi.values) == 0 {
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
