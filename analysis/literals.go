package analysis

import (
	"fmt"

	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// literalType is the type of an expression whose type shows in its syntax
// (a literal, a display, a lambda), or "".
func literalType(e syntax.Expr) string {
	switch e := Unparen(e).(type) {
	case *syntax.Literal:
		switch e.Token {
		case syntax.STRING:
			return "str"
		case syntax.BYTES:
			return "bytes"
		case syntax.INT:
			return "int"
		case syntax.FLOAT:
			return "float"
		}
	case *syntax.UnaryExpr:
		if e.Op == syntax.MINUS || e.Op == syntax.PLUS {
			if t := literalType(e.X); t == "int" || t == "float" {
				return t
			}
		}
	case *syntax.Ident:
		if b := resolved(e); b != nil && b.Scope == resolve.Universal {
			switch e.Name {
			case "True", "False":
				return "bool"
			case "None":
				return "None"
			}
		}
	case *syntax.ListExpr:
		return "list"
	case *syntax.DictExpr:
		return "dict"
	case *syntax.TupleExpr:
		return "tuple"
	case *syntax.Comprehension:
		if e.Curly {
			return "dict"
		}
		return "list"
	case *syntax.LambdaExpr:
		return "callable"
	}
	return ""
}

// accepts reports whether a value of type got fits the base types of a
// parameter: any fits everything, and an int fits a float.
func accepts(bases []string, got string) bool {
	for _, b := range bases {
		if b == "any" || b == got || (b == "float" && got == "int") {
			return true
		}
	}
	return false
}

// shortSource is the source text of a small expression for messages.
func shortSource(e syntax.Expr) string {
	if lit, ok := Unparen(e).(*syntax.Literal); ok {
		if len(lit.Raw) > 30 {
			return lit.Raw[:27] + "..."
		}
		return lit.Raw
	}
	return ""
}

// constString returns the value of a string literal, or of a variable
// bound once, to a string literal, by an assignment (a regular expression
// or format kept in a variable), and the literal; nil when e holds no
// known string.
func (s *Script) constString(e syntax.Expr) (string, *syntax.Literal) {
	e = Unparen(e)
	if id, ok := e.(*syntax.Ident); ok {
		b := s.BindingOf(id)
		if b == nil {
			return "", nil
		}
		bi := s.Bindings[b]
		if bi == nil || bi.Unknown || bi.Param != nil || bi.Def != nil || len(bi.Values) != 1 || len(bi.Loops) != 0 || bi.Kind != SiteAssign {
			return "", nil
		}
		e = Unparen(bi.Values[0])
	}
	lit, ok := e.(*syntax.Literal)
	if !ok || lit.Token != syntax.STRING {
		return "", nil
	}
	str, _ := lit.Value.(string)
	return str, lit
}

// assignedAt says where the string of a variable was written, for a
// finding reported where the variable is used; "" for a literal.
func assignedAt(use syntax.Expr, lit *syntax.Literal) string {
	if Unparen(use) == syntax.Expr(lit) {
		return ""
	}
	return fmt.Sprintf(" (assigned on line %d)", lit.TokenPos.Line)
}
