package lsp

import (
	"errors"
	"strings"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// analysis is what the server knows about one version of a script beyond
// its text: the syntax tree with resolved names, the machine names and the
// inferred types of the script's bindings.
type analysis struct {
	// tree is nil when no version of the script ever parsed.
	tree *syntax.File
	// treeText indexes the text tree was parsed from; its positions convert
	// through it.
	treeText *textIndex
	// current is true when tree's lines are those of the analysed text
	// (parsed as is, or with broken lines replaced).
	current bool
	typer   *typer
	// machines are the globals of the script's machines, sorted.
	machines []string
}

// matches reports whether the tree's positions are those of text, which
// is false for the tree of an earlier version.
func (a *analysis) matches(text *textIndex) bool {
	return a.current && a.treeText == text
}

// repairAttempts bounds how many times a broken line is replaced before
// the server falls back to the last tree that parsed.
const repairAttempts = 4

// analyse parses text, replacing broken lines by `pass` so that a
// half-typed line does not hide the rest of the script; when that fails it
// keeps previous, the last analysis with a tree.
func analyse(srv *Server, filename string, index *textIndex, previous *analysis) *analysis {
	a := &analysis{}
	original := make([]string, index.lineCount())
	for i := range original {
		original[i] = index.line(i)
	}
	lines := append([]string(nil), original...)
	src := index.text
	for attempt := 0; attempt <= repairAttempts; attempt++ {
		tree, err := lang.FileOptions().Parse(filename, src, syntax.RetainComments)
		if err == nil {
			a.tree, a.treeText, a.current = tree, index, true
			break
		}
		var syntaxErr syntax.Error
		if !errors.As(err, &syntaxErr) || attempt == repairAttempts {
			break
		}
		line := int(syntaxErr.Pos.Line) - 1
		if line < 0 || line >= len(lines) {
			break
		}
		if lines[line] != original[line] {
			// Still broken after its repair: the error is reported on the
			// line after the one that breaks it (`machine.` then a name).
			lines[line] = original[line]
			line = previousCodeLine(lines, line)
			if line < 0 {
				break
			}
		}
		lines[line] = passLine(lines[line])
		src = strings.Join(lines, "\n")
	}
	a.machines = srv.machinesOf(a.tree, index)
	if a.tree == nil && previous != nil {
		a.tree, a.treeText, a.machines = previous.tree, previous.treeText, previous.machines
	}
	a.typer = newTyper(srv.table, a.tree, a.machines)
	return a
}

// previousCodeLine returns the nearest line before line holding more than
// blanks and a comment, or -1.
func previousCodeLine(lines []string, line int) int {
	for i := line - 1; i >= 0; i-- {
		if code := strings.TrimSpace(lines[i]); code != "" && !strings.HasPrefix(code, "#") {
			return i
		}
	}
	return -1
}

// passLine replaces a broken line by a `pass` at its indentation, which
// keeps the lines of the block it is in, and the lines and columns of
// every other line. The rest of the server reads positions of the
// original text, so the replaced line must bind nothing.
func passLine(line string) string {
	indent := len(line) - len(strings.TrimLeft(line, " \t"))
	return line[:indent] + "pass"
}

// newTyper resolves the tree's names and infers the types of the values
// the script binds.
func newTyper(table *lang.Table, tree *syntax.File, machines []string) *typer {
	ty := &typer{
		table:    table,
		machines: make(map[string]bool, len(machines)),
		bound:    map[string]string{},
		defs:     map[string]*syntax.DefStmt{},
	}
	for _, m := range machines {
		ty.machines[m] = true
	}
	if tree == nil {
		return ty
	}
	// Every name counts as predeclared: undefined names are the linter's
	// business, the server only needs the bindings.
	everything := func(string) bool { return true }
	// The resolver's errors are reported by the linter; the bindings it
	// sets are all the server needs, and it sets them despite errors.
	_ = resolve.File(tree, everything, lang.IsStarlarkBuiltin)
	for _, stmt := range tree.Stmts {
		if def, ok := stmt.(*syntax.DefStmt); ok {
			ty.defs[def.Name.Name] = def
		}
	}
	// Assignments are typed in source order; a second pass lets a name
	// take its type from one assigned further down (in a function body).
	// Parameters are left out: `def check(machine)` most likely takes a
	// Machine, and its name must not hide the global.
	for pass := 0; pass < 2; pass++ {
		syntax.Walk(tree, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.AssignStmt:
				if n.Op == syntax.EQ {
					ty.bind(n.LHS, ty.typeOf(chainOfExpr(n.RHS)))
				}
			case *syntax.ForStmt:
				ty.bind(n.Vars, elementType(ty.typeOf(chainOfExpr(n.X))))
			case *syntax.ForClause:
				ty.bind(n.Vars, elementType(ty.typeOf(chainOfExpr(n.X))))
			}
			return true
		})
	}
	return ty
}

// bind records that the script binds the name of lhs, with the given type
// unless an earlier binding already gave it a type. Names bound to values
// of different types keep the first.
func (ty *typer) bind(lhs syntax.Expr, typ string) {
	id, ok := lhs.(*syntax.Ident)
	if !ok {
		// Tuple targets: the names are bound, their types unknown.
		syntax.Walk(lhs, func(n syntax.Node) bool {
			if id, ok := n.(*syntax.Ident); ok {
				if _, seen := ty.bound[id.Name]; !seen {
					ty.bound[id.Name] = ""
				}
			}
			return true
		})
		return
	}
	if ty.bound[id.Name] == "" {
		ty.bound[id.Name] = typ
	}
}

// paramIdent returns the name a def parameter binds: x, x=default, *x, **x.
func paramIdent(p syntax.Expr) *syntax.Ident {
	switch p := p.(type) {
	case *syntax.Ident:
		return p
	case *syntax.BinaryExpr:
		if id, ok := p.X.(*syntax.Ident); ok {
			return id
		}
	case *syntax.UnaryExpr:
		if id, ok := p.X.(*syntax.Ident); ok {
			return id
		}
	}
	return nil
}
