package analysis

import (
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// A small type inference, enough to know which expressions are machines,
// modules or other types of the symbol table: `server`, `machines[0]`,
// `for m in machines`, `m = create_machine("m")`, `c = polling_condition(f)`,
// and a parameter of the script's own function that every call site passes
// the same type: `def check(node): node.succeed(...)` called as
// `check(server)`. Types are the table's type expressions; "" means unknown.

// TypeOf infers the type of an expression.
func (s *Script) TypeOf(e syntax.Expr) string {
	switch e := Unparen(e).(type) {
	case *syntax.Ident:
		b := s.BindingOf(e)
		if b == nil {
			return ""
		}
		switch b.Scope {
		case resolve.Predeclared:
			return s.Globals.Type(e.Name)
		case resolve.Universal:
			return literalType(e)
		case resolve.Global, resolve.Local, resolve.Cell, resolve.Free:
			return s.BindingType(b)
		}
	case *syntax.CallExpr:
		if fn, _ := s.calleeOf(e); fn != nil {
			return fn.Returns
		}
	case *syntax.IndexExpr:
		return ElementType(s.TypeOf(e.X))
	case *syntax.DotExpr:
		if a := s.Table.Attr(NonNone(s.TypeOf(e.X)), e.Name.Name); a != nil {
			return a.Type
		}
	case *syntax.ListExpr:
		return sequenceType(s, "list", e.List)
	case *syntax.TupleExpr:
		return sequenceType(s, "tuple", e.List)
	default:
		return literalType(e)
	}
	return ""
}

// sequenceType is "list[T]" for a display whose elements are all of one
// known type T, or the bare kind.
func sequenceType(s *Script, kind string, elems []syntax.Expr) string {
	var agreed string
	for i, x := range elems {
		t := s.TypeOf(x)
		if t == "" || (i > 0 && t != agreed) {
			return kind
		}
		agreed = t
	}
	if agreed == "" {
		return kind
	}
	return kind + "[" + agreed + "]"
}

// BindingType is the type every value bound to a variable agrees on.
func (s *Script) BindingType(b *resolve.Binding) string {
	if t, done := s.types[b]; done {
		return t // "" also while in progress, which breaks cycles
	}
	s.types[b] = ""
	bi := s.Bindings[b]
	if bi == nil || bi.Unknown {
		return ""
	}
	if bi.Def != nil {
		if len(bi.Values)+len(bi.Loops) == 0 {
			s.types[b] = "callable"
			return "callable"
		}
		return ""
	}
	var agreed string
	n := 0
	agree := func(t string) bool {
		if t == "" || (n > 0 && t != agreed) {
			return false
		}
		agreed = t
		n++
		return true
	}
	if bi.Param != nil {
		t := s.paramType(b, bi)
		if !agree(t) {
			return ""
		}
	}
	for _, v := range bi.Values {
		if !agree(s.TypeOf(v)) {
			return ""
		}
	}
	for _, x := range bi.Loops {
		if !agree(ElementType(s.TypeOf(x))) {
			return ""
		}
	}
	s.types[b] = agreed
	return agreed
}

// paramType is the type every call site of a script function passes for
// one of its parameters (a default counts as a value too), or "" when a
// caller is unknown or the values disagree.
func (s *Script) paramType(b *resolve.Binding, bi *Binding) string {
	sf := s.defs[bi.Param]
	if sf == nil || sf.escapes || len(sf.calls) == 0 {
		return ""
	}
	name := bi.First.Name
	for _, p := range bi.Param.Params {
		if bin, ok := p.(*syntax.BinaryExpr); ok && ParamIdent(p) == bi.First {
			if !isNone(bin.Y) {
				return "" // a default of another type than the callers'
			}
		} else if _, ok := p.(*syntax.UnaryExpr); ok && ParamIdent(p) == bi.First {
			return "" // *args, **kwargs
		}
	}
	var agreed string
	for i, c := range sf.calls {
		if c.Spread {
			return ""
		}
		var value syntax.Expr
		for _, a := range c.Args {
			if a.Param.Name == name {
				value = a.Value
			}
		}
		if value == nil {
			return ""
		}
		t := NonNone(s.TypeOf(value))
		if t == "" || (i > 0 && t != agreed) {
			return ""
		}
		agreed = t
	}
	return agreed
}

func isNone(e syntax.Expr) bool {
	id, ok := Unparen(e).(*syntax.Ident)
	return ok && id.Name == "None"
}
