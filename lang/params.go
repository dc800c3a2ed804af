package lang

// Short constructors keep the entries in globals.go, machine.go and
// modules.go readable as a list of signatures.

// arg is a parameter passed by position or by keyword; def "" means required.
func arg(name, typ, def, doc string) Param {
	return Param{Name: name, Type: typ, Default: def, Kind: Positional, Doc: doc}
}

// kwarg is a keyword-only parameter.
func kwarg(name, typ, def, doc string) Param {
	return Param{Name: name, Type: typ, Default: def, Kind: KeywordOnly, Doc: doc}
}

// varargs is a *name parameter; typ is the type of each element.
func varargs(name, typ, doc string) Param {
	return Param{Name: name, Type: typ, Kind: Variadic, Doc: doc}
}

// varkwargs is a **name parameter; typ is the type of each value.
func varkwargs(name, typ, doc string) Param {
	return Param{Name: name, Type: typ, Kind: VarKeyword, Doc: doc}
}

// regexArg is a required string parameter holding a Go regular expression.
func regexArg(name, doc string) Param {
	return Param{Name: name, Type: "str", Kind: Positional, Doc: doc, Regexp: true}
}

// Types used by many entries.
const (
	typeTimeout         = "int|float"
	typeOptionalTimeout = "int|float|None"
)

// TimeoutRule is what a timeout means, for every parameter that is one;
// docs/api.md states it once and the parameter docs point to it.
const TimeoutRule = "Timeouts are seconds, as int or float. " +
	"`None`, where a timeout takes it, means no limit of the call's own (the global timeout still applies). " +
	"`0` means no time at all, as in Python: a wait checks its condition once (the check runs to its end) and fails at once when it does not hold; " +
	"a command or a boot cannot happen in no time, so `timeout=0` on `execute`, `succeed`, `fail` or `host.run` is an error " +
	"(pass `None` for no limit), and so is `boot_timeout=0`."

// HostPathRule is where the files a script names are read and written.
const HostPathRule = "Relative host paths (`copy_from_host`, `copy_from_host_via_shell`, and `kernel`, `initrd`, " +
	"`disk_image`, `shared_dirs` and `start_command` of `create_machine`) are read from the script's directory, " +
	"whatever the working directory. Files a test writes (`screenshot`, `copy_from_machine`) land in the output directory " +
	"and never outside it: a relative path is taken below it, an absolute path must lie inside it, and anything else is an error."

const (
	docTimeout        = "Seconds before giving up with an error; 0 checks once."
	docCommandTimeout = "Seconds the command may run before it is killed; None waits forever; 0 is an error."
)
