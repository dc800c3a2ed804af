package analysis

import (
	"regexp"
)

var checkInvalidRegex = &Check{
	Name: "invalid-regex",
	Doc: "A string passed where a regular expression is expected (the `re` module, " +
		"`wait_for_console_text`, `wait_until_tty_matches`, `wait_for_text`, `wait_for_window`, " +
		"`assert_fails(match=...)`) does not compile, written there or assigned once to the variable passed. vmt uses Go's RE2 syntax: no lookahead, " +
		"lookbehind or backreferences; `(?P<name>...)` and `(?<name>...)` groups and inline flags " +
		"such as `(?i)` work.",
	run: func(c *Check, s *Script) {
		for _, call := range s.calls {
			for _, a := range call.Args {
				if !a.Param.Regexp {
					continue
				}
				pattern, lit := s.constString(a.Value)
				if lit == nil {
					continue
				}
				if _, err := regexp.Compile(pattern); err != nil {
					s.reportNode(c, a.Value, "%s: %q is not a valid regular expression%s: %v",
						call.DisplayName(), a.Param.Name, assignedAt(a.Value, lit), err)
				}
			}
		}
	},
}
