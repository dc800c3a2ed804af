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
	},
}

var matchType = &Type{
	Name: "Match",
	Doc:  "A successful match of `re.search`, `re.match` or `re.fullmatch`.",
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
