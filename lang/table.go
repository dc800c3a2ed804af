package lang

import (
	"sort"
	"strings"
)

// ParamKind says how an argument may be passed.
type ParamKind int

const (
	// Positional parameters may be passed by position or by keyword.
	Positional ParamKind = iota
	// KeywordOnly parameters follow a *args parameter and must be named.
	KeywordOnly
	// Variadic is a *args parameter collecting the remaining positional arguments.
	Variadic
	// VarKeyword is a **kwargs parameter collecting the remaining keyword arguments.
	VarKeyword
)

// Param is one parameter of a callable.
type Param struct {
	Name string
	// Type is a Starlark type expression: "str", "int", "float", "bool",
	// "list", "dict", "callable", "Machine", "any", or alternatives joined
	// by "|" such as "int|float" or "str|None".
	Type string
	// Default is the default value as Starlark source ("900", "None",
	// `"localhost"`). Empty means the parameter is required (for Positional
	// and KeywordOnly kinds).
	Default string
	Kind    ParamKind
	Doc     string
	// Regexp marks a string parameter holding a Go regular expression;
	// the linter compiles literal arguments.
	Regexp bool
}

// Required reports whether a call must supply the parameter.
func (p Param) Required() bool {
	return p.Default == "" && (p.Kind == Positional || p.Kind == KeywordOnly)
}

// Func is a callable: a global builtin, a module function or a method.
type Func struct {
	Name    string
	Params  []Param
	Returns string // type expression, "None" when nothing useful is returned
	// Doc is Markdown; its first sentence is the summary.
	Doc string
	// Deprecated, when set, names the replacement (e.g. "copy_from_machine").
	Deprecated string
}

// Attr is a non-callable value: a global value or a field of a type.
type Attr struct {
	Name string
	Type string
	Doc  string
}

// Type is a named value type (Machine, VLan, PollingCondition) or a module
// (json, re, shlex, time) with its members.
type Type struct {
	Name    string
	Doc     string
	Module  bool // true for modules reached through a global of the same name
	Methods []*Func
	Attrs   []*Attr
}

// Table is the whole script API.
type Table struct {
	Funcs  []*Func // global builtin functions
	Values []*Attr // global values always present (modules, machines, vlans)
	Types  []*Type
	// PerTest documents the globals that depend on the test's machines and
	// VLANs (one per machine, `machine`, `vlanN`). Their names are patterns
	// such as "vlan<N>"; tools resolve the real names per script.
	PerTest []*Attr
}

// Func returns the global builtin function named name, or nil.
func (t *Table) Func(name string) *Func {
	for _, f := range t.Funcs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Value returns the global value named name, or nil.
func (t *Table) Value(name string) *Attr {
	for _, v := range t.Values {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// Type returns the type named name, or nil.
func (t *Table) Type(name string) *Type {
	for _, ty := range t.Types {
		if ty.Name == name {
			return ty
		}
	}
	return nil
}

// Method returns the method named name of the type named typ, or nil.
func (t *Table) Method(typ, name string) *Func {
	ty := t.Type(typ)
	if ty == nil {
		return nil
	}
	for _, m := range ty.Methods {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// GlobalNames returns the sorted names of every global function and value.
func (t *Table) GlobalNames() []string {
	var names []string
	for _, f := range t.Funcs {
		names = append(names, f.Name)
	}
	for _, v := range t.Values {
		names = append(names, v.Name)
	}
	sort.Strings(names)
	return names
}

// String names the kind the way export and docs spell it.
func (k ParamKind) String() string {
	switch k {
	case Positional:
		return "positional"
	case KeywordOnly:
		return "keyword-only"
	case Variadic:
		return "variadic"
	case VarKeyword:
		return "var-keyword"
	}
	return "unknown"
}

// Attr returns the attribute named name of the type named typ, or nil.
func (t *Table) Attr(typ, name string) *Attr {
	ty := t.Type(typ)
	if ty == nil {
		return nil
	}
	for _, a := range ty.Attrs {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// MemberNames returns the sorted names of the methods and attributes of the
// type named typ (nil for an unknown type).
func (ty *Type) MemberNames() []string {
	var names []string
	for _, m := range ty.Methods {
		names = append(names, m.Name)
	}
	for _, a := range ty.Attrs {
		names = append(names, a.Name)
	}
	sort.Strings(names)
	return names
}

// Declaration is the parameter as a signature writes it:
// `*commands: str`, `timeout: int|float = 900`.
func (p Param) Declaration() string {
	decl := paramPrefix(p.Kind) + p.Name
	if p.Type != "" {
		decl += ": " + p.Type
	}
	if p.Default != "" {
		decl += " = " + p.Default
	}
	return decl
}

// Signature renders the callable as one line of Starlark-like source with
// types, e.g. `succeed(*commands: str, timeout: int|float|None = None) -> str`.
func (f *Func) Signature() string {
	var b strings.Builder
	b.WriteString(f.Name)
	b.WriteByte('(')
	starWritten := false
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		switch p.Kind {
		case Variadic:
			starWritten = true
		case KeywordOnly:
			// A keyword-only parameter without a preceding *args needs the bare star.
			if !starWritten {
				b.WriteString("*, ")
				starWritten = true
			}
		}
		b.WriteString(p.Declaration())
	}
	b.WriteString(") -> ")
	if f.Returns == "" {
		b.WriteString("None")
	} else {
		b.WriteString(f.Returns)
	}
	return b.String()
}

// Summary is the first sentence of a Markdown doc, on one line.
func Summary(doc string) string {
	doc = strings.Join(strings.Fields(doc), " ")
	if i := strings.Index(doc, ". "); i >= 0 {
		return doc[:i+1]
	}
	return doc
}

// BaseTypes splits a type expression into the base names of its
// alternatives: "int|float|None" gives int, float, None, and
// "list[str]|None" gives list, None.
func BaseTypes(expr string) []string {
	var bases []string
	depth, start := 0, 0
	for i := 0; i <= len(expr); i++ {
		if i < len(expr) {
			switch expr[i] {
			case '[':
				depth++
				continue
			case ']':
				depth--
				continue
			case '|':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		alt := strings.TrimSpace(expr[start:i])
		if j := strings.IndexByte(alt, '['); j >= 0 {
			alt = alt[:j]
		}
		if alt != "" {
			bases = append(bases, alt)
		}
		start = i + 1
	}
	return bases
}
