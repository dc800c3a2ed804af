package lint

import (
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// literalType is the type of an expression whose type shows in its syntax
// (a literal, a display, a lambda), or "".
func literalType(e syntax.Expr) string {
	switch e := unparen(e).(type) {
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
		if b := bindingOf(e); b != nil && b.Scope == resolve.Universal {
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
	if lit, ok := unparen(e).(*syntax.Literal); ok {
		if len(lit.Raw) > 30 {
			return lit.Raw[:27] + "..."
		}
		return lit.Raw
	}
	return ""
}
