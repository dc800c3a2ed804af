package lint

import (
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

var ruleUnreachableCode = &Rule{
	Name:     "unreachable-code",
	Severity: Warning,
	Doc: "Statements follow a `return`, `break`, `continue` or `fail(...)` in the same block, or an " +
		"`if` whose branches all end that way, so they never run. A test step placed there is " +
		"silently skipped.",
	run: func(r *Rule, p *pass) {
		forEachBlock(p.File, func(stmts []syntax.Stmt, _ bool) {
			for i, stmt := range stmts[:max(len(stmts)-1, 0)] {
				if p.terminates(stmt) {
					start := syntax.Start(stmts[i+1])
					_, end := stmts[len(stmts)-1].Span()
					p.report(r, start, end, "unreachable code: %s on line %d leaves the block first", exitKind(stmt), syntax.Start(stmt).Line)
					return
				}
			}
		})
	},
}

// terminates reports whether control never continues after stmt.
func (p *pass) terminates(stmt syntax.Stmt) bool {
	switch stmt := stmt.(type) {
	case *syntax.ReturnStmt:
		return true
	case *syntax.BranchStmt:
		return stmt.Token == syntax.BREAK || stmt.Token == syntax.CONTINUE
	case *syntax.ExprStmt:
		call, ok := stmt.X.(*syntax.CallExpr)
		if !ok {
			return false
		}
		id, ok := call.Fn.(*syntax.Ident)
		if !ok || id.Name != "fail" {
			return false
		}
		b := p.BindingOf(id)
		return b != nil && (b.Scope == resolve.Predeclared || b.Scope == resolve.Universal)
	case *syntax.IfStmt:
		return len(stmt.False) > 0 && p.blockTerminates(stmt.True) && p.blockTerminates(stmt.False)
	}
	return false
}

func (p *pass) blockTerminates(stmts []syntax.Stmt) bool {
	for _, stmt := range stmts {
		if p.terminates(stmt) {
			return true
		}
	}
	return false
}

// exitKind names the statement that ends a block, for messages.
func exitKind(stmt syntax.Stmt) string {
	switch stmt := stmt.(type) {
	case *syntax.ReturnStmt:
		return "the return"
	case *syntax.BranchStmt:
		return "the " + stmt.Token.String()
	case *syntax.IfStmt:
		return "the if, whose branches all end,"
	}
	return "fail()"
}
