package lint

import (
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// A small type inference, enough to know which expressions are machines,
// modules or other types of the symbol table: `server`, `machines[0]`,
// `for m in machines`, `m = create_machine("m")`, `c = polling_condition(f)`.
// Types are the table's type expressions; "" means unknown.

// typeOf infers the type of an expression.
func (p *pass) typeOf(e syntax.Expr) string {
	switch e := unparen(e).(type) {
	case *syntax.Ident:
		b := bindingOf(e)
		if b == nil {
			return ""
		}
		switch b.Scope {
		case resolve.Predeclared:
			return p.predeclaredType(e.Name)
		case resolve.Universal:
			return literalType(e)
		case resolve.Global, resolve.Local, resolve.Cell:
			return p.bindingType(b)
		}
	case *syntax.CallExpr:
		if fn, _ := p.calleeOf(e); fn != nil {
			return fn.Returns
		}
	case *syntax.IndexExpr:
		return elemType(p.typeOf(e.X))
	case *syntax.DotExpr:
		if a := p.table.Attr(p.typeOf(e.X), e.Name.Name); a != nil {
			return a.Type
		}
	case *syntax.Literal:
		return literalType(e)
	}
	return ""
}

// predeclaredType is the type of a global the script did not bind itself.
func (p *pass) predeclaredType(name string) string {
	if _, ok := p.machines.idents[name]; ok || name == "machine" {
		return "Machine"
	}
	if isVLanName(name) {
		return "VLan"
	}
	if v := p.table.Value(name); v != nil {
		return v.Type
	}
	if p.table.Func(name) != nil {
		return "callable"
	}
	return ""
}

// bindingType is the type every value bound to a variable agrees on.
func (p *pass) bindingType(b *resolve.Binding) string {
	if t, done := p.types[b]; done {
		return t // "" also while in progress, which breaks cycles
	}
	p.types[b] = ""
	bi := p.bindings[b]
	if bi == nil || bi.unknown {
		return ""
	}
	if bi.def != nil {
		if len(bi.values)+len(bi.loops) == 0 {
			p.types[b] = "callable"
			return "callable"
		}
		return ""
	}
	var agreed string
	for i, v := range bi.values {
		t := p.typeOf(v)
		if t == "" || (i > 0 && t != agreed) {
			return ""
		}
		agreed = t
	}
	for i, x := range bi.loops {
		t := elemType(p.typeOf(x))
		if t == "" || ((i > 0 || len(bi.values) > 0) && t != agreed) {
			return ""
		}
		agreed = t
	}
	p.types[b] = agreed
	return agreed
}

// elemType is T of "list[T]", or "".
func elemType(t string) string {
	if rest, ok := strings.CutPrefix(t, "list["); ok && strings.HasSuffix(rest, "]") {
		return strings.TrimSuffix(rest, "]")
	}
	return ""
}
