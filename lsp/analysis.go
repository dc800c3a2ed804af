package lsp

import (
	"cmp"
	"slices"

	vmtanalysis "github.com/vmt-dev/vmt/analysis"
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

// analyse reads text with the analysis vmt lint and vmt run use, which
// repairs broken lines so that a half-typed line does not hide the rest of
// the script; when even that fails it keeps previous, the last analysis
// with a tree.
func analyse(srv *Server, filename string, index *textIndex, previous *analysis) *analysis {
	script := vmtanalysis.Analyze(filename, []byte(index.text), srv.lintConfig())
	a := &analysis{}
	if script.File != nil {
		a.tree, a.treeText, a.current = script.File, index, true
		a.machines = machineIdents(script.Globals.Machines.Names)
		a.typer = newTyper(srv.table, script, a.machines)
		return a
	}
	if previous != nil {
		a.tree, a.treeText, a.machines, a.typer = previous.tree, previous.treeText, previous.machines, previous.typer
		return a
	}
	a.machines = machineIdents(script.Globals.Machines.Names)
	a.typer = newTyper(srv.table, script, a.machines)
	return a
}

// newTyper takes the types the analysis infers for the script's bindings,
// by name. A parameter whose type the call sites do not tell is left out:
// `def check(machine)` most likely takes a Machine, and its name must not
// hide the global. The types are computed here, once, so that requests
// only read them.
func newTyper(table *lang.Table, script *vmtanalysis.Script, machines []string) *typer {
	ty := &typer{
		table:    table,
		machines: make(map[string]bool, len(machines)),
		bound:    map[string]string{},
		defs:     map[string]*syntax.DefStmt{},
	}
	for _, m := range machines {
		ty.machines[m] = true
	}
	if script.File == nil {
		return ty
	}
	for _, stmt := range script.File.Stmts {
		if def, ok := stmt.(*syntax.DefStmt); ok {
			ty.defs[def.Name.Name] = def
		}
	}
	// In source order, so that the first binding of a name gives its type.
	bindings := make([]*resolve.Binding, 0, len(script.Bindings))
	for b := range script.Bindings {
		if b.Scope != resolve.Predeclared && b.Scope != resolve.Universal && b.Scope != resolve.Undefined {
			bindings = append(bindings, b)
		}
	}
	slices.SortFunc(bindings, func(a, b *resolve.Binding) int {
		return cmp.Or(cmp.Compare(a.First.NamePos.Line, b.First.NamePos.Line), cmp.Compare(a.First.NamePos.Col, b.First.NamePos.Col))
	})
	for _, b := range bindings {
		ty.bind(script.Bindings[b], script.BindingType(b))
	}
	return ty
}

// bind records that the script binds a name, with its type unless
// another binding of the name already gave it one.
func (ty *typer) bind(bi *vmtanalysis.Binding, typ string) {
	name := bi.First.Name
	if bi.Kind == vmtanalysis.SiteParam && typ == "" {
		return
	}
	if ty.bound[name] == "" {
		ty.bound[name] = typ
	}
}
