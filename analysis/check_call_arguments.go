package analysis

var checkCallArguments = &Check{
	Name: "call-arguments",
	Doc: "A call of a builtin or a method of the script API passes arguments its signature does not " +
		"accept: too many positional arguments, a keyword that is not a parameter (with the closest " +
		"parameter suggested), the same parameter twice, or a required parameter missing. " +
		"Calls that spread `*args` or `**kwargs` are only checked for the keywords they name. " +
		"`vmt doc NAME` shows a signature.",
	run: func(c *Check, s *Script) {
		for _, call := range s.calls {
			for _, problem := range call.Problems {
				s.reportNode(c, problem.At, "%s", problem.Msg)
			}
		}
	},
}
