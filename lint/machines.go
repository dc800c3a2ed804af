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
	return resolveMachines(cfg.Machines, collectDirectives(file).machines, DeclaredMachines(file)).names
}

// DeclaredMachines returns the names of the machines a parsed script
// declares: the string literal passed first (or as name=) to create_machine.
// The runtime predeclares the same globals before running the script.
func DeclaredMachines(file *syntax.File) []string {
	var names []string
	syntax.Walk(file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok {
			return true
		}
		if fn, ok := unparen(call.Fn).(*syntax.Ident); !ok || fn.Name != "create_machine" {
			return true
		}
		if name, ok := machineNameArg(call); ok {
			names = append(names, name)
		}
		return true
	})
	return names
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
