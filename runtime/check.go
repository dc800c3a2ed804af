package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vmt-dev/vmt/analysis"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/starlark"
)

// UsageError means the test could not start: bad options, or a script
// that does not parse or resolve. Nothing was booted.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// compiled is a script that passed the check before booting.
type compiled struct {
	prog *starlark.Program
	// declared are the machines the script declares with create_machine.
	declared []string
	// vlans are the test's VLANs: those of the options and those the
	// script's create_machine calls list literally, each once, in order.
	vlans []int
}

// compile checks the script before anything boots: it is refused exactly
// when `vmt lint` finds an error in it, with lint's words, one finding a
// line ("file:line:col: rule: message").
func compile(opts Options) (*compiled, error) {
	given := machineNames(opts.Machines)
	if err := checkMachineNames(given); err != nil {
		return nil, &UsageError{err}
	}
	script := analysis.Analyze(opts.Script, opts.Source, analysis.Config{Machines: given, VLANs: opts.VLANs, Exact: true})
	if findings := script.Errors(); len(findings) > 0 {
		return nil, &UsageError{findingsError(opts.Script, findings)}
	}
	// The analysis resolved its own tree; the program gets a fresh one.
	file, err := lang.FileOptions().Parse(opts.Script, opts.Source, 0)
	if err != nil {
		return nil, &UsageError{err}
	}
	// Only a finding silenced by `# vmt: disable=...` gets this far.
	prog, err := starlark.FileProgram(file, script.Globals.Has)
	if err != nil {
		return nil, &UsageError{err}
	}
	return &compiled{prog: prog, declared: declaredMachines(script.Globals.Machines, given), vlans: script.Globals.VLANs}, nil
}

// findingsError lists the findings one a line, as `vmt lint` prints them.
func findingsError(filename string, findings []analysis.Finding) error {
	lines := make([]string, len(findings))
	for i, f := range findings {
		lines[i] = fmt.Sprintf("%s:%d:%d: %s: %s", filename, f.Pos.Line, f.Pos.Col, f.Rule, f.Message)
	}
	return errors.New(strings.Join(lines, "\n"))
}

// declaredMachines are the test's machines that the options do not give:
// those the script declares.
func declaredMachines(machines analysis.MachineSet, given []string) []string {
	seen := map[string]bool{}
	for _, name := range given {
		seen[lang.MachineIdent(name)] = true
	}
	var declared []string
	for _, name := range machines.Names {
		if !seen[lang.MachineIdent(name)] {
			declared = append(declared, name)
		}
	}
	return declared
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
