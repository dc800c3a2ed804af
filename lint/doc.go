// Package lint checks vmt test scripts before any VM boots. The errors are
// the checks of package analysis, which `vmt run` applies too, so that lint
// and run refuse the same scripts in the same words; lint adds its own
// warnings (unused variables, unreachable code, deprecated names, ...), one
// rule a file with its doc and its testdata, and applies safe fixes.
package lint
