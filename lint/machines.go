package lint

import (
	"path/filepath"
	"regexp"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

// machineSet is what the linter knows about the test's machines.
type machineSet struct {
	names  []string
	idents map[string]string // global identifier → machine name
	// known is false when no source named any machine: then any name could
	// be a machine, and `machine` is assumed to be the only one.
	known bool
}

// aliasDefined reports whether the global `machine` exists.
func (m machineSet) aliasDefined() bool {
	return !m.known || len(m.names) == 1
}

// resolveMachines combines the sources of machine names. Names given by
// flags or start scripts replace the directive comment (which stands in for
// them in editors); machines declared by the script always add to them.
func resolveMachines(external, directive, declared []string) machineSet {
	base := external
	if len(base) == 0 {
		base = directive
	}
	set := machineSet{idents: map[string]string{}}
	for _, name := range append(append([]string{}, base...), declared...) {
		if name == "" {
			continue
		}
		ident := lang.MachineIdent(name)
		if _, dup := set.idents[ident]; dup {
			continue
		}
		set.idents[ident] = name
		set.names = append(set.names, name)
	}
	set.known = len(set.names) > 0
	return set
}

// MachineNames returns the names of the machines a script runs with, as
// the linter resolves them: cfg.Machines (from --machines or start
// scripts) or else the `# vmt: machines=a,b` directive, then the machines
// the script declares with create_machine("name", ...). The language
// server uses it to know the same globals. Nil means no source names any.
func MachineNames(src []byte, cfg Config) []string {
	file, err := lang.FileOptions().Parse("script.star", src, syntax.RetainComments)
	if err != nil {
		return resolveMachines(cfg.Machines, scanDirectiveLines(src).machines, nil).names
	}
	return MachinesOf(file, cfg)
}

// MachinesOf is MachineNames for a script already parsed with
// syntax.RetainComments (the directive is a comment).
func MachinesOf(file *syntax.File, cfg Config) []string {
	return resolveMachines(cfg.Machines, collectDirectives(file).machines, DeclaredMachines(file)).names
}

// DeclaredMachines returns the names of the machines a parsed script
// declares: the string literal passed first (or as name=) to create_machine.
// The runtime predeclares the same globals before running the script.
func DeclaredMachines(file *syntax.File) []string {
	var names []string
	createMachineCalls(file, func(call *syntax.CallExpr) {
		if name, ok := machineNameArg(call); ok {
			names = append(names, name)
		}
	})
	return names
}

// DeclaredVLans returns the VLAN numbers written as literals in the vlans
// argument of the script's create_machine calls; the runtime predeclares
// their vlanN globals. A VLAN computed at run time is not among them.
func DeclaredVLans(file *syntax.File) []int {
	var nrs []int
	createMachineCalls(file, func(call *syntax.CallExpr) {
		for _, arg := range call.Args {
			bin, ok := arg.(*syntax.BinaryExpr)
			if !ok || bin.Op != syntax.EQ {
				continue
			}
			if kw, ok := bin.X.(*syntax.Ident); !ok || kw.Name != "vlans" {
				continue
			}
			var elems []syntax.Expr
			switch list := unparen(bin.Y).(type) {
			case *syntax.ListExpr:
				elems = list.List
			case *syntax.TupleExpr:
				elems = list.List
			}
			for _, e := range elems {
				if lit, ok := unparen(e).(*syntax.Literal); ok && lit.Token == syntax.INT {
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
			if id, ok := unparen(call.Fn).(*syntax.Ident); ok && id.Name == "create_machine" {
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
			if kw, ok := bin.X.(*syntax.Ident); !ok || kw.Name != "name" {
				continue
			}
			value = bin.Y
		} else if i > 0 {
			continue
		}
		if lit, ok := unparen(value).(*syntax.Literal); ok && lit.Token == syntax.STRING {
			name, _ := lit.Value.(string)
			return name, true
		}
	}
	return "", false
}

// startScriptName is the NixOS driver's contract: a start script named
// run-NAME-vm starts the machine NAME.
var startScriptName = regexp.MustCompile(`run-(.+)-vm$`)

// MachineNamesFromStartScripts names the machines of NixOS start scripts
// the way the driver does; a script not named run-NAME-vm is "machine".
func MachineNamesFromStartScripts(scripts []string) []string {
	var names []string
	for _, script := range scripts {
		name := "machine"
		if m := startScriptName.FindStringSubmatch(filepath.Base(script)); m != nil {
			name = m[1]
		}
		names = append(names, name)
	}
	return names
}
