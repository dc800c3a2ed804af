package lint

import (
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

var ruleNoEffect = &Rule{
	Name:     "no-effect",
	Severity: Warning,
	Doc: "An expression statement computes a value and drops it, so it does nothing: " +
		"`machine.shutdown` without parentheses is not a call, and a bare comparison such as " +
		"`out == \"ok\"` checks nothing (Python's `assert` is `assert_true`/`assert_eq` here). " +
		"A string literal as the first statement of the file or of a function is a docstring and " +
		"is allowed.",
	run: func(r *Rule, p *pass) {
		forEachBlock(p.file.Stmts, func(stmts []syntax.Stmt) {
			for i, stmt := range stmts {
				es, ok := stmt.(*syntax.ExprStmt)
				if !ok {
					continue
				}
				if msg := p.noEffect(es.X, i == 0 && p.isDocstringBlock(stmts)); msg != "" {
					p.reportNode(r, es.X, "%s", msg)
				}
			}
		})
	},
}

// isDocstringBlock reports whether stmts is the file or a function body,
// whose first string literal documents it.
func (p *pass) isDocstringBlock(stmts []syntax.Stmt) bool {
	if len(stmts) == 0 {
		return false
	}
	if len(p.file.Stmts) > 0 && p.file.Stmts[0] == stmts[0] {
		return true
	}
	isBody := false
	syntax.Walk(p.file, func(n syntax.Node) bool {
		if def, ok := n.(*syntax.DefStmt); ok && len(def.Body) > 0 && def.Body[0] == stmts[0] {
			isBody = true
		}
		return !isBody
	})
	return isBody
}

// noEffect explains why an expression statement does nothing, or returns
// "" when it does something.
func (p *pass) noEffect(x syntax.Expr, docstring bool) string {
	switch x := unparen(x).(type) {
	case *syntax.CallExpr:
		return ""
	case *syntax.Literal:
		if x.Token == syntax.STRING && docstring {
			return ""
		}
		if x.Token == syntax.STRING {
			return "a string on its own does nothing; write comments with #"
		}
	case *syntax.DotExpr:
		if p.table.Method(p.typeOf(x.X), x.Name.Name) != nil {
			return "method " + x.Name.Name + " is not called: add parentheses"
		}
	case *syntax.Ident:
		b := bindingOf(x)
		if b != nil && b.Scope == resolve.Predeclared && p.table.Func(x.Name) != nil {
			return x.Name + " is not called: add parentheses"
		}
		if b != nil && p.bindings[b] != nil && p.bindings[b].def != nil {
			return x.Name + " is not called: add parentheses"
		}
	case *syntax.BinaryExpr:
		switch x.Op {
		case syntax.EQL, syntax.NEQ, syntax.LT, syntax.GT, syntax.LE, syntax.GE, syntax.IN, syntax.NOT_IN:
			return "the comparison's result is unused; check it with assert_true(...) or assert_eq(...)"
		}
	}
	return "expression has no effect"
}
