package lint

import (
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
	"slices"
)

var ruleUnusedAssignment = &Rule{
	Name:     "unused-assignment",
	Severity: Warning,
	Doc: "A value is assigned to a variable and assigned again by a later statement of the same " +
		"block before anything reads it, so the first value is lost — typically a copy-pasted " +
		"`out = machine.succeed(...)` whose check was forgotten. Only straight-line code is " +
		"followed: an `if`, a loop or a call of a script function in between ends the search.",
	run: func(r *Rule, p *pass) {
		forEachBlock(p.File, func(stmts []syntax.Stmt, _ bool) {
			for i, stmt := range stmts {
				id, b := p.assignedIdent(stmt)
				if b == nil || (b.Scope != resolve.Local && b.Scope != resolve.Global) || p.refersTo(stmt.(*syntax.AssignStmt).RHS, b) {
					continue
				}
				if bi := p.Bindings[b]; bi == nil || bi.Uses == 0 {
					continue // unused-variable reports it
				}
				for _, next := range stmts[i+1:] {
					if nextID, nextB := p.assignedIdent(next); nextB == b {
						if !p.refersTo(next.(*syntax.AssignStmt).RHS, b) {
							p.reportNode(r, id, "the value assigned to %q is never read: line %d assigns it again", id.Name, syntax.Start(nextID).Line)
						}
						break
					}
					if p.refersTo(next, b) || !p.straightLine(next, b.Scope == resolve.Global) {
						break
					}
				}
			}
		})
	},
}

// assignedIdent returns the variable a plain `name = value` statement
// assigns.
func (p *pass) assignedIdent(stmt syntax.Stmt) (*syntax.Ident, *resolve.Binding) {
	assign, ok := stmt.(*syntax.AssignStmt)
	if !ok || assign.Op != syntax.EQ {
		return nil, nil
	}
	id, ok := assign.LHS.(*syntax.Ident)
	if !ok {
		return nil, nil
	}
	return id, p.BindingOf(id)
}

// refersTo reports whether a node mentions the variable at all.
func (p *pass) refersTo(n syntax.Node, b *resolve.Binding) bool {
	found := false
	syntax.Walk(n, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok && p.BindingOf(id) == b {
			found = true
		}
		return !found
	})
	return found
}

// straightLine reports whether control certainly goes from stmt to the next
// statement without reading variables behind the linter's back: a simple
// statement whose calls, when globals matter, are all API calls that call
// no function argument.
func (p *pass) straightLine(stmt syntax.Stmt, global bool) bool {
	switch stmt.(type) {
	case *syntax.ExprStmt, *syntax.AssignStmt:
	default:
		return false
	}
	if !global {
		return true
	}
	safe := true
	syntax.Walk(stmt, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok {
			return safe
		}
		c := p.CallOf(call)
		if c == nil {
			safe = false
			return false
		}
		for _, a := range c.Args {
			if slices.Contains(lang.BaseTypes(a.Param.Type), "callable") {
				safe = false
			}
		}
		return safe
	})
	return safe
}

// forEachBlock calls visit for the file's statements and every statement
// list nested in them; body is true for the file and function bodies,
// whose first string literal is a docstring.
func forEachBlock(file *syntax.File, visit func(stmts []syntax.Stmt, body bool)) {
	var walk func(stmts []syntax.Stmt, body bool)
	walk = func(stmts []syntax.Stmt, body bool) {
		visit(stmts, body)
		for _, stmt := range stmts {
			switch stmt := stmt.(type) {
			case *syntax.IfStmt:
				walk(stmt.True, false)
				walk(stmt.False, false)
			case *syntax.ForStmt:
				walk(stmt.Body, false)
			case *syntax.WhileStmt:
				walk(stmt.Body, false)
			case *syntax.DefStmt:
				walk(stmt.Body, true)
			}
		}
	}
	walk(file.Stmts, true)
}
