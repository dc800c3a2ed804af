package analysis

import "go.starlark.net/syntax"

var checkSyntaxError = &Check{
	Name: "syntax-error",
	Doc: "The script does not parse or compile as vmt's Starlark dialect, so nothing can run. " +
		"The finding sits at the exact position the parser stopped, or at the statement the compiler " +
		"rejects (`break` outside a loop, `return` outside a function, a parameter listed twice, " +
		"`load`: a test script is one file). A broken line does not hide the rest of the script: it is " +
		"set aside and the other lines are checked. Python constructs Starlark lacks are python-habit.",
	run: func(c *Check, s *Script) {
		for _, e := range s.syntaxErrors {
			if e.rule == c.Name {
				s.report(c, e.pos, e.pos, nil, "%s", e.msg)
			}
		}
		for _, e := range s.resolveErrors {
			s.report(c, e.Pos, e.Pos, nil, "%s", e.Msg)
		}
		if s.File == nil {
			return
		}
		for _, stmt := range s.File.Stmts {
			if load, ok := stmt.(*syntax.LoadStmt); ok {
				s.reportNode(c, load, "load is not supported: a test script is one file (json, re, shlex and time are predeclared)")
			}
		}
	},
}
