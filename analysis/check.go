package analysis

// Check is one of the checks whose findings are errors: the script would
// not run, or would fail when it reaches the code. `vmt run` refuses a
// script with such a finding before booting; lint reports them as rules of
// the same names, with these docs.
type Check struct {
	Name string
	Doc  string
	run  func(*Check, *Script)
}

// checks in the order `vmt lint --explain` lists them. The list is built
// in init because checks consult it while they run.
var checks []*Check

func init() {
	checks = []*Check{
		checkSyntaxError,
		checkPythonHabit,
		checkUndefinedName,
		checkAmbiguousMachine,
		checkUnknownAttribute,
		checkCallArguments,
		checkArgumentType,
		checkInvalidRegex,
		checkInvalidFormat,
		checkNotCallable,
		checkDuplicateKey,
	}
}

// Checks returns every check.
func Checks() []*Check {
	return append([]*Check(nil), checks...)
}
