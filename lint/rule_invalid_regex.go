package lint

import (
	"regexp"

	"go.starlark.net/syntax"
)

var ruleInvalidRegex = &Rule{
	Name:     "invalid-regex",
	Severity: Error,
	Doc: "A string literal passed where a regular expression is expected (the `re` module, " +
		"`wait_for_console_text`, `wait_until_tty_matches`, `wait_for_text`, `wait_for_window`, " +
		"`assert_fails(match=...)`) does not compile. vmt uses Go's RE2 syntax: no lookahead, " +
		"lookbehind or backreferences; `(?P<name>...)` and `(?<name>...)` groups and inline flags " +
		"such as `(?i)` work.",
	run: func(r *Rule, p *pass) {
		for _, c := range p.calls {
			for _, a := range c.args {
				if !a.param.Regexp {
					continue
				}
				lit, ok := unparen(a.value).(*syntax.Literal)
				if !ok || lit.Token != syntax.STRING {
					continue
				}
				pattern, _ := lit.Value.(string)
				if _, err := regexp.Compile(pattern); err != nil {
					p.reportNode(r, lit, "%s: %q is not a valid regular expression: %v", c.displayName(), a.param.Name, err)
				}
			}
		}
	},
}
