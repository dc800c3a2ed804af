package lang

// The modules stand in for the Python modules NixOS test scripts import.

var reModule = &Type{
	Name:   "re",
	Module: true,
	Doc: "Regular expressions with Go's RE2 syntax (no backreferences or lookaround). " +
		"Flags are written inline, e.g. `(?i)` for case-insensitive and `(?m)` for multi-line.",
	Methods: []*Func{
		{Name: "search", Params: []Param{
			regexArg("pattern", "Regular expression."),
			arg("string", "str", "", "Text to search."),
		}, Returns: "Match|None", Doc: "Return the first match anywhere in the string, or None."},
		{Name: "match", Params: []Param{
			regexArg("pattern", "Regular expression."),
			arg("string", "str", "", "Text to match."),
		}, Returns: "Match|None", Doc: "Return a match at the start of the string, or None."},
		{Name: "fullmatch", Params: []Param{
			regexArg("pattern", "Regular expression."),
			arg("string", "str", "", "Text to match."),
		}, Returns: "Match|None", Doc: "Return a match of the whole string, or None."},
		{Name: "findall", Params: []Param{
			regexArg("pattern", "Regular expression."),
			arg("string", "str", "", "Text to search."),
		}, Returns: "list", Doc: "Return every non-overlapping match: strings without groups, the group with one group, tuples of groups with several."},
		{Name: "sub", Params: []Param{
			regexArg("pattern", "Regular expression."),
			arg("repl", "str", "", "Replacement; `\\1` or `${1}` insert a group."),
			arg("string", "str", "", "Text to edit."),
			arg("count", "int", "0", "Maximum replacements; 0 replaces all."),
		}, Returns: "str", Doc: "Return the string with matches replaced."},
		{Name: "split", Params: []Param{
			regexArg("pattern", "Regular expression of the separator."),
			arg("string", "str", "", "Text to split."),
			arg("maxsplit", "int", "0", "Maximum splits; 0 splits everywhere."),
		}, Returns: "list[str]", Doc: "Split the string at each match."},
		{Name: "escape", Params: []Param{
			arg("pattern", "str", "", "Literal text."),
		}, Returns: "str", Doc: "Quote every regular-expression metacharacter of the text."},
		{Name: "compile", Params: []Param{
			regexArg("pattern", "Regular expression."),
		}, Returns: "Pattern", Doc: "Compile a regular expression into a `Pattern`, whose methods are this module's functions without the pattern argument. " +
			"An invalid pattern is an error here, not at its first use."},
	},
}

// patternType is what re.compile returns. Its methods are the re
// functions that take a pattern first, with the same names, parameters,
// defaults and docs, minus the pattern.
var patternType = &Type{
	Name: "Pattern",
	Doc:  "A regular expression compiled by `re.compile`.",
	Attrs: []*Attr{
		{Name: "pattern", Type: "str", Doc: "The regular expression's text, as given to `re.compile`."},
	},
	Methods: withoutFirstParam(reModule, "search", "match", "fullmatch", "findall", "sub", "split"),
}

// withoutFirstParam returns copies of the named methods of ty without
// their first parameter.
func withoutFirstParam(ty *Type, names ...string) []*Func {
	var out []*Func
	for _, name := range names {
		for _, m := range ty.Methods {
			if m.Name == name {
				f := *m
				f.Params = m.Params[1:]
				out = append(out, &f)
			}
		}
	}
	return out
}

var matchType = &Type{
	Name: "Match",
	Doc:  "A successful match of `search`, `match` or `fullmatch` of the `re` module or of a `Pattern`.",
	Attrs: []*Attr{
		{Name: "string", Type: "str", Doc: "The text that was searched."},
	},
	Methods: []*Func{
		{Name: "group", Params: []Param{
			arg("index", "int|str", "0", "Group number or name; 0 is the whole match."),
		}, Returns: "str|None", Doc: "Return the text of a group, or None when it did not take part in the match."},
		{Name: "groups", Returns: "tuple", Doc: "Return the texts of all groups (None for those that did not take part)."},
		{Name: "groupdict", Returns: "dict[str, str]", Doc: "Return the named groups as a dict."},
		{Name: "start", Params: []Param{
			arg("index", "int|str", "0", "Group number or name."),
		}, Returns: "int", Doc: "Return where a group starts, in bytes of the UTF-8 text, or -1."},
		{Name: "end", Params: []Param{
			arg("index", "int|str", "0", "Group number or name."),
		}, Returns: "int", Doc: "Return where a group ends, in bytes of the UTF-8 text, or -1."},
	},
}

var jsonModule = &Type{
	Name:   "json",
	Module: true,
	Doc:    "JSON encoding and decoding, with Python's function names.",
	Methods: []*Func{
		{Name: "dumps", Params: []Param{
			arg("obj", "any", "", "None, bool, int, float, string, list, tuple or dict with string keys."),
			kwarg("indent", "int|None", "None", "Spaces per nesting level; None writes one line."),
			kwarg("sort_keys", "bool", "False", "Write dict keys in sorted order."),
		}, Returns: "str", Doc: "Encode a value as JSON."},
		{Name: "loads", Params: []Param{
			arg("s", "str", "", "JSON text."),
		}, Returns: "any", Doc: "Decode JSON text: objects become dicts, arrays lists, numbers int or float."},
	},
}

var shlexModule = &Type{
	Name:   "shlex",
	Module: true,
	Doc:    "POSIX shell quoting, for building guest command lines safely.",
	Methods: []*Func{
		{Name: "quote", Params: []Param{
			arg("s", "str", "", "Text to pass as one shell word."),
		}, Returns: "str", Doc: "Quote a string so the shell reads it as one word, e.g. `machine.succeed(\"cat \" + shlex.quote(path))`."},
		{Name: "split", Params: []Param{
			arg("s", "str", "", "Shell command line."),
		}, Returns: "list[str]", Doc: "Split a command line into words the way a POSIX shell would, honouring quotes."},
		{Name: "join", Params: []Param{
			arg("split_command", "list[str]", "", "Words."),
		}, Returns: "str", Doc: "Quote each word and join them with spaces."},
	},
}

var timeModule = &Type{
	Name:   "time",
	Module: true,
	Doc:    "The host's clock. Use `Machine.sleep` to let time pass on a guest's clock.",
	Methods: []*Func{
		{Name: "time", Returns: "float", Doc: "Return the host's wall clock in seconds since the Unix epoch."},
		{Name: "monotonic", Returns: "float", Doc: "Return seconds of a clock that never goes back, for measuring durations."},
		{Name: "sleep", Params: []Param{
			arg("secs", "int|float", "", "Seconds."),
		}, Returns: "None", Doc: "Sleep on the host. Stops early with an error when the global timeout expires."},
	},
}

var hostModule = &Type{
	Name:   "host",
	Module: true,
	Doc: "Steps on the host, for what Python test scripts do with `subprocess` and `tempfile`. " +
		"What the commands leave running is killed at the end of the run, or when vmt dies, even by SIGKILL, and every directory of `tempdir` removed.",
	Methods: []*Func{
		{Name: "run", Params: []Param{
			arg("args", "list[str]|str", "", "The command: a list of strings is the program and its arguments, passed as they are (no shell); a string is a shell command line run with `sh -c`."),
			arg("timeout", typeOptionalTimeout, "60", "Seconds the command may run before it and every process it started are killed and the test fails; None waits forever; 0 is an error."),
			arg("check", "bool", "True", "Fail the test when the command exits with a non-zero status (or is killed by a signal), showing the command, its status and its standard error."),
			arg("input", "str|None", "None", "Text fed to the command's standard input; None gives it an empty one (`/dev/null`)."),
		}, Returns: "HostResult", Doc: "Run a command on the host, in the script's directory, and return its exit status and output (Python's `subprocess.run` with `capture_output=True, text=True`). " +
			"Processes the command leaves in the background keep running until the end of the run, when they are killed, as they are when vmt dies " +
			"(they should redirect their output: `host.run` stops reading it a second after the command exits). " +
			"The global timeout, the deadline of a `retry` or wait around the call, and Ctrl-C stop it like the timeout does."},
		{Name: "tempdir", Returns: "str", Doc: "Make a new, empty directory inside the run's private directory and return its absolute path " +
			"(Python's `tempfile.mkdtemp()` or `TemporaryDirectory()`). It is removed with everything in it when the run ends."},
	},
}

var hostResultType = &Type{
	Name: "HostResult",
	Doc:  "What `host.run` returns: a finished host command.",
	Attrs: []*Attr{
		{Name: "status", Type: "int", Doc: "The exit status; a command killed by a signal has minus the signal's number, as in Python."},
		{Name: "stdout", Type: "str", Doc: "Everything the command wrote to its standard output."},
		{Name: "stderr", Type: "str", Doc: "Everything the command wrote to its standard error."},
	},
}

var urlModule = &Type{
	Name:   "url",
	Module: true,
	Doc:    "URL encoding, with the functions of Python's `urllib.parse` that test scripts use.",
	Methods: []*Func{
		{Name: "encode_query", Params: []Param{
			arg("params", "dict|list|tuple", "", "The query's keys and values: a dict, or a list of `(key, value)` pairs."),
		}, Returns: "str", Doc: "Encode a query string such as `a=1&b=x+y` (Python's `urllib.parse.urlencode`): " +
			"pairs in order, keys and values (str, int, float, bool) converted with `str()` as Python writes it and encoded like `quote_plus` (a space becomes `+`). " +
			"A list value is not expanded into several pairs: it is written as `str(value)`, as `urlencode` does by default."},
		{Name: "quote", Params: []Param{
			arg("text", "str", "", "Text to put in a URL."),
			arg("safe", "str", `"/"`, "ASCII characters to leave as they are besides letters, digits and `_.-~`."),
		}, Returns: "str", Doc: "Percent-encode text for a URL path (Python's `urllib.parse.quote`): every byte of its UTF-8 form but letters, digits, `_.-~` and `safe` becomes `%XX`."},
	},
}
