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

const docTimeout = "Seconds before giving up with an error."
