package lsp

import (
	"strings"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

// segment is one name of a dotted expression with the calls and
// subscripts applied to it: `machines[0].succeed("x")` is the segments
// machines[ and succeed(.
type segment struct {
	name     string
	suffixes []byte // '(' for a call, '[' for a subscript, in order
}

// chain is a dotted expression such as `machine`, `json.encode` or
// `machines[0]`; it is what completion, hover and signature help need to
// know about the code left of a dot or of a call's parenthesis.
type chain []segment

// chainOfExpr converts an expression of the syntax tree to a chain, or nil
// when it is not made of names, attributes, calls and subscripts.
func chainOfExpr(e syntax.Expr) chain {
	var suffixes []byte
	for {
		switch x := e.(type) {
		case *syntax.CallExpr:
			suffixes = append(suffixes, '(')
			e = x.Fn
			continue
		case *syntax.IndexExpr:
			suffixes = append(suffixes, '[')
			e = x.X
			continue
		case *syntax.ParenExpr:
			e = x.X
			continue
		}
		break
	}
	// Suffixes were collected outermost first.
	for i, j := 0, len(suffixes)-1; i < j; i, j = i+1, j-1 {
		suffixes[i], suffixes[j] = suffixes[j], suffixes[i]
	}
	switch x := e.(type) {
	case *syntax.Ident:
		return chain{{name: x.Name, suffixes: suffixes}}
	case *syntax.DotExpr:
		left := chainOfExpr(x.X)
		if left == nil {
			return nil
		}
		return append(left, segment{name: x.Name.Name, suffixes: suffixes})
	}
	return nil
}

// typer gives types to chains from the symbol table, the machine names and
// the types the script's own bindings were inferred to have.
type typer struct {
	table    *lang.Table
	machines map[string]bool
	// bound holds the names the script binds; the type is "" when unknown,
	// which still hides a table entry of the same name.
	bound map[string]string
	defs  map[string]*syntax.DefStmt
}

// machineType is the table's name of the machine handle type.
const machineType = "Machine"

// nameType returns the type of a bare name, or the table function it
// names.
func (ty *typer) nameType(name string) (string, *lang.Func) {
	if t, ok := ty.bound[name]; ok {
		return t, nil
	}
	if _, ok := ty.defs[name]; ok {
		return "", nil
	}
	if ty.machines[name] || name == machineAlias {
		return machineType, nil
	}
	if v := ty.table.Value(name); v != nil {
		return v.Type, nil
	}
	if f := ty.table.Func(name); f != nil {
		return "", f
	}
	return "", nil
}

// memberType returns the type of an attribute of a value of type typ, or
// the method it names.
func (ty *typer) memberType(typ, name string) (string, *lang.Func) {
	if m := ty.table.Method(typ, name); m != nil {
		return "", m
	}
	if a := ty.table.Attr(typ, name); a != nil {
		return a.Type, nil
	}
	return "", nil
}

// typeOf returns the type of the value a chain evaluates to, "" when
// unknown.
func (ty *typer) typeOf(c chain) string {
	t, _ := ty.resolve(c)
	return t
}

// resolve returns the type a chain evaluates to, or the table function or
// method it names when its last segment is not called.
func (ty *typer) resolve(c chain) (string, *lang.Func) {
	var t string
	var fn *lang.Func
	for i, seg := range c {
		if i == 0 {
			t, fn = ty.nameType(seg.name)
		} else {
			if t == "" {
				return "", nil
			}
			t, fn = ty.memberType(t, seg.name)
		}
		for _, s := range seg.suffixes {
			switch s {
			case '(':
				if fn == nil {
					return "", nil
				}
				t, fn = valueType(fn.Returns), nil
			case '[':
				t, fn = elementType(t), nil
			}
		}
	}
	return t, fn
}

// valueType drops None from a type expression with one other alternative
// ("Machine|None" is a Machine wherever a method is called on it).
func valueType(expr string) string {
	var kept []string
	for _, alt := range splitTopLevel(expr, '|') {
		if alt != "None" {
			kept = append(kept, alt)
		}
	}
	if len(kept) != 1 {
		return expr
	}
	return kept[0]
}

// elementType returns the type of an element of a list or of a value of a
// dict: "list[Machine]" and "dict[str, Machine]" give "Machine".
func elementType(expr string) string {
	expr = valueType(expr)
	open := strings.IndexByte(expr, '[')
	if open < 0 || !strings.HasSuffix(expr, "]") {
		return ""
	}
	args := splitTopLevel(expr[open+1:len(expr)-1], ',')
	switch expr[:open] {
	case "list":
		if len(args) == 1 {
			return args[0]
		}
	case "dict":
		if len(args) == 2 {
			return args[1]
		}
	}
	return ""
}

// splitTopLevel splits a type expression at sep outside brackets.
func splitTopLevel(expr string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(expr); i++ {
		switch expr[i] {
		case '[':
			depth++
		case ']':
			depth--
		case sep:
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(expr[start:i]))
				start = i + 1
			}
		}
	}
	return append(parts, strings.TrimSpace(expr[start:]))
}
