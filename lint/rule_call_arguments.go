package lint

var ruleCallArguments = &Rule{
	Name:     "call-arguments",
	Severity: Error,
	Doc: "A call of a builtin or a method of the script API passes arguments its signature does not " +
		"accept: too many positional arguments, a keyword that is not a parameter (with the closest " +
		"parameter suggested), the same parameter twice, or a required parameter missing. " +
		"Calls that spread `*args` or `**kwargs` are only checked for the keywords they name. " +
		"`vmt doc NAME` shows a signature.",
	run: func(r *Rule, p *pass) {
		for _, c := range p.calls {
			for _, problem := range c.problems {
				p.reportNode(r, problem.at, "%s", problem.msg)
			}
		}
	},
}
