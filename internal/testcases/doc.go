// Package testcases reads the case files every test harness of vmt uses,
// the go.starlark.net way: a file is split into independent cases by lines
// holding only "---", and what a case must do is written on the line it is
// about, after "###":
//
//	machine.fail("true")  ### "command `true` succeeded unexpectedly"
//	x = 1  ### unused-variable
//	machine.wa@@  ### +wait_for_unit
//
// What follows ### is each harness's own language (an error regexp, a lint
// rule, the words an editor feature must answer); this package only finds
// the cases and the expectations, the same way for every harness.
package testcases
