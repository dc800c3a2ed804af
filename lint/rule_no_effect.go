package lint

import (
	"github.com/vmt-dev/vmt/analysis"
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
		forEachBlock(p.File, func(stmts []syntax.Stmt, body bool) {
			for i, stmt := range stmts {
				es, ok := stmt.(*syntax.ExprStmt)
				if !ok {
					continue
				}
				if msg := p.noEffect(es.X, i == 0 && body); msg != "" {
					p.reportNode(r, es.X, "%s", msg)
				}
			}
		})
	},
}

// noEffect explains why an expression statement does nothing, or returns
// "" when it does something.
func (p *pass) noEffect(x syntax.Expr, docstring bool) string {
	switch x := analysis.Unparen(x).(type) {
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
		if p.Table.Method(analysis.NonNone(p.TypeOf(x.X)), x.Name.Name) != nil {
			return "method " + x.Name.Name + " is not called: add parentheses"
		}
	case *syntax.Ident:
		b := p.BindingOf(x)
		if b != nil && b.Scope == resolve.Predeclared && p.Table.Func(x.Name) != nil {
			return x.Name + " is not called: add parentheses"
		}
		if b != nil && p.Bindings[b] != nil && p.Bindings[b].Def != nil {
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
