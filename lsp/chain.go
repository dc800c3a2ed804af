package lsp

import (
	vmtanalysis "github.com/vmt-dev/vmt/analysis"
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
// the types package analysis inferred for the script's own bindings (the
// inference lint and vmt run use); it only adds what text at the cursor
// needs, a chain that may not parse.
type typer struct {
	table    *lang.Table
	machines map[string]bool
	// bound holds the names the script binds; the type is "" when unknown,
	// which still hides a table entry of the same name.
	bound map[string]string
	defs  map[string]*syntax.DefStmt
}

// nameType returns the type of a bare name, or the table function it
// names.
func (ty *typer) nameType(name string) (string, *lang.Func) {
	if t, ok := ty.bound[name]; ok {
		return t, nil
	}
	if _, ok := ty.defs[name]; ok {
		return "", nil
	}
	// The alias is a Machine whatever the script says, so that completion
	// works in a script whose machines come from start scripts the server
	// cannot see.
	if ty.machines[name] || name == lang.MachineAlias {
		return lang.MachineType, nil
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
	return vmtanalysis.NonNone(t)
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
			t, fn = ty.memberType(vmtanalysis.NonNone(t), seg.name)
		}
		for _, s := range seg.suffixes {
			switch s {
			case '(':
				if fn == nil {
					return "", nil
				}
				t, fn = vmtanalysis.NonNone(fn.Returns), nil
			case '[':
				t, fn = vmtanalysis.ElementType(t), nil
			}
		}
	}
	return t, fn
}
