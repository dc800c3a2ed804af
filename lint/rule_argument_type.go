package lint

import (
	"slices"

	"github.com/vmt-dev/vmt/lang"
)

var ruleArgumentType = &Rule{
	Name:     "argument-type",
	Severity: Error,
	Doc: "A literal argument has a type the parameter does not take, such as `timeout=\"10\"` " +
		"or `wait_for_open_port(\"80\")`: the call would fail when the test reaches it, possibly " +
		"after minutes of booting. Only literals (strings, numbers, True/False/None, lists, dicts, " +
		"tuples) are checked; an int is accepted where a float is expected. Function parameters are " +
		"checked by not-callable.",
	run: func(r *Rule, p *pass) {
		for _, c := range p.calls {
			for _, a := range c.args {
				bases := lang.BaseTypes(a.param.Type)
				if slices.Contains(bases, "callable") {
					continue
				}
				got := literalType(a.value)
				if got == "" || accepts(bases, got) {
					continue
				}
				shown := got
				if src := shortSource(a.value); src != "" {
					shown = got + " " + src
				}
				p.reportNode(r, a.value, "%s: %q expects %s, got %s",
					c.displayName(), a.param.Name, a.param.Type, shown)
			}
		}
	},
}
