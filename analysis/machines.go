package analysis

import (
	"github.com/vmt-dev/vmt/internal/nixos"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

// MachineSet is what is known about the test's machines.
type MachineSet struct {
	Names  []string
	Idents map[string]string // global identifier → machine name
	// Known is false when no source named any machine: then any name could
	// be a machine, and `machine` is assumed to be the only one.
	Known bool
}

// AliasDefined reports whether the global `machine` exists.
func (m MachineSet) AliasDefined() bool {
	return !m.Known || len(m.Names) == 1
}

// resolveMachines combines the sources of machine names. Names given by
// flags or start scripts replace the directive comment (which stands in for
// them in editors); machines declared by the script always add to them.
func resolveMachines(external, directive, declared []string) MachineSet {
	base := external
	if len(base) == 0 {
		base = directive
	}
	set := MachineSet{Idents: map[string]string{}}
	for _, name := range append(append([]string{}, base...), declared...) {
		if name == "" {
			continue
		}
		ident := lang.MachineIdent(name)
		if _, dup := set.Idents[ident]; dup {
			continue
		}
		set.Idents[ident] = name
		set.Names = append(set.Names, name)
	}
	set.Known = len(set.Names) > 0
	return set
}

func machineSetOf(file *syntax.File, cfg Config, d Directives) MachineSet {
	directive := d.Machines
	if cfg.Exact {
		directive = nil
	}
	var declared []string
	if file != nil {
		declared = declaredMachines(file)
	}
	return resolveMachines(cfg.Machines, directive, declared)
}

// declaredMachines returns the names of the machines a parsed script
// declares: the string literal passed first (or as name=) to create_machine.
// The runtime predeclares the same globals before running the script.
func declaredMachines(file *syntax.File) []string {
	var names []string
	createMachineCalls(file, func(call *syntax.CallExpr) {
		if name, ok := machineNameArg(call); ok {
			names = append(names, name)
		}
	})
	return names
}

// declaredVLANs returns the VLAN numbers written as literals in the vlans
// argument of the script's create_machine calls; the runtime predeclares
// their vlanN globals. A VLAN computed at run time is not among them.
func declaredVLANs(file *syntax.File) []int {
	var nrs []int
	createMachineCalls(file, func(call *syntax.CallExpr) {
		for _, arg := range call.Args {
			bin, ok := arg.(*syntax.BinaryExpr)
			if !ok || bin.Op != syntax.EQ {
				continue
			}
			if kw, ok := bin.X.(*syntax.Ident); !ok || kw.Name != lang.CreateMachineVLANs {
				continue
			}
			var elems []syntax.Expr
			switch list := Unparen(bin.Y).(type) {
			case *syntax.ListExpr:
				elems = list.List
			case *syntax.TupleExpr:
				elems = list.List
			}
			for _, e := range elems {
				if lit, ok := Unparen(e).(*syntax.Literal); ok && lit.Token == syntax.INT {
					if nr, ok := lit.Value.(int64); ok {
						nrs = append(nrs, int(nr)) // the engine checks the range
					}
				}
			}
		}
	})
	return nrs
}

// createMachineCalls calls fn for every create_machine(...) call in file.
func createMachineCalls(file *syntax.File, fn func(*syntax.CallExpr)) {
	syntax.Walk(file, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok {
			if id, ok := Unparen(call.Fn).(*syntax.Ident); ok && id.Name == lang.CreateMachine {
				fn(call)
			}
		}
		return true
	})
}

// machineNameArg returns the literal name given to create_machine.
func machineNameArg(call *syntax.CallExpr) (string, bool) {
	for i, arg := range call.Args {
		value := arg
		if bin, ok := arg.(*syntax.BinaryExpr); ok && bin.Op == syntax.EQ {
			if kw, ok := bin.X.(*syntax.Ident); !ok || kw.Name != lang.CreateMachineName {
				continue
			}
			value = bin.Y
		} else if i > 0 {
			continue
		}
		if lit, ok := Unparen(value).(*syntax.Literal); ok && lit.Token == syntax.STRING {
			name, _ := lit.Value.(string)
			return name, true
		}
	}
	return "", false
}

// MachineNamesFromStartScripts names the machines of NixOS start scripts
// the way the driver does; a script not named run-NAME-vm is "machine".
func MachineNamesFromStartScripts(scripts []string) []string {
	var names []string
	for _, script := range scripts {
		names = append(names, nixos.MachineName(script))
	}
	return names
}
