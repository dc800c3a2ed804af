package analysis

var checkPythonHabit = &Check{
	Name: "python-habit",
	Doc: "A Python construct Starlark does not have, each with what to write instead and, where it is " +
		"safe, a fix (`vmt lint --fix`, or the editor's quick fix): an f-string becomes `\"...{}...\".format(x)`; " +
		"`with subtest(\"x\"):` becomes the section `subtest(\"x\")` ... `end_subtest()`; `assert x, m` becomes " +
		"`assert_true(x, m)`; `import json` goes (json, re, shlex and time are predeclared); `raise E(m)` becomes " +
		"`fail(m)`; `x is None` becomes `x == None`; type annotations go; `json.load(` becomes `json.loads(`; " +
		"`del d[k]` becomes `d.pop(k)`. `try`/`except`, classes, decorators, `global`, `nonlocal` and `**` have no " +
		"direct equivalent: the message says what to use.",
	run: func(c *Check, s *Script) {
		for _, e := range s.syntaxErrors {
			if e.rule == c.Name {
				s.report(c, e.pos, e.pos, e.fix, "%s", e.msg)
			}
		}
	},
}
