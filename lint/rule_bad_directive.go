package lint

var ruleBadDirective = &Rule{
	Name:     "bad-directive",
	Severity: Warning,
	Doc: "A `# vmt:` comment is not one the linter understands. The directives are " +
		"`# vmt: machines=a,b` (the test's machines, for editors that know no flags) and " +
		"`# vmt: disable=RULE[,RULE...]` (or `disable=all`), which silences rules on its line when " +
		"written at the end of a line, on the next line when written on a line of its own, and in " +
		"the whole file when written before the first statement.",
	run: func(r *Rule, p *pass) {
		for _, problem := range p.Directives.Problems {
			p.report(r, problem.Pos, problem.Pos, "%s", problem.Text)
		}
		for _, d := range p.Directives.Disabled {
			if d.Text != "all" && RuleByName(d.Text) == nil {
				p.report(r, d.Pos, d.Pos, "%s (vmt lint --list-rules lists them)", UnknownRule(d.Text))
			}
		}
	},
}
