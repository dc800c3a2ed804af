package analysis

import (
	"slices"

	"github.com/vmt-dev/vmt/lang"
)

var checkArgumentType = &Check{
	Name: "argument-type",
	Doc: "A literal argument has a type the parameter does not take, such as `timeout=\"10\"` " +
		"or `wait_for_open_port(\"80\")`: the call would fail when the test reaches it, possibly " +
		"after minutes of booting. Only literals (strings, numbers, True/False/None, lists, dicts, " +
		"tuples) are checked; an int is accepted where a float is expected. Function parameters are " +
		"checked by not-callable.",
	run: func(c *Check, s *Script) {
		for _, call := range s.calls {
			for _, a := range call.Args {
				bases := lang.BaseTypes(a.Param.Type)
				if slices.Contains(bases, "callable") {
					continue
				}
				got := literalType(a.Value)
				if got == "" || accepts(bases, got) {
					continue
				}
				shown := got
				if src := shortSource(a.Value); src != "" {
					shown = got + " " + src
				}
				s.reportNode(c, a.Value, "%s", ArgumentTypeMessage(call.DisplayName(), a.Param, shown))
			}
		}
	},
}
