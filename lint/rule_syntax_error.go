package lint

var ruleSyntaxError = &Rule{
	Name:     "syntax-error",
	Severity: Error,
	Doc: "The script does not parse or compile as vmt's Starlark dialect, so nothing can run. " +
		"The finding sits at the exact position the parser stopped, or at the statement the compiler " +
		"rejects (`break` outside a loop, `return` outside a function, a parameter listed twice). " +
		"Remember the differences from Python: no f-strings (use `%` or `.format`), no `with`, " +
		"no `try`, no `import` (json, re, shlex and time are already there), no classes.",
	run: func(r *Rule, p *pass) {
		for _, e := range p.resolveErrors {
			p.report(r, e.Pos, e.Pos, "%s", e.Msg)
		}
	},
}
