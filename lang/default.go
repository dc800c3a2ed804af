package lang

import (
	"sort"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Default is vmt's script API.
var Default = &Table{
	Funcs:   globalFuncs,
	Values:  globalValues,
	Types:   []*Type{machineType, vlanType, pollingConditionType, matchType, patternType, reModule, jsonModule, shlexModule, timeModule, hostModule, hostResultType, urlModule},
	PerTest: perTestValues,
}

// FileOptions is the dialect every tool parses and runs scripts with:
// test scripts are imperative, so top-level if/for/while, while loops and
// rebinding module-level names are allowed, and so is set.
func FileOptions() *syntax.FileOptions {
	return &syntax.FileOptions{
		Set:             true,
		While:           true,
		TopLevelControl: true,
		GlobalReassign:  true,
	}
}

// IsStarlarkBuiltin reports whether name is one of Starlark's own
// predeclared names (len, str, range, ...), which scripts see besides the
// table's globals.
func IsStarlarkBuiltin(name string) bool {
	_, ok := starlark.Universe[name]
	return ok
}

// StarlarkBuiltins returns Starlark's own predeclared names, sorted.
func StarlarkBuiltins() []string {
	names := make([]string, 0, len(starlark.Universe))
	for name := range starlark.Universe {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
