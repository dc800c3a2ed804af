package runtime

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/vmt-dev/vmt/lang"
	"github.com/vmt-dev/vmt/lint"
	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// UsageError means the test could not start: bad options, or a script
// that does not parse or resolve. Nothing was booted.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// compiled is a script that parses and resolves against the globals of
// its test.
type compiled struct {
	prog *starlark.Program
	// declared are the machines the script declares with create_machine.
	declared []string
	// vlans are the test's VLANs: those of the options and those the
	// script's create_machine calls list literally, each once, in order.
	vlans []int
}

// compile parses and resolves the script the way vmt lint does, with the
// globals its machines and VLANs give it, so that a mistake is reported
// before anything boots.
func compile(opts Options) (*compiled, error) {
	file, err := lang.FileOptions().Parse(opts.Script, opts.Source, 0)
	if err != nil {
		return nil, &UsageError{err}
	}
	for _, stmt := range file.Stmts {
		if load, ok := stmt.(*syntax.LoadStmt); ok {
			return nil, &UsageError{fmt.Errorf("%s: load is not supported: a test script is one file", load.Load)}
		}
	}
	given := machineNames(opts.Machines)
	if err := checkMachineNames(given); err != nil {
		return nil, &UsageError{err}
	}
	var declared []string
	seen := map[string]bool{}
	for _, name := range given {
		seen[lang.MachineIdent(name)] = true
	}
	for _, name := range lint.DeclaredMachines(file) {
		if ident := lang.MachineIdent(name); !seen[ident] {
			seen[ident] = true
			declared = append(declared, name)
		}
	}
	vlans := slices.Concat(opts.VLans, lint.DeclaredVLans(file))
	slices.Sort(vlans)
	vlans = slices.Compact(vlans)
	names := predeclaredNames(append(append([]string{}, given...), declared...), vlans)
	isPredeclared := func(name string) bool { return names[name] }
	prog, err := starlark.FileProgram(file, isPredeclared)
	if err != nil {
		return nil, &UsageError{describeResolveErrors(err, names)}
	}
	return &compiled{prog: prog, declared: declared, vlans: vlans}, nil
}

func machineNames(specs []MachineSpec) []string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return names
}

// checkMachineNames rejects two machines that would share a global.
func checkMachineNames(names []string) error {
	byIdent := map[string]string{}
	for _, name := range names {
		ident := lang.MachineIdent(name)
		if other, dup := byIdent[ident]; dup {
			if other == name {
				return fmt.Errorf("two machines are named %q: give each start script a different run-NAME-vm name", name)
			}
			return fmt.Errorf("machines %q and %q would both be the global %s: rename one", other, name, ident)
		}
		byIdent[ident] = name
	}
	return nil
}

// predeclaredNames are the globals a script of this test sees besides
// Starlark's own: the table's globals, one per machine, `machine` when
// there is exactly one, and one per VLAN.
func predeclaredNames(machines []string, vlans []int) map[string]bool {
	names := map[string]bool{}
	for _, name := range lang.Default.GlobalNames() {
		names[name] = true
	}
	for _, m := range machines {
		names[lang.MachineIdent(m)] = true
	}
	if len(machines) == 1 {
		names["machine"] = true
	}
	for _, nr := range vlans {
		names[fmt.Sprintf("vlan%d", nr)] = true
	}
	return names
}

// describeResolveErrors lists every resolve error on its own line, with a
// suggestion for misspelt names.
func describeResolveErrors(err error, names map[string]bool) error {
	var list resolve.ErrorList
	if !errors.As(err, &list) {
		return err
	}
	known := make([]string, 0, len(names))
	for n := range names {
		known = append(known, n)
	}
	known = append(known, lang.StarlarkBuiltins()...)
	sort.Strings(known)
	var lines []string
	for _, e := range list {
		msg := e.Msg
		if undefined, ok := strings.CutPrefix(msg, "undefined: "); ok {
			msg += didYouMean(undefined, known)
		}
		lines = append(lines, fmt.Sprintf("%s: %s", e.Pos, msg))
	}
	return errors.New(strings.Join(lines, "\n"))
}
