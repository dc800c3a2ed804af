package lang

import "sort"

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
