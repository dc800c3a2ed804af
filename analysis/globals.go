package analysis

import (
	"slices"

	"github.com/vmt-dev/vmt/lang"
)

// Config is what the analysis knows besides the script itself.
type Config struct {
	// Machines are machine names from flags or start scripts; names declared
	// in the script (and, unless Exact, in its directive comment) are added.
	Machines []string
	// VLANs are VLAN numbers from `vmt run --vlans`.
	VLANs []int
	// Exact says Machines and VLANs are the test's own (vmt run): the
	// directive comment names no machine and only the VLANs of VLANs and of
	// the script's create_machine calls exist. Otherwise (lint, editors)
	// every vlanN is taken to exist, since VLANs come from flags they do not
	// see.
	Exact bool
	// Table is the script API; nil means lang.Default.
	Table *lang.Table
}

// Globals is the one rule for the names a script sees besides Starlark's
// own: the table's globals, one per machine, `machine` when there is one
// machine (or none is named), `machines`, and vlanN per VLAN.
type Globals struct {
	Table    *lang.Table
	Machines MachineSet
	// VLANs are the test's VLANs, sorted, when Exact; nil otherwise.
	VLANs []int
	exact bool
}

func newGlobals(table *lang.Table, machines MachineSet, cfg Config, declaredVLANs []int) *Globals {
	g := &Globals{Table: table, Machines: machines, exact: cfg.Exact}
	if cfg.Exact {
		g.VLANs = slices.Concat(cfg.VLANs, declaredVLANs)
		slices.Sort(g.VLANs)
		g.VLANs = slices.Compact(g.VLANs)
	}
	return g
}

// Has reports whether name is a global of the script besides Starlark's
// builtins.
func (g *Globals) Has(name string) bool {
	if g.Table.Func(name) != nil || g.Table.Value(name) != nil {
		return true
	}
	if _, ok := g.Machines.Idents[name]; ok {
		return true
	}
	if name == lang.MachineAlias {
		if g.exact {
			return len(g.Machines.Names) == 1
		}
		return g.Machines.AliasDefined()
	}
	return g.isVLAN(name)
}

// Names are the globals, for suggestions.
func (g *Globals) Names() []string {
	names := g.Table.GlobalNames()
	for ident := range g.Machines.Idents {
		names = append(names, ident)
	}
	if g.Has(lang.MachineAlias) {
		names = append(names, lang.MachineAlias)
	}
	for _, nr := range g.VLANs {
		names = append(names, lang.VLANGlobal(nr))
	}
	return names
}

// Type is the type of a global, "callable" for a builtin function, or "".
func (g *Globals) Type(name string) string {
	if _, ok := g.Machines.Idents[name]; ok || name == lang.MachineAlias {
		return lang.MachineType
	}
	if g.isVLAN(name) {
		return lang.VLANType
	}
	if v := g.Table.Value(name); v != nil {
		return v.Type
	}
	if g.Table.Func(name) != nil {
		return "callable"
	}
	return ""
}

// isVLAN matches vlan1, vlan2, ...: the test's VLANs when exact, and
// every number otherwise.
func (g *Globals) isVLAN(name string) bool {
	nr, ok := lang.VLANNumber(name)
	return ok && (!g.exact || slices.Contains(g.VLANs, nr))
}
